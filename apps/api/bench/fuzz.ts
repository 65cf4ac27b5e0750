/**
 * The bigger fuzz run: many more bodies per schema and over HTTP than the test slice.
 * `pnpm --filter @beatframe/api fuzz` (FUZZ_RUNS, FUZZ_SEED to change the size and the seed).
 */
import { fuzzHttp, fuzzSchemas } from './fuzz-run.js';
import { startTarget } from './target.js';

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
const target = await startTarget();
try {
  console.log(
    `fuzz: seed ${seed}, ${runs} bodies per schema in-process, ${Math.ceil(runs / 3)} per route over HTTP`,
  );
  const t0 = performance.now();
  const seen = fuzzSchemas({ runs: runs * 3, seed });
  console.log(
    `schemas: ${Object.entries(seen)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}: nothing out of bounds accepted`,
  );
  const { requests, statuses } = await fuzzHttp(target, { runs: Math.ceil(runs / 3), seed });
  console.log(
    `http: ${Object.entries(requests)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `statuses: ${Object.entries(statuses)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ')}; no 5xx, no path in any answer`,
  );
  console.log(
    `took ${((performance.now() - t0) / 1000).toFixed(1)} s; rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
  );
} catch (err) {
  console.error(`fuzz: BROKEN: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await target.close();
}
