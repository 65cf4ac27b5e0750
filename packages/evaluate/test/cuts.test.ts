import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import { decodeVideo, detectCuts, measureIntegrity } from '../src/index.js';
import { H, makeVideo, variedSource, W } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-eval-cuts-'));
const fps = 30;
/** Fast H.264 in 4:2:0, as the renderers write. */
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** Precision and recall of detected hard cuts against the true cut frames, ±1 frame. */
function score(found: number[], truth: number[]): { precision: number; recall: number } {
  const hit = (f: number) => truth.some((t) => Math.abs(t - f) <= 1);
  const tp = found.filter(hit).length;
  const recalled = truth.filter((t) => found.some((f) => Math.abs(t - f) <= 1)).length;
  return {
    precision: found.length ? tp / found.length : 1,
    recall: truth.length ? recalled / truth.length : 1,
  };
}

describe('cut detection', () => {
  it('finds hard cuts at known frames (including short shots) with high precision and recall', async () => {
    const lens = [37, 45, 9, 61, 33, 50, 6, 40, 28, 44, 17, 30];
    const path = join(dir, 'cuts.mp4');
    await makeVideo(
      path,
      lens.map((frames, i) => ({ source: variedSource(i, fps), frames })),
      { fps },
    );
    const v = await decodeVideo(path);
    expect(v.frames.length).toBe(lens.reduce((a, b) => a + b, 0));
    let acc = 0;
    const truth = lens.slice(0, -1).map((l) => (acc += l));
    const cuts = detectCuts(v);
    const hard = cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
    const { precision, recall } = score(hard, truth);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    for (const c of cuts) expect(c.timeSec).toBeCloseTo(c.frame / fps, 6);
  });

  it('reports a dissolve as one gradual transition, not as hard cuts, and ignores a flash', async () => {
    const a = join(dir, 'a.mp4');
    const path = join(dir, 'dissolve.mp4');
    // 3 s of A dissolving (1 s, centred at 2.5 s) into B.
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `${variedSource(1, fps)},format=yuv420p,trim=end_frame=90,setpts=PTS-STARTPTS`,
      '-f',
      'lavfi',
      '-i',
      `${variedSource(3, fps)},format=yuv420p,trim=end_frame=90,setpts=PTS-STARTPTS`,
      '-filter_complex',
      // A two-frame white flash at 3.33 s, and a beat flash that brightens and decays over 8 frames at 4.17 s.
      `[0:v][1:v]xfade=transition=fade:duration=1:offset=2,drawbox=enable='between(n,100,101)':x=0:y=0:w=${W}:h=${H}:color=white:t=fill,eq=eval=frame:brightness='if(between(n,125,132),0.6*(1-(n-125)/8),0)'[v]`,
      '-map',
      '[v]',
      ...X264,
      a,
    ]);
    await runFfmpeg(['-i', a, '-c', 'copy', path]);
    const v = await decodeVideo(path);
    const cuts = detectCuts(v);
    expect(cuts.filter((c) => c.kind === 'hard')).toEqual([]);
    const gradual = cuts.filter((c) => c.kind === 'gradual');
    expect(gradual).toHaveLength(1);
    expect(gradual[0]!.timeSec).toBeGreaterThan(2.2);
    expect(gradual[0]!.timeSec).toBeLessThan(2.8);
    expect(gradual[0]!.spanFrames).toBeGreaterThan(5);
  });
  it('reports a flash transition, and a cut under a beat flash, as one hard cut each', async () => {
    const path = join(dir, 'flash.mp4');
    // A, B, C, D for 90 frames each. The renderers' flash transition: D frames of white at 1-|2p-1|
    // around the switch, here D = 8 from frame 86 (peak at 90, where B starts) and D = 12 into C at 180.
    // At 270 a plain cut to a dim D under a beat flash (the timeline's flash effect: white at 0.245
    // decaying with a 2.1-frame time constant over 8 frames), as the demo draws its downbeats.
    const layer = (a: string, from: number, to: number) =>
      `eq=contrast='1-(${a})':brightness='${(235 / 255 - 0.5).toFixed(6)}*(${a})':saturation='1-(${a})':eval=frame:enable='between(n,${from},${to})'`;
    const transition = (from: number, d: number) => layer(`1-abs(2*(n-${from})/${d}-1)`, from, from + d - 1);
    await runFfmpeg([
      ...[1, 3, 5, 0, 4].flatMap((s, k) => [
        '-f',
        'lavfi',
        '-i',
        `${variedSource(s, fps)},format=yuv420p,trim=end_frame=90,setpts=PTS-STARTPTS${k >= 3 ? ',eq=brightness=-0.42:contrast=0.35' : ''}`,
      ]),
      '-filter_complex',
      `[0:v][1:v][2:v][3:v][4:v]concat=n=5:v=1:a=0,${transition(86, 8)},${transition(174, 12)},${layer('0.245*exp(-(n-270)/2.1)', 270, 278)},${layer('0.245*exp(-(n-360)/2.1)', 360, 368)}[v]`,
      '-map',
      '[v]',
      ...X264,
      path,
    ]);
    const v = await decodeVideo(path);
    const cuts = detectCuts(v);
    const hard = cuts.filter((c) => c.kind === 'hard').map((c) => c.frame);
    expect(hard).toHaveLength(4);
    expect(Math.abs(hard[0]! - 90)).toBeLessThanOrEqual(1);
    expect(Math.abs(hard[1]! - 180)).toBeLessThanOrEqual(1);
    expect(hard[2]).toBe(270);
    expect(hard[3]).toBe(360);
    expect(cuts.filter((c) => c.kind === 'gradual')).toEqual([]);
  });
});

