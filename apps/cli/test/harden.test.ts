import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

// Regression tests for the hardening issue: the CLI refuses what cannot finish before any work,
// names a folder as a folder, and a project stopped with Ctrl-C is not shown as running.

const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'bf-cli-harden-'));
let song: string;

beforeAll(async () => {
  process.env.BEATFRAME_DATA_DIR = join(dir, 'data');
  process.env.BEATFRAME_CONFIG = '';
  delete process.env.DATABASE_URL;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  song = join(dir, 'song.mp3');
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=8',
    '-b:a',
    '64k',
    song,
  ]);
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function statuses(): Promise<string[]> {
  const t = io();
  expect(await main(['status', '--json'], t.io)).toBe(0);
  return (JSON.parse(t.out.join('')) as Array<{ status: string }>).map((p) => p.status);
}

describe('beatframe make refuses at once what could not finish', () => {
  it('unknown renderer or provider, a folder, binary lyrics, a song too long: one line, exit 2, no project', async () => {
    const folder = join(dir, 'album');
    mkdirSync(folder);
    const binary = join(dir, 'lyrics.txt');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff]));
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['make', song, '--renderer', 'nonexistent'], /unknown renderer "nonexistent"/],
      [['make', song, '--provider', 'nonexistent'], /unknown provider "nonexistent"/],
      [['make', song, '--model', 'nope'], /local has no model "nope"/],
      [['make', folder], /is a folder, not an audio file/],
      [['make', song, '--lyrics', binary], /lyrics file .* is not text/],
      [
        ['make', song],
        /is 0\.1 min long; the longest song accepted is 0\.1 min/,
        { BEATFRAME_MAX_SONG_SEC: '5' },
      ],
    ];
    for (const [argv, message, env] of cases) {
      Object.assign(process.env, env ?? {});
      const t = io();
      const code = await main(argv, t.io);
      for (const k of Object.keys(env ?? {})) delete process.env[k];
      const err = t.err.join('');
      expect(code, err).toBe(2);
      expect(err).toMatch(message);
      expect(err.trim().split('\n'), err).toHaveLength(1);
    }
    // Refused at create: no project exists, so no stage ran and nothing was generated.
    expect(await statuses()).toEqual([]);
  }, 600_000);
});

describe('Ctrl-C', () => {
  it('leaves the project paused (interrupted), not running; status says so', async () => {
    const t = io();
    const run = main(['make', song, '--renderer', 'ffmpeg', '--out', join(dir, 'v.mp4')], t.io);
    // Interrupt as soon as the project exists.
    for (let i = 0; i < 600 && !/project \S+/.test(t.err.join('')); i++)
      await new Promise((r) => setTimeout(r, 100));
    process.emit('SIGTERM');
    const code = await run;
    expect(code, t.err.join('')).toBe(130);
    expect(await statuses()).toEqual(['paused']);
    const s = io();
    expect(await main(['status'], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(/paused .*interrupted; go on with `beatframe resume /);
    expect(s.out.join('')).not.toMatch(/\brunning\b/);
  }, 300_000);
});
