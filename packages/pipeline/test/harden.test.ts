import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BeatframeConfig, InputError, loadConfig, silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe, type StageDeps } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type Emulator, startEmulator } from './support/emulator.js';

// Regression tests for the hardening issue: what createProject refuses before any work, the estimate's
// cost, replacing a shot with a still image, deleting a busy project, and the offline crew staying offline.

function config(dataDir: string, extra: Partial<BeatframeConfig> = {}): BeatframeConfig {
  return { ...loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir }), ...extra };
}

let dir: string;
let song: string;
let emu: Emulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bf-harden-'));
  song = await makeSong(join(dir, 'song.mp3'), 6);
  emu = await startEmulator({ latencyMs: 1500 });
}, 120_000);
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createProject refuses what cannot finish, before anything is stored', () => {
  // The real plugins, and no worker: nothing may run; a refused request must leave no project.
  let bf: Awaited<ReturnType<typeof createBeatframe>>;
  beforeAll(async () => {
    const cfg = config(join(dir, 'real'), { limits: { maxSongSec: 4 } });
    bf = await createBeatframe({ config: cfg, logger: silentLogger(), env: {} });
  }, 300_000);
  afterAll(async () => {
    await bf?.close();
  }, 120_000);

  it('with the real plugins: provider, model, renderer, numbers, song length, lyrics, Suno ids', async () => {
    {
      const short = await makeSong(join(dir, 'short.mp3'), 2);
      const binary = join(dir, 'lyrics.lrc');
      writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
      const folder = join(dir, 'a-folder.mp3');
      mkdirSync(folder, { recursive: true });
      const base = { song: { path: short }, options: { provider: 'local' } };
      const cases: Array<[string, Parameters<typeof bf.createProject>[0], RegExp]> = [
        [
          'unknown provider',
          { ...base, options: { provider: 'nonexistent' } },
          /unknown provider "nonexistent"/,
        ],
        [
          'unknown renderer',
          { ...base, options: { renderer: 'nonexistent' } },
          /unknown renderer "nonexistent"/,
        ],
        ['renderer as a path', { ...base, options: { renderer: '../../x' } }, /unknown renderer/],
        ['unknown model', { ...base, options: { model: 'gpt-video-9' } }, /local has no model "gpt-video-9"/],
        [
          'paid provider without its key',
          { ...base, options: { provider: 'veo' } },
          /provider veo is not set up: .*GEMINI_API_KEY/,
        ],
        [
          'maxRounds 1e9',
          { ...base, options: { maxRounds: 1e9 } },
          /maxRounds must be a whole number from 0 to 10/,
        ],
        ['approvedUsd -5', { ...base, approvedUsd: -5 }, /approvedUsd must be an amount of dollars/],
        ['maxCostUsd 1e308', { ...base, maxCostUsd: 1e308 }, /max-cost.*must be an amount of dollars/],
        [
          'a 6 s song over a 4 s limit',
          { ...base, song: { path: song } },
          /longest song accepted is 0\.1 min/,
        ],
        ['binary lyrics', { ...base, lyricsPath: binary }, /lyrics file .* is not text/],
        ['a folder as the song', { ...base, song: { path: folder } }, /is a folder, not an audio file/],
        [
          'a path as a Suno id',
          { ...base, song: { sunoId: '/etc/passwd' } },
          /sunoId must be a Suno song id/,
        ],
        ['a relative path as a Suno id', { ...base, song: { sunoId: '../song.mp3' } }, /sunoId must be/],
      ];
      for (const [what, input, message] of cases) {
        const err = await bf.createProject(input).catch((e: unknown) => e);
        expect(err, what).toBeInstanceOf(InputError);
        expect((err as Error).message, what).toMatch(message);
        expect((err as Error).message, what).not.toContain('\n');
      }
      expect(await bf.listProjects()).toEqual([]);
      // What is fine still goes through: the CLI's --yes, a Suno link.
      const ok = await bf.createProject({ ...base, approvedUsd: APPROVE_ANY, maxCostUsd: 5 });
      expect(ok.status).toBe('queued');
      const suno = await bf.createProject({
        ...base,
        song: { sunoId: 'https://suno.com/song/3F2A1B4C-5D6E-4F70-8A9B-0C1D2E3F4A5B' },
      });
      expect(suno.name).toBe('suno-3f2a1b4c');
    }
  }, 300_000);

  it('the estimate is arithmetic: any duration answers at once; absurd ones are refused', async () => {
    {
      // A typical song of that length planned into slots: one shot for a second, a day of song at once,
      // no shot longer than the longest clip (8 s on Veo).
      const one = await bf.estimateCost({ provider: 'veo', durationSec: 1 });
      expect(one.shots).toBe(1);
      const t0 = Date.now();
      const day = await bf.estimateCost({ provider: 'veo', durationSec: 86_400 });
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(day).toMatchObject({ provider: 'veo', exact: false });
      expect(day.shots).toBeGreaterThanOrEqual(86_400 / 8);
      expect(day.usd).toBeGreaterThan(one.usd * 1000);
      for (const durationSec of [1e9, 1e308, Number.POSITIVE_INFINITY, Number.NaN, -1, 0])
        await expect(
          bf.estimateCost({ provider: 'local', durationSec }),
          String(durationSec),
        ).rejects.toThrow(/durationSec must be a number of seconds/);
    }
  }, 120_000);
});

