import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['@beatframe/source'] },
  ssr: { resolve: { conditions: ['@beatframe/source'] } },
  // Two test files at once: this suite is the longest in CI, and mostly waits on ffmpeg and child workers.
  test: { testTimeout: 180_000, hookTimeout: 60_000, maxWorkers: 2 },
});
