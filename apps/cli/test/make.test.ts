import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'bf-cli-make-'));
let song: string;

beforeAll(async () => {
  process.env.BEATFRAME_DATA_DIR = join(dir, 'data');
  process.env.BEATFRAME_CONFIG = '';
  delete process.env.DATABASE_URL;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  song = join(dir, 'song.mp3');
  // Two tones and a click track: something with a beat, 8 s.
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=8',
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\\,0.5)\\,0.03):d=8',
    '-filter_complex',
    '[0][1]amix=inputs=2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    song,
  ]);
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function projectsJson(): Promise<unknown[]> {
  const t = io();
  expect(await main(['status', '--json'], t.io)).toBe(0);
  return JSON.parse(t.out.join(''));
}

describe('beatframe make: bad input', () => {
  it('missing file, not audio, truncated MP3, unknown option: one line, exit 2, no project left', async () => {
    const notAudio = join(dir, 'notes.mp3');
    writeFileSync(notAudio, 'this is not audio at all');
    const truncated = join(dir, 'truncated.mp3');
    const bytes = readFileSync(song);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const cases: Array<[string[], RegExp]> = [
      [['make', join(dir, 'missing.mp3')], /does not exist/],
      [['make', notAudio], /not decodable audio/],
      [['make', truncated], /truncated/],
      [['make', song, '--bogus'], /unknown option '--bogus'/],
      [['make', song, '--aspect', '4:3'], /--aspect must be 16:9, 9:16 or 1:1/],
      [['make', song, '--max-cost', 'lots'], /--max-cost must be an amount in USD/],
      [['make', song, '--visualizer', 'sparkles'], /--visualizer must be bars, wave, pulse or none/],
      [['make', song, '--style', 'karaoke'], /--style must be video or lyric/],
      [['make', song, '--bpm', '500'], /--bpm must be the song's tempo, 30–300 BPM, not 500/],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      const code = await main(argv, t.io);
      const err = t.err.join('');
      expect(code, err).toBe(2);
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^beatframe: /);
    }
    expect(await projectsJson()).toEqual([]);
  });
});