describe('a running pipeline', () => {
  it('refuses a still image as a shot, leaving the finished project intact; the offline crew sends no frame away', async () => {
    const seen: Array<Parameters<StageDeps['evaluate']>[0]> = [];
    const deps = testDeps({
      shots: 2,
      provider: emulatedProvider(emu.url),
      evaluate: async (input) => {
        seen.push(input);
        return {
          version: 1,
          videoPath: input.videoPath,
          score: 0.9,
          passed: true,
          metrics: {},
          issues: [],
          summary: 'ok',
        };
      },
    });
    const bf = await createBeatframe({
      config: config(join(dir, 'still')),
      logger: silentLogger(),
      env: { OPENAI_API_KEY: 'sk-test-not-used' },
      deps,
      settings: { pollIntervalMs: 50 },
    });
    try {
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', crew: 'heuristic' },
      });
      const worker = await bf.startWorker({ concurrency: 2 });
      const final = await bf.waitFor(p.id);
      await worker.stop();
      expect(final.status).toBe('done');
      // crew=heuristic: the evaluation is told to keep frames on this machine.
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((i) => i.vision === false)).toBe(true);

      const png = join(dir, 'still.png');
      await runFfmpeg([
        '-y',
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=red:s=64x36',
        '-frames:v',
        '1',
        png,
      ]);
      const disguised = join(dir, 'still.mp4');
      writeFileSync(disguised, Buffer.from(await import('node:fs').then((f) => f.readFileSync(png))));
      for (const image of [png, disguised]) {
        const err = await bf.replaceShotClip(p.id, 'shot-1', image).catch((e: unknown) => e);
        expect(err, image).toBeInstanceOf(InputError);
        expect((err as Error).message).toMatch(/is a still image; a shot needs a video clip/);
      }
      const after = await bf.getProject(p.id);
      expect(after.project.status).toBe('done');
      expect(after.shots.find((s) => s.id === 'shot-1')?.clip?.provider).toBe('emulated');
    } finally {
      await bf.close();
    }
  }, 300_000);

  it('deleting a project while it generates stops its jobs first and leaves no folder behind', async () => {
    const cfg = config(join(dir, 'delete'));
    const bf = await createBeatframe({
      config: cfg,
      logger: silentLogger(),
      deps: testDeps({ shots: 3, provider: emulatedProvider(emu.url) }),
      settings: { pollIntervalMs: 50 },
    });
    try {
      const p = await bf.createProject({ song: { path: song }, options: { provider: 'emulated' } });
      const worker = await bf.startWorker({ concurrency: 3 });
      const projectDir = join(cfg.dataDir, 'projects', p.id);
      // Wait until clips are being generated (each takes the emulator 1.5 s).
      for (let i = 0; i < 400; i++) {
        const d = await bf.getProject(p.id);
        if (d.shots.some((s) => s.status === 'generating' || s.status === 'submitting')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await bf.deleteProject(p.id);
      expect(existsSync(projectDir)).toBe(false);
      // Longer than a clip takes: nothing comes back to write into the folder.
      await new Promise((r) => setTimeout(r, 3000));
      await worker.stop();
      expect(existsSync(projectDir)).toBe(false);
      expect(await bf.listProjects()).toEqual([]);
    } finally {
      await bf.close();
    }
  }, 300_000);
});
