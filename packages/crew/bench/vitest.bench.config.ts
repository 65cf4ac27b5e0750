import { defineConfig } from 'vitest/config';

// The bench runs through vitest so it reads workspace sources like the tests do; it prints figures, asserts nothing.
export default defineConfig({
  resolve: { conditions: ['@beatframe/source'] },
  ssr: { resolve: { conditions: ['@beatframe/source'] } },
  test: { include: ['bench/**/*.bench-run.ts'], testTimeout: 300_000 },
});
