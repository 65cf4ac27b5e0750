import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAbuse } from '../bench/abuse-cases.js';
import { fuzzHttp, fuzzSchemas } from '../bench/fuzz-run.js';
import { startTarget } from '../bench/target.js';

// The fast slice of the fuzz and abuse suite (the bigger run: `pnpm --filter @beatframe/api fuzz`, `… abuse`).
// Seeded, so a failure names a body that reproduces.

let target: Awaited<ReturnType<typeof startTarget>>;
beforeAll(async () => {
  target = await startTarget();
}, 600_000);
afterAll(async () => {
  await target?.close();
});

describe('fuzz: every API body schema', () => {
  it('never throws, and accepts nothing out of bounds (paths, NUL, broken Unicode, huge numbers)', () => {
    const seen = fuzzSchemas({ runs: 150, seed: 21 });
    expect(Object.values(seen).every((n) => n >= 150)).toBe(true);
  });

  it('over HTTP: no body, form or id gets a 5xx or an answer naming a server path', async () => {
    const { requests, statuses } = await fuzzHttp(target, { runs: 12, seed: 21 });
    expect(Object.keys(requests).length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).toEqual([]);
  }, 180_000);
});

describe('abuse: traversal, SSRF forms, oversize, NUL, Unicode, huge numbers, concurrency', () => {
  it('nothing breaks', async () => {
    const lines: string[] = [];
    const results = await runAbuse(target, { concurrency: 50, print: (l) => lines.push(l) });
    const broken = results.filter((r) => !r.ok);
    expect(broken, lines.join('\n')).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  }, 180_000);
});