describe('beatframe make: offline end to end', () => {
  it('writes a video of the song with the song as its sound; status and decisions show the project', async () => {
    const out = join(dir, 'video.mp4');
    const t = io();
    const code = await main(
      // --bpm: the clicks (120) tracked at the half the user asks for; the analysis' log says so.
      ['make', song, '--renderer', 'ffmpeg', '--aspect', '9:16', '--out', out, '--profile', '--bpm', '60'],
      t.io,
    );
    expect(code, t.err.join('')).toBe(0);
    expect(t.out.join('').trim()).toBe(out);
    // --profile: every stage's wall time, and the render's steps inside it.
    const profile = t.err.join('');
    expect(profile).toMatch(/^profile: [\d.]+ s in all for 8\.\d s of song/m);
    for (const stage of ['ingest', 'analyze', 'generate', 'edit', 'render', 'evaluate'])
      expect(profile).toMatch(new RegExp(`^  ${stage}\\s+[\\d.]+ s`, 'm'));
    expect(profile).toMatch(/^ {4}encode\s+[\d.]+ s$/m);
    const info = await probeMedia(out);
    expect(info.audio).toBeTruthy();
    expect(info.video).toMatchObject({ width: 720, height: 1280 });
    expect(Math.abs(info.durationSec - 8)).toBeLessThan(0.3);

    const [project] = (await projectsJson()) as Array<{ id: string; status: string }>;
    expect(project?.status).toBe('done');
    const s = io();
    expect(await main(['status', project!.id], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(/render\s+done\s+100%/);
    expect(s.out.join('')).toMatch(/shots \(\d+\/\d+ ready\)/);
    const d = io();
    expect(await main(['decisions', project!.id], d.io)).toBe(0);
    expect(d.out.join('')).toMatch(/plan\/planner/);
    expect(d.out.join('')).toMatch(/edit\/editor/);
    expect(d.out.join('')).toMatch(/tempo 60\.\d bpm .*tempo given: 60/);
    const none = io();
    expect(await main(['status', 'no-such-project'], none.io)).toBe(2);
    expect(none.err.join('')).toBe('beatframe: no project with id no-such-project\n');
    // A final render is for a delivered preview; this make was already final.
    const notPreview = io();
    expect(await main(['final', project!.id], notPreview.io)).toBe(2);
    expect(notPreview.err.join('')).toBe(
      `beatframe: project ${project!.id} is not a preview: its render is the final one\n`,
    );
  }, 300_000);
});

describe('beatframe make: paid providers', () => {
  let emu: OpenAIVideosEmulator;
  beforeAll(async () => {
    emu = await startOpenAIVideosEmulator({ latencyMs: 100 });
    // Polled every 200 ms, one round: these tests are about money, not about waiting.
    const config = join(dir, 'fast.json');
    writeFileSync(
      config,
      JSON.stringify({ providers: { 'openai-videos': { pollIntervalMs: 200 } }, defaults: { maxRounds: 0 } }),
    );
    process.env.BEATFRAME_CONFIG = config;
  });
  afterAll(async () => {
    process.env.BEATFRAME_CONFIG = '';
    await emu.close();
  });

  it('without --yes and without a terminal it prints the estimate and stops before spending', async () => {
    process.env.OPENAI_API_KEY = emu.apiKey;
    process.env.OPENAI_BASE_URL = emu.baseUrl;
    try {
      const t = io();
      const code = await main(
        ['make', song, '--provider', 'sora', '--renderer', 'ffmpeg', '--out', join(dir, 'paid.mp4')],
        t.io,
      );
      const err = t.err.join('');
      expect(code, err).toBe(2);
      expect(err).toMatch(/beatframe: stopped before spending \$\d+\.\d\d: pass --yes to approve/);
      expect(emu.stats.submissions).toBe(0);
      const paused = (
        (await projectsJson()) as Array<{ status: string; options: { provider: string } }>
      ).filter((p) => p.options.provider === 'sora');
      expect(paused.map((p) => p.status)).toEqual(['paused']);
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_BASE_URL;
    }
  }, 120_000);

  it('resume --yes approves the printed range; a 429 storm and a refused job finish unattended within it, nothing paid twice', async () => {
    // Goes on with the project the test above stopped before spending (its plan is made and priced).
    process.env.OPENAI_API_KEY = emu.apiKey;
    process.env.OPENAI_BASE_URL = emu.baseUrl;
    try {
      const paused = (
        (await projectsJson()) as Array<{ id: string; status: string; options: { provider: string } }>
      ).filter((p) => p.options.provider === 'sora' && p.status === 'paused');
      expect(paused).toHaveLength(1);
      const id = paused[0]!.id;
      emu.clearFaults();
      const before = new Set(emu.videos.keys());
      emu.failNext(
        'create',
        { status: 429, code: 'rate_limit_exceeded', type: 'requests', retryAfter: 1 },
        3,
      );
      emu.failNextJob({
        code: 'moderation_blocked',
        message: 'Your request was blocked by our moderation system.',
      });
      const t = io();
      const code = await main(['resume', id, '--yes'], t.io);
      const err = t.err.join('');
      expect(code, err).toBe(0);
      const m =
        /estimate: \$(\d+\.\d\d) for the first cut, up to \$(\d+\.\d\d) with retakes and revisions/.exec(err);
      expect(m, err).not.toBeNull();
      // The refused job was booked at $0 and its retake changed the prompt: no request was paid for twice.
      const made = [...emu.videos.values()].filter((v) => !before.has(v.id));
      const paid = made
        .filter((v) => v.status === 'completed')
        .map((v) => `${v.prompt}|${v.seconds}|${v.size}`);
      expect(new Set(paid).size).toBe(paid.length);
      expect(made.some((v) => v.status === 'failed')).toBe(true);
      expect(emu.stats.faultsServed).toBeGreaterThanOrEqual(3);
      const status = io();
      expect(await main(['status', id, '--json'], status.io)).toBe(0);
      const d = JSON.parse(status.out.join('')) as {
        project: { status: string };
        costs: Record<string, number>;
      };
      expect(d.project.status).toBe('done');
      expect(d.costs.approvedUsd).toBe(Number(m![2]));
      expect(d.costs.spentUsd).toBeLessThanOrEqual(d.costs.approvedUsd!);
      expect(d.costs.spentUsd).toBeGreaterThan(0);
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_BASE_URL;
    }
  }, 240_000);
});
