import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, loadConfig, silentLogger } from '@beatframe/core';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe, STILLS_FIRST, STORYBOARD_READY } from '../src/index.js';
import { keyframePath } from '../src/keyframes.js';
import { CONTINUITY_CUE } from '../src/stages/review.js';
import { MARA, makeSong, testDeps } from './support/deps.js';

// The storyboard approved on stills before any video is paid for, on the Gemini API emulator (image and Veo);
// then the editor's continuity check on the clips made from those stills. The artist's own picture (a plain
// blue frame) stands in for Mara, so her shot's keyframe is blue while the emulator's clips are a test pattern:
// that clip has drifted from its keyframe, the other has not.
describe('storyboard approval on stills (Gemini API emulator)', () => {
  let dir: string;
  let emu: VeoEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-storyboard-'));
    emu = await startVeoEmulator({ latencyMs: 100, fps: 4 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the stills, pauses on them with the video to come, re-rolls and edits a still, makes the video from them, retakes a clip that drifted once', {
    timeout: 240_000,
  }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const artist = join(dir, 'artist.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=0x2040c0:size=640x360', '-frames:v', '1', artist]);
    const dataDir = join(dir, 'data');
    const env = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...env },
      logger: silentLogger(),
      deps: testDeps({
        shots: 2,
        provider: getProvider('veo', config),
        imageProvider: getImageProvider('veo', config),
        characters: [MARA],
        prompt: (i) => ['Mara at a lighthouse at night', 'waves breaking on rocks'][i]!,
      }),
      settings: { pollIntervalMs: 50 },
    });
    try {
      const { id } = await bf.createProject({
        song: { path: song },
        options: {
          provider: 'veo',
          outPath: join(dir, 'out.mp4'),
          refs: [{ path: artist, role: 'character' }],
        },
      });
      const worker = await bf.startWorker({ concurrency: 2 });
      const dirOf = join(dataDir, 'projects', id);

      // 1. Nothing approved: a small first pause asks for the stills alone; nothing is bought.
      let p = await bf.waitFor(id);
      let d = await bf.getProject(id);
      expect(p.status).toBe('paused');
      expect(d.reason?.startsWith(STILLS_FIRST)).toBe(true);
      expect(d.awaitingApproval).toBe(true);
      expect(d.storyboard?.phase).toBe('stills');
      expect(emu.imageBodies).toHaveLength(0);
      expect(emu.bodies).toHaveLength(0);
      const stillsUsd = d.storyboard!.stillsUsd;
      // Priced as they will be sent: Mara's keyframe carries the artist's picture ($0.0001 more).
      expect(stillsUsd).toBeCloseTo(2 * 0.039 + 0.0001, 6);

      // 2. The stills approved (to the cent, as the CLI and the dashboard ask):
      // they are made, and the one approval screen is the storyboard with the video's cost.
      expect(d.costs.approvalNeededUsd).toBe(0.08);
      await bf.resume(id, { approvedUsd: 0.08 });
      p = await bf.waitFor(id);
      d = await bf.getProject(id);
      expect(p.status).toBe('paused');
      expect(d.reason?.startsWith(STORYBOARD_READY)).toBe(true);
      expect(d.reason).toContain(`beatframe stills ${id} --reroll N`);
      expect(d.storyboard?.phase).toBe('review');
      expect(d.storyboard?.stills.map((s) => s.path)).toEqual([
        keyframePath(dirOf, 'shot-1'),
        keyframePath(dirOf, 'shot-2'),
      ]);
      expect(d.storyboard!.videoUsd).toBeGreaterThan(0);
      expect(d.storyboard!.videoUsd).toBeCloseTo(d.costs.estimateUsd - stillsUsd, 6);
      expect(emu.imageBodies).toHaveLength(2);
      expect(emu.bodies).toHaveLength(0);
      expect(d.costs.spentUsd).toBeCloseTo(stillsUsd, 6);

      // The contact sheet: both stills side by side, 320x180 cells.
      const sheet = await bf.contactSheet(id);
      const info = await probeMedia(sheet);
      expect([info.video?.width, info.video?.height]).toEqual([2 * 320 + 4 + 8, 180 + 8]);

      // 3. A re-roll: one more still, a new seed, paid once, logged, and in the ledger. (The emulator's picture
      // depends on the frame and the first reference only, so the seed in the request is what shows the re-roll.)
      // Asked twice at once (a double click), it makes two takes one after the other, each bought once with its
      // own seed, never the same still twice.
      const [r0, r] = await Promise.all([bf.rerollStill(id, 'shot-2'), bf.rerollStill(id, 'shot-2')]);
      expect([r0!.take, r!.take]).toEqual([2, 3]);
      expect(r0!.seed).not.toBe(r!.seed);
      expect(r).toMatchObject({ shotId: 'shot-2', take: 3 });
      expect(r.usd).toBeCloseTo(0.039, 6);
      expect(r0!.usd).toBeCloseTo(0.039, 6);
      expect(emu.imageBodies).toHaveLength(4);
      const seeds = emu.imageBodies
        .slice(2)
        .map((b) => (b.body.generationConfig as { seed?: number } | undefined)?.seed);
      expect(seeds).toEqual([r0!.seed, r.seed]);
      const reroll = emu.imageBodies[3]!.body;
      expect(JSON.stringify(reroll)).toContain('waves breaking on rocks');
      const after = readFileSync(keyframePath(dirOf, 'shot-2')).toString('base64');
      expect(after).toBe(readFileSync(join(dirOf, 'keyframes', 'shot-2.take-3.png')).toString('base64'));

      // 4. An edited prompt remakes that keyframe with the new words, which the shot keeps.
      await bf.rerollStill(id, 'shot-1', 'Mara at a lighthouse in a snowstorm, its beam sweeping');
      expect(emu.imageBodies).toHaveLength(5);
      expect(JSON.stringify(emu.imageBodies[4]!.body)).toContain('at a lighthouse in a snowstorm');
      d = await bf.getProject(id);
      expect(d.shots[0]!.prompt).toBe('Mara at a lighthouse in a snowstorm, its beam sweeping');
      expect(d.costs.spentUsd).toBeCloseTo(5 * 0.039, 3);
      expect(d.storyboard!.stillsSpentUsd).toBeCloseTo(5 * 0.039, 3);
      expect(d.reason).toContain('$0.20 spent on stills');
      const log = await bf.decisions(id);
      expect(log.filter((x) => x.role === 'person' && /re-roll|remake/.test(x.summary))).toHaveLength(3);
      const stills = log.filter((x) => x.role === 'keyframe');
      expect(stills).toHaveLength(5);
      expect(stills.every((x) => (x.costUsd ?? 0) > 0)).toBe(true);

      // 5. Approved once: the video is made, every clip from its keyframe (fitted to the video's frame by the plugin).
      await bf.approveCost(id);
      p = await bf.waitFor(id);
      await worker.stop();
      expect(p.error).toBeUndefined();
      expect(p.status).toBe('done');
      expect(emu.imageBodies).toHaveLength(5);
      // 6. Continuity: Mara's clip (a test pattern from a blue keyframe) drifted and was made again once, from its
      // keyframe, with words that hold it there; its second take drifted too and was kept (one paid retake).
      expect(emu.bodies).toHaveLength(3);
      const prompts = emu.bodies.map((b) => (b.body.instances[0] as { prompt?: string }).prompt ?? '');
      expect(prompts.filter((x) => x.includes(CONTINUITY_CUE))).toHaveLength(1);
      const started = emu.bodies.map(
        (b) => (b.body.instances[0] as { image?: { bytesBase64Encoded?: string } }).image?.bytesBase64Encoded,
      );
      expect(started.every((b) => (b?.length ?? 0) > 1000)).toBe(true);
      expect(new Set(started).size).toBe(2);
      const judged = (await bf.decisions(id)).filter(
        (x) => x.role === 'editor' && /^continuity/.test(x.summary),
      );
      const of = (shot: string) =>
        judged
          .filter((x) => x.shotId === shot)
          .map((x) => x.output as { distance: number; threshold: number; drifted: boolean });
      expect(of('shot-1').map((c) => c.drifted)).toEqual([true, true]);
      expect(of('shot-2').map((c) => c.drifted)).toEqual([false]);
      for (const c of [...of('shot-1'), ...of('shot-2')]) expect(c.drifted).toBe(c.distance > c.threshold);
      const kept = (await bf.decisions(id)).find(
        (x) => x.shotId === 'shot-1' && /^kept shot-1/.test(x.summary),
      );
      expect(kept?.summary).toMatch(
        /drifted from its keyframe \(distance [\d.]+ > 0\.25\)\): 2 attempts used$/,
      );

      // A re-roll once the storyboard is approved is refused in one line.
      await expect(bf.rerollStill(id, 'shot-1')).rejects.toThrow(InputError);
    } finally {
      await bf.close();
    }
  });
});