describe('black, frozen and duplicated frames', () => {
  it('measures the share of black and frozen frames where they are', async () => {
    const path = join(dir, 'integrity.mp4');
    await makeVideo(
      path,
      [
        { source: variedSource(0, fps), frames: 60 },
        { source: `color=c=black:s=${W}x${H}:r=${fps}`, frames: 30 },
        { source: variedSource(1, fps), frames: 60 },
        // A still: one frame of a moving source held for 1.5 s (a stuck clip).
        { source: `${variedSource(2, fps)},trim=end_frame=1,loop=loop=-1:size=1`, frames: 45 },
        { source: variedSource(3, fps), frames: 45 },
      ],
      { fps },
    );
    const v = await decodeVideo(path);
    const r = measureIntegrity(v);
    expect(r.blackShare).toBeCloseTo(30 / 240, 2);
    expect(r.blackSpans).toHaveLength(1);
    expect(r.blackSpans[0]!.startSec).toBeCloseTo(2, 1);
    expect(r.blackSpans[0]!.endSec).toBeCloseTo(3, 1);
    // x264 needs a few frames to settle on a still; most of the 45 must count.
    expect(r.frozenShare).toBeGreaterThan(35 / 240);
    expect(r.frozenShare).toBeLessThan(47 / 240);
    expect(r.frozenSpans[0]!.startSec).toBeGreaterThan(4.9);
    expect(r.frozenSpans[0]!.endSec).toBeCloseTo(6.5, 1);
    expect(r.duplicateShare).toBe(0);
  });

  it('counts duplicated frames from a 20 → 30 fps conversion as duplicates, not as a freeze', async () => {
    const path = join(dir, 'stutter.mp4');
    await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=20:d=3,fps=30`, ...X264, path]);
    const v = await decodeVideo(path);
    const r = measureIntegrity(v);
    // Every third output frame repeats one: a third of frames.
    expect(r.duplicateShare).toBeGreaterThan(0.28);
    expect(r.duplicateShare).toBeLessThan(0.36);
    expect(r.frozenShare).toBe(0);
  });

  it('a slow push-in on a dark, soft picture is motion, not a freeze; the same picture held is one', async () => {
    // A quiet outro's camera: a push-in of 5% over 4 s on a dim, blurred frame. Frame to frame it changes less than
    // codec noise at the analysis size (every consecutive-frame test called it 100% frozen), but each frame drifts
    // further from where the run began; a held copy of the same picture does not.
    const still = join(dir, 'still.png');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:d=1',
      '-frames:v',
      '1',
      '-vf',
      'eq=brightness=-0.35,gblur=sigma=6,scale=2560:1440',
      still,
    ]);
    const clip = async (name: string, zoom: string) => {
      const path = join(dir, name);
      await runFfmpeg([
        '-i',
        still,
        '-vf',
        `zoompan=z='${zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=120:s=640x360:fps=30`,
        ...X264,
        path,
      ]);
      return measureIntegrity(await decodeVideo(path));
    };
    const push = await clip('push.mp4', '1+0.0004*on');
    const held = await clip('held.mp4', '1.02');
    expect(push.frozenShare).toBe(0);
    expect(push.duplicateShare).toBe(0);
    expect(held.frozenShare).toBeGreaterThan(0.9);
  });
});
