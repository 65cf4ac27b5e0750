import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['@beatframe/source'] },
  ssr: { resolve: { conditions: ['@beatframe/source'] } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
