import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BeatframeError } from '@beatframe/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMakeOptions, songInput } from '../src/commands/make.js';
import { main } from '../src/index.js';

// Property tests over the CLI's options (seeded): whatever is typed, the answer is a value within bounds or
// a one-line usage/input error with exit code 2, never a crash or a stack.

const hostile = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1',
    '4',
    '1e9',
    '1e308',
    'Infinity',
    'NaN',
    '0x10',
    '1.5',
    '16:9',
    '9:16',
    '1:1',
    '4:3',
    '720p',
    '1080p',
    '4k',
    'auto',
    'llm',
    'heuristic',
    '../../etc/passwd',
    '/etc/passwd',
    '😀',
    'a\u202eb',
    '--yes',
  ),
  fc.string({ maxLength: 12 }),
);

const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'bf-cli-fuzz-'));
beforeAll(() => {
  process.env.BEATFRAME_DATA_DIR = join(dir, 'data');
  process.env.BEATFRAME_CONFIG = '';
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('fuzz: the CLI options', () => {
  it('parseMakeOptions: a bounded value or a one-line BeatframeError (exit 2)', () => {
    fc.assert(
      fc.property(
        fc.record({
          aspect: hostile,
          resolution: hostile,
          crew: hostile,
          maxCost: hostile,
          concurrency: hostile,
        }),
        (o) => {
          try {
            const { maxCost, concurrency } = parseMakeOptions(o);
            expect(['16:9', '9:16', '1:1']).toContain(o.aspect);
            expect(['720p', '1080p']).toContain(o.resolution);
            expect(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64).toBe(true);
            if (maxCost !== undefined) expect(maxCost >= 0 && maxCost <= 1_000_000).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(BeatframeError);
            expect((err as BeatframeError).exitCode).toBe(2);
            expect((err as Error).message).not.toContain('\n');
          }
        },
      ),
      { numRuns: 300, seed: 21 },
    );
  });

  it('songInput: a Suno id only for a UUID; anything else not a URL is a path, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.uuid(), fc.webUrl()), (s) => {
        const input = songInput(s);
        if ('sunoId' in input)
          expect(s).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
        if ('url' in input) expect(s).toMatch(/^https?:\/\//i);
      }),
      { numRuns: 300, seed: 21 },
    );
  });

  it('beatframe make with hostile options: exit 2 with one line, no stack, nothing created', async () => {
    const flags = [
      '--aspect',
      '--resolution',
      '--crew',
      '--max-cost',
      '--concurrency',
      '--provider',
      '--renderer',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...flags), hostile), { minLength: 1, maxLength: 4 }),
        async (pairs) => {
          const err: string[] = [];
          const sink = (arr: string[]) =>
            new Writable({
              write(c, _e, cb) {
                arr.push(c.toString());
                cb();
              },
            });
          // The song does not exist: every run ends in validation, before a database is opened.
          const argv = ['make', join(dir, 'missing.mp3'), ...pairs.flat()];
          const code = await main(argv, { stdout: sink([]), stderr: sink(err) });
          const text = err.join('');
          expect(code, `${JSON.stringify(argv)}: ${text}`).toBe(2);
          expect(text.trim().split('\n'), text).toHaveLength(1);
          expect(text).toMatch(/^beatframe: /);
          expect(text).not.toMatch(/\n\s+at /);
        },
      ),
      { numRuns: 60, seed: 21 },
    );
  });
});
