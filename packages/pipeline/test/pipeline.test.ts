import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BeatframeConfig,
  type EvaluationReport,
  InputError,
  loadConfig,
  silentLogger,
  type Timeline,
} from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe, type PipelineEvent } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type Emulator, startEmulator } from './support/emulator.js';

function config(dataDir: string, extra: Partial<BeatframeConfig> = {}): BeatframeConfig {
  return { ...loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir }), ...extra };
}

describe('the pipeline on PGlite', () => {
  let dir: string;
  let song: string;
  let emu: Emulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-pipe-'));
    song = await makeSong(join(dir, 'song.mp3'), 6);
    emu = await startEmulator({ latencyMs: 300 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a song to a delivered video: stages in order, review regenerates once, one submission per attempt', async () => {
    const provider = emulatedProvider(emu.url);
    const deps = testDeps({ shots: 3, provider, rejectOnce: ['shot-2'] });
    const cfg = config(join(dir, 'a'));
    const bf = await createBeatframe({
      config: cfg,
      logger: silentLogger(),
      deps,
      settings: { pollIntervalMs: 50 },
    });
    try {
      const seen: PipelineEvent[] = [];
      bf.subscribe('*', (e) => seen.push(e));
      const out = join(dir, 'out', 'video.mp4');
      const created = await bf.createProject({
        song: { path: song },
        // A preview first (half size, the fastest renderer), the final render on request at the end.
        options: { provider: 'emulated', outPath: out, preview: true },
      });
      expect(created.status).toBe('queued');
      const worker = await bf.startWorker({ concurrency: 4 });
      const final = await bf.waitFor(created.id);
      await worker.stop();
      expect(final.error).toBeUndefined();
      expect(final.status).toBe('done');
      expect(final.stages.every((s) => s.status === 'done')).toBe(true);
      // The video is the song's length and carries its sound.
      const info = await probeMedia(out);
      expect(info.audio).toBeTruthy();
      expect(Math.abs(info.durationSec - 6)).toBeLessThan(0.5);
      expect(await bf.videoPath(created.id)).toBe(out);
      expect(await bf.thumbnailPath(created.id)).toBeTruthy();

      const detail = await bf.getProject(created.id);
      expect(detail.shots.map((s) => [s.id, s.status, s.attempt])).toEqual([
        ['shot-1', 'accepted', 1],
        ['shot-2', 'accepted', 2],
        ['shot-3', 'accepted', 1],
      ]);
      expect(detail.shots[1]?.prompt).toMatch(/brighter$/);
      expect(detail.shots.every((s) => s.thumbnailPath && existsSync(s.thumbnailPath))).toBe(true);
      // Exactly one provider submission per shot attempt.
      expect(Object.fromEntries(emu.submissions)).toEqual({ 'shot-1': 1, 'shot-2': 2, 'shot-3': 1 });

      const log = await bf.decisions(created.id);
      expect(log.map((d) => d.role)).toEqual(expect.arrayContaining(['planner', 'editor', 'budget']));
      expect(log.find((d) => d.role === 'editor')?.stage).toBe('review');

      // Live events came through, in order, and are stored for replay.
      await new Promise((r) => setTimeout(r, 100));
      const types = seen.filter((e) => e.projectId === created.id).map((e) => e.type);
      expect(types).toContain('shot');
      expect(types.at(-1)).toBe('done');
      const replay = await bf.eventsSince(created.id, 0);
      expect(replay.length).toBeGreaterThanOrEqual(seen.filter((e) => e.projectId === created.id).length);
      const stageDone = replay
        .filter((e) => e.type === 'stage' && e.status === 'done')
        .map((e) => (e as { stage: string }).stage);
      expect(stageDone.indexOf('ingest')).toBeLessThan(stageDone.indexOf('render'));

      // A person's changes after delivery: a new prompt for one shot, a hand-made clip for another.
      const worker2 = await bf.startWorker({ concurrency: 4 });
      await bf.regenerateShot(created.id, 'shot-3', 'shot three, but at dawn');
      let again = await bf.waitFor(created.id);
      expect(again.status, again.error).toBe('done');
      const manual = join(dir, 'manual.mp4');
      await runFfmpeg([
        '-y',
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=160x90:rate=10:duration=2',
        '-pix_fmt',
        'yuv420p',
        manual,
      ]);
      await bf.replaceShotClip(created.id, 'shot-1', manual);
      again = await bf.waitFor(created.id);
      await worker2.stop();
      expect(again.status, again.error).toBe('done');
      const after = await bf.getProject(created.id);
      expect(after.shots.map((s) => [s.id, s.status, s.attempt, s.clip?.provider])).toEqual([
        ['shot-1', 'accepted', 2, 'manual'],
        ['shot-2', 'accepted', 2, 'emulated'],
        ['shot-3', 'accepted', 2, 'emulated'],
      ]);
      expect(after.shots[2]?.prompt).toBe('shot three, but at dawn');
      expect(emu.submissions.get('shot-3')).toBe(2);
      expect(emu.submissions.get('shot-1')).toBe(1);
      expect((await bf.decisions(created.id)).filter((d) => d.role === 'person').length).toBe(2);

      // The preview made way for the final render: the same cut, rendered again, and only on request.
      const renders = (await bf.decisions(created.id)).filter((d) =>
        /^preview: the cut rendered by ffmpeg at/.test(d.summary),
      );
      expect(renders.length).toBe(3); // first delivery, the new take, the replaced clip
      await expect(bf.renderFinal('no-such-project')).rejects.toThrow();
      const worker3 = await bf.startWorker({ concurrency: 4 });
      await bf.renderFinal(created.id);
      const finalRender = await bf.waitFor(created.id);
      await worker3.stop();
      expect(finalRender.status, finalRender.error).toBe('done');
      const last = await bf.getProject(created.id);
      expect(last.project.options.preview).toBe(false);
      expect(last.shots.map((s) => s.attempt)).toEqual([2, 2, 2]); // no clip made again
      const log2 = await bf.decisions(created.id);
      expect(log2.filter((d) => /^preview: /.test(d.summary)).length).toBe(3);
      expect(log2.some((d) => d.role === 'person' && /^final render asked for/.test(d.summary))).toBe(true);
      await expect(bf.renderFinal(created.id)).rejects.toThrow(/not a preview/);
    } finally {
      await bf.close();
    }
  });

  it('a preview on a free, deterministic provider asks for half-size clips; the final makes them again at full size', async () => {
    const provider = emulatedProvider(emu.url, { deterministic: true, sizes: ['1280x720', '640x360'] });
    const asked: string[] = [];
    const submit = provider.submit.bind(provider);
    provider.submit = (req, ctx) => {
      asked.push(`${req.shotId}@${req.size}`);
      return submit(req, ctx);
    };
    const bf = await createBeatframe({
      config: config(join(dir, 'det')),
      logger: silentLogger(),
      deps: testDeps({ shots: 2, provider }),
      settings: { pollIntervalMs: 50 },
    });
    try {
      const created = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', outPath: join(dir, 'det', 'video.mp4'), preview: true },
      });
      const worker = await bf.startWorker({ concurrency: 4 });
      const preview = await bf.waitFor(created.id);
      expect(preview.status, preview.error).toBe('done');
      expect(asked.sort()).toEqual(['shot-1@640x360', 'shot-2@640x360']);
      await bf.renderFinal(created.id);
      const final = await bf.waitFor(created.id);
      await worker.stop();
      expect(final.status, final.error).toBe('done');
      expect(asked.slice(2).sort()).toEqual(['shot-1@1280x720', 'shot-2@1280x720']);
      const after = await bf.getProject(created.id);
      // The same takes (same seeds), made again: no new attempt, nothing else asked for.
      expect(after.shots.map((s) => [s.id, s.status, s.attempt])).toEqual([
        ['shot-1', 'accepted', 1],
        ['shot-2', 'accepted', 1],
      ]);
      expect(after.project.options.preview).toBe(false);
      const log = await bf.decisions(created.id);
      expect(log.some((d) => /^final: 2 emulated clip\(s\) made again at full size/.test(d.summary))).toBe(
        true,
      );
    } finally {
      await bf.close();
    }
  });

  it('resume() without a project goes on with every unfinished one; cancel stops one for good', async () => {
    const provider = emulatedProvider(emu.url, { usdPerSecond: 0.1 });
    const bf = await createBeatframe({
      config: config(join(dir, 'c')),
      logger: silentLogger(),
      deps: testDeps({ shots: 2, provider }),
      settings: { pollIntervalMs: 50 },
    });
    try {
      const worker = await bf.startWorker({ concurrency: 2 });
      const ids: string[] = [];
      for (const name of ['one', 'two', 'three'])
        ids.push(
          (await bf.createProject({ song: { path: song }, name, options: { provider: 'emulated' } })).id,
        );
      // All three wait for approval of their estimate ($0.40 each).
      for (const id of ids) expect((await bf.waitFor(id)).status).toBe('paused');
      await bf.cancel(ids[2]!);
      expect((await bf.getProject(ids[2]!)).project).toMatchObject({ status: 'failed', error: 'cancelled' });
      const resumed = await bf.resume(undefined, { approvedUsd: 1 });
      expect(resumed.sort()).toEqual(ids.slice(0, 2).sort());
      for (const id of resumed) expect((await bf.waitFor(id)).status).toBe('done');
      expect((await bf.getProject(ids[2]!)).project.status).toBe('failed');
      await worker.stop();
    } finally {
      await bf.close();
    }
  });

  it('revises the edit after a failing evaluation: a re-cut onto the beat, applied in the next round, no new clips', async () => {
    const provider = emulatedProvider(emu.url);
    const rounds: Array<{ round: number; timeline: Timeline }> = [];
    const deps = testDeps({
      shots: 3,
      provider,
      // Round 0: the cut into the second shot (2.0 s) lands 250 ms off a beat grid offset by a quarter second.
      async evaluate({ videoPath, timeline, round }): Promise<EvaluationReport> {
        rounds.push({ round: round ?? -1, timeline });
        const beats = Array.from({ length: 12 }, (_, i) => 0.25 + i * 0.5);
        return round === 0
          ? {
              version: 1,
              videoPath,
              score: 0.4,
              passed: false,
              metrics: { onBeatShare: 0 },
              issues: [{ kind: 'off-beat-cuts', severity: 'warn', message: 'cuts miss the beat' }],
              summary: 'off the beat',
              beats,
              cuts: [{ frame: 20, timeSec: 2, kind: 'hard', strength: 1, onBeat: false, beatDeltaSec: 0.25 }],
            }
          : { version: 1, videoPath, score: 0.9, passed: true, metrics: {}, issues: [], summary: 'fine' };
      },
    });
    const bf = await createBeatframe({
      config: config(join(dir, 'r')),
      logger: silentLogger(),
      deps,
      settings: { pollIntervalMs: 50 },
    });
    try {
      // The emulator is shared by this file's tests: count this project's submissions only.
      const submitted = () => [...emu.submissions.values()].reduce((a, b) => a + b, 0);
      const before = submitted();
      const worker = await bf.startWorker({ concurrency: 4 });
      const created = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated', maxRounds: 2 },
      });
      const final = await bf.waitFor(created.id);
      await worker.stop();
      expect(final.status, final.error).toBe('done');
      expect(rounds.map((r) => r.round)).toEqual([0, 1]);
      const [first, second] = rounds.map((r) =>
        r.timeline.items.map((i) => [i.startFrame, i.durationFrames]),
      );
      expect(first).toEqual([
        [0, 20],
        [20, 20],
        [40, 20],
      ]);
      // The nearest beat to frame 20 is 1.75 s (frame 18): the cut moves there, the shots around it adapt.
      expect(second).toEqual([
        [0, 18],
        [18, 22],
        [40, 20],
      ]);
      // The fix needed no new clips: one submission per shot.
      expect(submitted() - before).toBe(3);
      const log = await bf.decisions(created.id);
      expect(
        log.some(
          (d) => d.role === 'editor' && /re-cut shot-2: move its start from frame 20 to 18/.test(d.summary),
        ),
      ).toBe(true);
      expect(
        log.some((d) => d.stage === 'edit' && /^applied recut on i1 from round-000/.test(d.summary)),
      ).toBe(true);
      expect(log.some((d) => /round 1 re-edits with 1 timeline revision/.test(d.summary))).toBe(true);
    } finally {
      await bf.close();
    }
  });

  it('refuses bad input with one line and leaves no project behind', async () => {
    const bf = await createBeatframe({
      config: config(join(dir, 'b')),
      logger: silentLogger(),
      deps: testDeps({ provider: emulatedProvider(emu.url) }),
    });
    try {
      await expect(bf.createProject({ song: { path: join(dir, 'nope.mp3') } })).rejects.toThrow(InputError);
      const notAudio = join(dir, 'notes.txt');
      (await import('node:fs')).writeFileSync(notAudio, 'hello');
      await expect(bf.createProject({ song: { path: notAudio } })).rejects.toThrow(
        /not a readable media file/,
      );
      await expect(
        bf.createProject({ song: { path: song }, options: { aspect: '4:3' as never } }),
      ).rejects.toThrow(/invalid option/);
      expect(await bf.listProjects()).toEqual([]);
      await expect(bf.getProject('nope')).rejects.toThrow(/no project with id nope/);
    } finally {
      await bf.close();
    }
  });
});
