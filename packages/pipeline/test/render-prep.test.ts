import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Renderer, silentLogger, sleep, type Timeline } from '@beatframe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe, type StageDeps } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type Emulator, startEmulator } from './support/emulator.js';

describe("the render's pre-work overlaps generation", () => {
  let dir: string;
  let song: string;
  let emu: Emulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-prep-'));
    song = await makeSong(join(dir, 'song.mp3'), 6);
    emu = await startEmulator({ latencyMs: 400 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function depsWithPrepare(cpuBound: boolean) {
    const base = emulatedProvider(emu.url, { concurrency: 2 });
    const provider = { ...base, capabilities: { ...base.capabilities, cpuBound } };
    const deps = testDeps({ shots: 4, provider });
    const seen = {
      drafts: [] as Timeline[],
      prepStart: 0,
      prepEnd: 0,
      renderStart: 0,
      inFlightDuringPrep: 0,
    };
    const withPrepare: StageDeps = {
      ...deps,
      draftTimeline: async ({ song: s }) =>
        ({
          version: 1,
          fps: 10,
          width: 160,
          height: 90,
          durationFrames: Math.round(s.durationSec * 10),
          audio: { src: s.audioPath, durationSec: s.durationSec },
          items: [],
          cards: [{ kind: 'title', text: s.title, startFrame: 0, endFrame: 20 }],
          captions: [],
          beatFrames: [],
          style: { fontFamily: 'DejaVu Sans', accent: '#ffffff', captionColor: '#ffffff' },
        }) as Timeline,
      renderer: async (name, config) => {
        const r = await deps.renderer(name, config);
        return {
          ...r,
          async prepare(draft, ctx) {
            seen.drafts.push(draft);
            seen.prepStart = Date.now();
            emu.maxInFlight = 0;
            // Long enough for several shots to go to the provider meanwhile.
            await sleep(3000, ctx.signal);
            seen.inFlightDuringPrep = emu.maxInFlight;
            seen.prepEnd = Date.now();
            return { summary: 'test overlays' };
          },
          async render(timeline, out, ctx) {
            seen.renderStart = Date.now();
            return r.render(timeline, out, ctx);
          },
        } satisfies Renderer;
      },
    };
    return { deps: withPrepare, seen };
  }

  it('starts before the generate stage ends, holds a slot of a CPU-bound generator, and the render waits for it', async () => {
    const { deps, seen } = depsWithPrepare(true);
    const bf = await createBeatframe({
      config: loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'a') }, cwd: dir }),
      logger: silentLogger(),
      deps,
      settings: { pollIntervalMs: 50 },
    });
    try {
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', outPath: join(dir, 'a.mp4') },
      });
      const worker = await bf.startWorker({ concurrency: 4 });
      const final = await bf.waitFor(p.id);
      await worker.stop();
      expect(final.status, final.error).toBe('done');
      const generate = final.stages.find((s) => s.name === 'generate')!;
      const generateEnd = Date.parse(generate.finishedAt!);
      // The overlap: the pre-work ran while the shots were generated, not after them.
      expect(seen.drafts).toHaveLength(1);
      expect(seen.drafts[0]!.items).toEqual([]);
      expect(seen.prepStart).toBeGreaterThan(0);
      expect(seen.prepStart).toBeLessThan(generateEnd);
      expect(seen.prepStart).toBeGreaterThanOrEqual(Date.parse(generate.startedAt!));
      // Never more than the generator's limit: the pre-work held one of its two slots. (Not "exactly 1": on a
      // loaded machine no shot may reach the emulator within the pre-work's 3 s; the overlap itself is the
      // prepStart / generateEnd check above.)
      expect(seen.inFlightDuringPrep).toBeLessThanOrEqual(1);
      // The render started after the pre-work was done.
      expect(seen.renderStart).toBeGreaterThanOrEqual(seen.prepEnd);
      const log = await bf.decisions(p.id);
      const started = log.find((d) => d.stage === 'render' && /pre-work started/.test(d.summary));
      const done = log.find((d) => d.stage === 'render' && /pre-work done/.test(d.summary));
      expect(started?.summary).toMatch(/one of emulated's slots/);
      expect(done?.summary).toMatch(/test overlays/);
    } finally {
      await bf.close();
    }
  }, 180_000);

  // Two whole makes: on two busy cores they took over a minute (the bound catches a hang, not slowness).
  it('a generator off this machine keeps all its slots, and a preview has no pre-work', async () => {
    const { deps, seen } = depsWithPrepare(false);
    const bf = await createBeatframe({
      config: loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'b') }, cwd: dir }),
      logger: silentLogger(),
      deps,
      settings: { pollIntervalMs: 50 },
    });
    try {
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', outPath: join(dir, 'b.mp4') },
      });
      const worker = await bf.startWorker({ concurrency: 4 });
      expect((await bf.waitFor(p.id)).status).toBe('done');
      expect(seen.inFlightDuringPrep).toBe(2);
      const preview = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', outPath: join(dir, 'c.mp4'), preview: true },
      });
      expect((await bf.waitFor(preview.id)).status).toBe('done');
      await worker.stop();
      expect(seen.drafts).toHaveLength(1);
    } finally {
      await bf.close();
    }
  }, 180_000);
});
