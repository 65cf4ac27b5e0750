import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cli-clip-'));
const saved = { ...process.env };
let emu: OpenAIVideosEmulator;

beforeAll(async () => {
  emu = await startOpenAIVideosEmulator({ latencyMs: 300 });
  process.env.BEATFRAME_DATA_DIR = join(dir, 'data');
  process.env.BEATFRAME_CONFIG = '';
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.BEATFRAME_MANUAL_DIR;
});
afterAll(async () => {
  process.env = saved;
  await emu.close();
});

describe('beatframe providers', () => {
  it('--json lists each provider, whether it is configured (with a hint), and its capabilities', async () => {
    const t = io();
    expect(await main(['providers', '--json'], t.io)).toBe(0);
    const list = JSON.parse(t.out.join('')) as Array<{
      name: string;
      aliases: string[];
      configured: boolean;
      hint?: string;
      capabilities: { durations: number[]; exampleUsd: { usd: number } };
    }>;
    const byName = Object.fromEntries(list.map((p) => [p.name, p]));
    expect(byName.local).toMatchObject({ configured: true, capabilities: { exampleUsd: { usd: 0 } } });
    expect(byName['openai-videos']).toMatchObject({
      configured: false,
      aliases: expect.arrayContaining(['sora']),
    });
    expect(byName['openai-videos']!.hint).toContain('OPENAI_API_KEY');
    expect(byName['openai-videos']!.capabilities.durations).toEqual([4, 8, 12]);
    expect(byName.manual!.hint).toContain('BEATFRAME_MANUAL_DIR');
  });

  it('prints a readable table', async () => {
    const t = io();
    expect(await main(['providers'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/^local \(offline, motion-graphics\)\s+ready$/m);
    expect(text).toMatch(/openai-videos \(sora, openai\)\s+not configured: set OPENAI_API_KEY/);
    expect(text).toContain('$0.40 per 4s clip');
  });
});

describe('beatframe clip', () => {
  it('makes a local clip at the requested size and snapped length', async () => {
    const t = io();
    const out = join(dir, 'local.mp4');
    const code = await main(
      [
        'clip',
        '--provider',
        'local',
        '--prompt',
        'gold and teal, calm',
        '--seconds',
        '2.2',
        '--size',
        '320x180',
        '--out',
        out,
      ],
      t.io,
    );
    expect(t.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(t.out.join('')).toMatch(
      /^wrote .*local\.mp4 \(320x180, 2\.\d\ds, 30 fps, local scene-v1, \$0\.00\)\n$/,
    );
    const info = await probeMedia(out);
    expect(info.video).toMatchObject({ width: 320, height: 180, codec: 'h264' });
  });

  it('talks to the Videos API (alias sora) at OPENAI_BASE_URL and prints the clip as JSON', async () => {
    process.env.OPENAI_API_KEY = emu.apiKey;
    process.env.OPENAI_BASE_URL = emu.baseUrl;
    try {
      const t = io();
      const out = join(dir, 'sora.mp4');
      const code = await main(
        ['clip', '--provider', 'sora', '--prompt', 'a kite', '--seconds', '4', '--out', out, '--json'],
        t.io,
      );
      expect(t.err.join('')).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(t.out.join(''))).toMatchObject({
        provider: 'openai-videos',
        width: 1280,
        height: 720,
        costUsd: 0.4,
      });
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_BASE_URL;
    }
  });

  it('takes a shot from the manual folder by its number', async () => {
    const folder = join(dir, 'manual');
    mkdirSync(folder, { recursive: true });
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=200x120:rate=10:duration=1',
      '-pix_fmt',
      'yuv420p',
      join(folder, '02-verse.mp4'),
    ]);
    process.env.BEATFRAME_MANUAL_DIR = folder;
    try {
      const t = io();
      const out = join(dir, 'manual-out.mp4');
      expect(
        await main(['clip', '--provider', 'manual', '--prompt', '-', '--shot', '2', '--out', out], t.io),
      ).toBe(0);
      expect(t.out.join('')).toMatch(/\(200x120, 1\.00s, 10 fps, manual/);
      const t2 = io();
      expect(
        await main(['clip', '--provider', 'manual', '--prompt', '-', '--shot', '5', '--out', out], t2.io),
      ).toBe(1);
      expect(t2.err.join('')).toMatch(/^beatframe: no clip for shot 5 in .*: add 5\.mp4, 05-<anything>\.mp4/);
    } finally {
      delete process.env.BEATFRAME_MANUAL_DIR;
    }
  });

  it('bad input is one line and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--provider', 'nope'], /^beatframe: unknown provider "nope"; known: local/],
      [['--provider', 'sora'], /^beatframe: provider openai-videos is not configured: set OPENAI_API_KEY/],
      [
        ['--provider', 'local', '--size', '333x777'],
        /^beatframe: local cannot make 333x777 clips; allowed sizes: 1280x720/,
      ],
      [['--provider', 'local', '--seconds', 'soon'], /^beatframe: --seconds must be a positive number/],
      [
        ['--provider', 'local', '--image', '/no/such.png'],
        /^beatframe: --image \/no\/such.png does not exist/,
      ],
    ];
    for (const [args, re] of cases) {
      const t = io();
      expect(await main(['clip', '--prompt', 'x', '--out', join(dir, 'x.mp4'), ...args], t.io)).toBe(2);
      expect(t.err.join('')).toMatch(re);
      expect(t.err.join('').trim().split('\n')).toHaveLength(1);
    }
  });
});
