import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { analyzeMotion, liveliestStart } from '@beatframe/timeline';
import { makeTestClip } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeClip, stageMedia } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-media-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('clip motion and normalisation', () => {
  it('finds the moving part of a clip that is still for its first 2 seconds', async () => {
    const clip = join(dir, 'still-then-moving.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=160x90:r=25:d=2',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:r=25:d=2',
      '-filter_complex',
      '[0][1]concat=n=2:v=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      clip,
    ]);
    const profile = await analyzeMotion(clip);
    expect(profile.values.length).toBeGreaterThan(30);
    const start = liveliestStart(profile, 4, 1.5);
    expect(start).toBeGreaterThanOrEqual(2);
    expect(start).toBeLessThanOrEqual(2.5);
    // A second use of the same clip avoids the window already taken.
    expect(Math.abs(liveliestStart(profile, 4, 1.5, { avoid: [start] }) - start)).toBeGreaterThanOrEqual(0.5);
  });

  it("lines up a clip's flashes with the beats under its window", async () => {
    // 25 fps, a one-frame white flash every 12 frames (0.48 s) from frame 5 (0.2 s), over a moving pattern.
    const clip = join(dir, 'flashes.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      "testsrc2=s=160x90:r=25:d=6,drawbox=enable='eq(mod(n+7\\,12)\\,0)':x=0:y=0:w=160:h=90:color=white:t=fill",
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    const profile = await analyzeMotion(clip);
    const period = 0.48;
    const phaseOf = (t: number) => ((t % period) + period) % period;
    const circular = (a: number, b: number) => Math.min(Math.abs(a - b), period - Math.abs(a - b));
    for (const offset of [0, 0.24, 0.1]) {
      const beats = Array.from({ length: 6 }, (_, i) => offset + i * period);
      const start = liveliestStart(profile, 6, 2.6, { beats });
      // A beat `offset` into the window shows the clip at start + offset: that must be a flash (0.2 s phase).
      expect(circular(phaseOf(start + offset), 0.2)).toBeLessThanOrEqual(0.041);
    }
  });

  it('normalises a rotated, variable-frame-rate clip to the timeline size and a constant rate', async () => {
    const src = await makeTestClip(join(dir, 'phone.mp4'), {
      width: 320,
      height: 180,
      fps: 30,
      durationSec: 2,
      rotate: 90,
      variableFrameRate: true,
    });
    const before = await probeMedia(src.path);
    expect(before.video!.rotation).toBe(90);
    const out = await normalizeClip(src.path, { width: 1280, height: 720, fps: 30 }, join(dir, 'cache'));
    const after = await probeMedia(out);
    expect(after.video).toMatchObject({
      width: 1280,
      height: 720,
      rotation: 0,
      pixFmt: 'yuv420p',
      variableFrameRate: false,
    });
    expect(after.video!.fps).toBeCloseTo(30, 3);
    expect(after.audio).toBeUndefined();
    // Cached: the same call returns the same file without work.
    expect(await normalizeClip(src.path, { width: 1280, height: 720, fps: 30 }, join(dir, 'cache'))).toBe(
      out,
    );
  });

  it('stages a clip already in the timeline format as it is, and normalises only the one that differs', async () => {
    const ready = await makeTestClip(join(dir, 'ready.mp4'), {
      width: 320,
      height: 180,
      fps: 30,
      durationSec: 1,
    });
    const off = await makeTestClip(join(dir, 'off.mp4'), {
      width: 320,
      height: 180,
      fps: 24,
      durationSec: 1,
    });
    const item = (id: string, src: string, startFrame: number) => ({
      id,
      src,
      startFrame,
      durationFrames: 30,
      clipStartSec: 0,
      clipDurationSec: 1,
      playbackRate: 1,
      loop: false,
      effects: [],
    });
    const bundle = join(dir, 'bundle');
    const clips: string[] = [];
    const staged = await stageMedia(
      {
        width: 320,
        height: 180,
        fps: 30,
        durationFrames: 60,
        items: [item('a', ready.path, 0), item('b', off.path, 30)],
        audio: { src: ready.path },
        // biome-ignore lint/suspicious/noExplicitAny: only the fields staging reads.
      } as any,
      bundle,
      { cacheDir: join(dir, 'stage-cache'), onClip: (done, total) => clips.push(`${done}/${total}`) },
    );
    expect(clips).toEqual(['1/2', '2/2']);
    // The ready clip is the same file (hard-linked, not re-encoded); the 24 fps one is a new 30 fps encode.
    const [a, b] = staged.items.map((i) => join(bundle, 'public', i.src));
    expect((await stat(a!)).ino).toBe((await stat(ready.path)).ino);
    expect((await stat(b!)).ino).not.toBe((await stat(off.path)).ino);
    expect((await probeMedia(b!)).video!.fps).toBeCloseTo(30, 3);
    expect(await readdir(join(dir, 'stage-cache', 'clips'))).toHaveLength(1);
  });
});
