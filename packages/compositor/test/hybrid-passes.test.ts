import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Timeline, TimelineItem, Transition } from '@beatframe/core';
import { countFrames, probeMedia, runFfmpeg } from '@beatframe/media';
import { makeTestClip } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPasses } from '../src/hybrid-passes.js';
import { openRemotionSession, renderHybrid } from '../src/index.js';

// 8 s at 30 fps: eight 1-s shots, a transition into every other one, a card over the cut at frame 120,
// captions across the cuts at 60 and 180 (pass boundaries with 2 items a pass).
const fps = 30;
const transitions: Array<Transition | undefined> = [
  undefined,
  { kind: 'fade', durationFrames: 6 },
  undefined,
  { kind: 'flash', durationFrames: 8 },
  undefined,
  { kind: 'zoom', durationFrames: 6 },
  undefined,
  undefined,
];
const starts = transitions.map((_, i) => i * 30);
const total = 240;

function timelineOf(clips: string[], song: string): Timeline {
  const items: TimelineItem[] = clips.map((src, i) => {
    const next = starts[i + 1];
    const end = next === undefined ? total : next + (transitions[i + 1]?.durationFrames ?? 0);
    return {
      id: `i${i}`,
      src,
      startFrame: starts[i]!,
      durationFrames: end - starts[i]!,
      clipStartSec: 0.2,
      clipDurationSec: 1.6,
      playbackRate: 1,
      loop: false,
      effects:
        i === 2
          ? [{ kind: 'zoomPulse', frames: [65, 75], strength: 1 }]
          : i === 6
            ? [{ kind: 'flash', frames: [185], strength: 1 }]
            : [],
      ...(transitions[i] ? { transitionIn: transitions[i] } : {}),
    };
  });
  return {
    version: 1,
    fps,
    width: 320,
    height: 180,
    durationFrames: total,
    audio: { src: song, durationSec: total / fps },
    items,
    cards: [{ kind: 'section', text: 'Chorus', startFrame: 100, endFrame: 160 }],
    captions: [
      {
        text: 'over the cut',
        startFrame: 45,
        endFrame: 80,
        words: [
          { text: 'over', startFrame: 45, endFrame: 58 },
          { text: 'the', startFrame: 58, endFrame: 62 },
          { text: 'cut', startFrame: 62, endFrame: 80 },
        ],
      },
      { text: 'and again', startFrame: 170, endFrame: 200 },
    ],
    beatFrames: [],
    style: { fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' },
  };
}

let dir: string;
let timeline: Timeline;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-passes-'));
  const clips: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    const c = await makeTestClip(join(dir, `c${i}.mp4`), {
      width: 320,
      height: 180,
      fps: 30,
      durationSec: 2,
      hue: i * 45,
    });
    clips.push(c.path);
  }
  // AAC, so the render copies it: the output's audio packets are the song's.
  const song = join(dir, 'song.m4a');
  await runFfmpeg([
    ...['-f', 'lavfi', '-i', `sine=f=220:d=${total / fps}`, '-c:a', 'aac', '-b:a', '96k', song],
  ]);
  timeline = timelineOf(clips, song);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One md5 per decoded frame (framemd5 lines). */
async function frameHashes(path: string): Promise<string[]> {
  const { stdout } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-f', 'framemd5', '-']);
  return stdout
    .toString()
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => l.split(',').pop()!.trim());
}

async function audioHash(path: string): Promise<string> {
  const { stdout } = await runFfmpeg(['-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'md5', '-']);
  return stdout.toString().trim();
}

/** Renders `tl` the hybrid way, losslessly (any difference in the picture shows in frame checksums). */
async function render(tl: Timeline, name: string, maxItemsPerPass?: number) {
  const workDir = join(dir, `work-${name}`);
  await mkdir(workDir, { recursive: true });
  const session = await openRemotionSession(tl, {
    cacheDir: join(dir, 'cache'),
    lazyBrowser: true,
  });
  const out = join(dir, `${name}.mp4`);
  const progress: number[] = [];
  try {
    // Lossless, so any difference in the picture shows in the frames' checksums.
    await renderHybrid(session, out, {
      workDir,
      crf: 0,
      ...(maxItemsPerPass ? { maxItemsPerPass } : {}),
      onProgress: (f) => progress.push(f),
    });
  } finally {
    await session.close();
  }
  return { out, workDir, progress };
}

describe('hybrid render in passes', () => {
  it('splits only at hard cuts, never inside a card', () => {
    const passes = planPasses(timeline, 2);
    expect(passes.map((p) => [p.startFrame, p.endFrame])).toEqual([
      [0, 60],
      [60, 180],
      [180, 240],
    ]);
    expect(planPasses(timeline)).toHaveLength(1);
  });

  it('renders the same picture in three passes as in one, with the song', async () => {
    const one = await render(timeline, 'one');
    const three = await render(timeline, 'three', 2);
    // Three encode runs and a join for the split render; one run, as before, for the other.
    expect(existsSync(join(three.workDir, 'ffmpeg-args-2.json'))).toBe(true);
    expect(existsSync(join(three.workDir, 'ffmpeg-args-3.json'))).toBe(false);
    expect(existsSync(join(one.workDir, 'ffmpeg-args.json'))).toBe(true);
    expect(existsSync(join(one.workDir, 'ffmpeg-args-0.json'))).toBe(false);
    expect(three.progress.every((f, i) => i === 0 || f >= three.progress[i - 1]!)).toBe(true);

    expect(await countFrames(three.out)).toBe(total);
    const info = await probeMedia(three.out);
    expect(info.durationSec).toBeCloseTo(total / fps, 1);
    expect(info.audio?.codec).toBe('aac');
    expect(await audioHash(three.out)).toBe(await audioHash(one.out));

    // Frame for frame the one-run picture: a pass shifted by a frame, a lost card, caption or effect differs.
    const a = await frameHashes(one.out);
    const b = await frameHashes(three.out);
    expect(a).toHaveLength(total);
    const differing = b.flatMap((h, f) => (h === a[f] ? [] : [f]));
    expect(differing).toEqual([]);
  }, 300_000);

  it('draws the visualizer of each pass from the song at its start', async () => {
    const beatFrames = [15, 45, 75, 105, 135, 165, 195, 225];
    for (const kind of ['bars', 'pulse', 'wave'] as const) {
      const tl: Timeline = { ...timeline, visualizer: { kind, color: '#ffcc00' }, beatFrames };
      const a = await frameHashes((await render(tl, `viz-${kind}-one`)).out);
      const b = await frameHashes((await render(tl, `viz-${kind}-three`, 2)).out);
      expect(b).toHaveLength(total);
      expect(b).toEqual(a);
    }
  }, 300_000);
});
