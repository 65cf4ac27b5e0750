import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Timeline } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { effects } from '@beatframe/timeline';
import { makeTestClip } from '@beatframe/timeline/testing';
import { describe, expect, it } from 'vitest';
import { alphaBox, cardCacheKey, cardGraph, overlayCacheKey, unionBox } from '../src/hybrid-overlays.js';
import { planOverlays, shotsGraph } from '../src/index.js';

const base: Timeline = {
  version: 1,
  fps: 30,
  width: 640,
  height: 360,
  durationFrames: 90,
  audio: { src: '/song.wav', durationSec: 3 },
  items: [
    {
      id: 'a',
      src: '/a.mp4',
      startFrame: 0,
      durationFrames: 50,
      clipStartSec: 1.5,
      clipDurationSec: 4,
      playbackRate: 1,
      loop: false,
      effects: [{ kind: 'zoomPulse', frames: [10, 25], strength: 0.8 }],
    },
    {
      id: 'b',
      src: '/b.mp4',
      startFrame: 40,
      durationFrames: 30,
      clipStartSec: 0,
      clipDurationSec: 1,
      playbackRate: 1,
      loop: true,
      transitionIn: { kind: 'flash', durationFrames: 10 },
      effects: [],
    },
    {
      id: 'c',
      src: '/c.mp4',
      startFrame: 70,
      durationFrames: 20,
      clipStartSec: 0,
      clipDurationSec: 4,
      playbackRate: 0.8,
      loop: false,
      effects: [{ kind: 'flash', frames: [72], strength: 0.5 }],
    },
  ],
  cards: [{ kind: 'title', text: 'T', startFrame: 0, endFrame: 60 }],
  captions: [
    {
      text: 'a b',
      startFrame: 20,
      endFrame: 40,
      words: [
        { text: 'a', startFrame: 20, endFrame: 30 },
        { text: 'b', startFrame: 30, endFrame: 40 },
      ],
    },
  ],
  beatFrames: [],
  style: { fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' },
};

describe('hybrid render planning', () => {
  it('draws each distinct overlay once', () => {
    const plan = planOverlays(base);
    expect(plan.index).toHaveLength(90);
    // Cards are not in the plan: each is drawn once, fully shown, and ffmpeg fades and raises it.
    expect(plan.index.slice(0, 20).every((k) => k === -1)).toBe(true);
    // The caption's fade-in frames and each sung word are distinct; a held word is one overlay.
    expect(new Set(plan.index.slice(20, 24)).size).toBe(4);
    expect(plan.index[24]).toBe(plan.index[29]);
    expect(plan.index[25]).not.toBe(plan.index[35]);
    expect(plan.unique).toHaveLength(6);
    // After the caption: nothing to draw; beat flashes are drawn by ffmpeg on the shots, not as overlays.
    expect(plan.index[41]).toBe(-1);
    expect(plan.index[65]).toBe(-1);
    expect(plan.index[72]).toBe(-1);
    expect(plan.index[89]).toBe(-1);
    expect(plan.unique.every((f, k) => plan.index[f] === k)).toBe(true);
  });

  it('keys cached overlays by what they show, not when', () => {
    const line = (start: number, text = 'a b') => ({
      text,
      startFrame: start,
      endFrame: start + 20,
      words: [
        { text: 'a', startFrame: start, endFrame: start + 10 },
        { text: 'b', startFrame: start + 10, endFrame: start + 20 },
      ],
    });
    const t: Timeline = { ...base, cards: [], captions: [line(0), line(40), line(70, 'c d')] };
    // The same line sung later looks the same, frame for frame (fade-in, each word, held).
    for (const k of [0, 2, 12, 15]) expect(overlayCacheKey(t, 40 + k)).toBe(overlayCacheKey(t, k));
    expect(overlayCacheKey(t, 2)).not.toBe(overlayCacheKey(t, 3));
    expect(overlayCacheKey(t, 12)).not.toBe(overlayCacheKey(t, 5));
    expect(overlayCacheKey(t, 72)).not.toBe(overlayCacheKey(t, 2));
    expect(overlayCacheKey({ ...t, width: 320, height: 180 }, 2)).not.toBe(overlayCacheKey(t, 2));
    // Held frames of one state share a key, as planOverlays shares a drawing.
    expect(overlayCacheKey(t, 6)).toBe(overlayCacheKey(t, 8));
  });

  it('composes shots with the transitions and pulses of the composition', () => {
    const { inputs, filter } = shotsGraph(base);
    expect(inputs).toEqual([
      '-threads',
      '1',
      '-ss',
      '1.5',
      '-i',
      '/a.mp4',
      '-threads',
      '1',
      '-stream_loop',
      '-1',
      '-i',
      '/b.mp4',
      '-threads',
      '1',
      '-i',
      '/c.mp4',
    ]);
    // Clips are fitted by the graph itself (no normalised copies), then resampled to the timeline's rate.
    expect(filter).toContain('[0:v]scale=640:360:force_original_aspect_ratio=increase,crop=640:360');
    expect(filter).toContain('setpts=(PTS-STARTPTS)/1,fps=30');
    expect(filter).toContain('trim=end_frame=50');
    expect(filter).toContain('setpts=(PTS-STARTPTS)/0.8');
    // Pulses at item frames 10 and 25, with the composition's scale and decay, as a balanced tree.
    expect(filter).toContain('if(lt(n,10),0,if(lt(n,25),if(lte((n-10),14.4),0.8*exp(-(n-10)/3.6),0)');
    expect(filter).toContain(`(1+${effects.PULSE_SCALE}*(`);
    // Nothing is evaluated per pixel: no custom xfade.
    expect(filter).not.toContain('custom');
    // The flash into b: a cut at its middle (frame 40 + 5) under a white layer over frames 40-49.
    expect(filter).toContain('trim=end_frame=45[a1]');
    expect(filter).toContain('[s1]trim=start_frame=5,setpts=PTS-STARTPTS[b1]');
    expect(filter).toContain('[a1][b1][s2]concat=n=3:v=1:a=0,settb=1/30[c0]');
    expect(filter).toMatch(
      /\[c0\]eq=contrast='1-\(if\(lt\(n,40\),0,if\(lte\(n,49\),1-abs\(2\*\(n-40\)\/10-1\),0\)\)\)'.*enable='if\(lt\(n,40\),0,lte\(n,49\)\)'\[shots\]/,
    );
    // c's beat flash at its frame 2, enabled only while it shows.
    expect(filter).toContain(`${effects.FLASH_OPACITY * 0.5}*exp(-(n-2)/2.1)`);
    expect(filter).toContain("enable='if(lt(n,2),0,lte(n,10))'");
  });

  it('keeps the composition and the hybrid on one formula for effects', () => {
    const e = { kind: 'zoomPulse' as const, frames: [10], strength: 1 };
    expect(effects.pulseScale([e], 10, 30)).toBeCloseTo(1 + effects.PULSE_SCALE, 6);
    expect(effects.pulseScale([e], 9, 30)).toBe(1);
    expect(effects.pulseScale([e], 10 + 15, 30)).toBe(1);
    expect(effects.flashOpacity([{ kind: 'flash', frames: [0], strength: 1 }], 0, 30)).toBeCloseTo(
      effects.FLASH_OPACITY,
      6,
    );
  });
});

describe('cards in ffmpeg', () => {
  it('keys a card still by what it shows, not when', () => {
    const t: Timeline = {
      ...base,
      cards: [
        { kind: 'title', text: 'T', startFrame: 0, endFrame: 60 },
        { kind: 'title', text: 'T', startFrame: 70, endFrame: 90 },
        { kind: 'section', text: 'T', startFrame: 0, endFrame: 60 },
      ],
    };
    expect(cardCacheKey(t, 1)).toBe(cardCacheKey(t, 0));
    expect(cardCacheKey(t, 2)).not.toBe(cardCacheKey(t, 0));
  });

  it('blends captions only in the box all their drawings fit in', () => {
    const printed = [
      'frame:1    pts:1       pts_time:0.033',
      'lavfi.bbox.x1=101',
      'lavfi.bbox.x2=300',
      'lavfi.bbox.y1=500',
      'lavfi.bbox.y2=540',
      'frame:2    pts:2       pts_time:0.066',
      'lavfi.bbox.x1=90',
      'lavfi.bbox.x2=250',
      'lavfi.bbox.y1=510',
      'lavfi.bbox.y2=601',
    ].join('\n');
    expect(unionBox(printed, 1280, 720)).toEqual({ x: 90, y: 500, w: 212, h: 102 });
    expect(unionBox('frame:0    pts:0       pts_time:0\n', 1280, 720)).toBeUndefined();
  });

  it("fades and raises a card's still as the composition's Card does", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-card-'));
    try {
      // A white bar on transparency (the card's still) over black; the card lasts 60 frames, its edge is 12.
      const still = join(dir, 'card.png');
      await runFfmpeg([
        ...['-f', 'lavfi', '-i', 'color=white:s=200x40,format=rgba'],
        ...['-vf', 'pad=640:360:100:100:color=black@0', '-frames:v', '1', still],
      ]);
      const box = await alphaBox(still, 640, 360);
      expect(box).toEqual({ x: 100, y: 100, w: 200, h: 40 });
      const t: Timeline = {
        ...base,
        durationFrames: 80,
        cards: [{ kind: 'title', text: 'T', startFrame: 10, endFrame: 70 }],
      };
      const { stdout } = await runFfmpeg(
        [
          ...['-f', 'lavfi', '-i', 'color=black:s=640x360:r=30', '-i', still],
          ...['-filter_complex', `[0:v]format=yuv420p[shots];\n${cardGraph(t, 0, 1, box!, 'shots', 'v')}`],
          ...['-map', '[v]', '-frames:v', '80', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
        ],
        { binary: true },
      );
      const size = 640 * 360;
      expect(stdout.length).toBe(80 * size);
      const luma = (f: number, x: number, y: number) => stdout[f * size + y * 640 + x]!;
      const level = (f: number) => luma(f, 200, 130) / 255;
      // Nothing before or after the card.
      expect(luma(9, 200, 130)).toBe(0);
      expect(luma(70, 200, 130)).toBe(0);
      // Opacity k/12 over the first 12 frames, full, then (60-k)/12 over the last 12.
      for (const k of [0, 3, 6, 11]) expect(level(10 + k)).toBeCloseTo(k / 12, 1);
      for (const k of [12, 30, 48]) expect(level(10 + k)).toBeCloseTo(1, 1);
      for (const k of [50, 55, 59]) expect(level(10 + k)).toBeCloseTo((60 - k) / 12, 1);
      // The rise: 2 % of 360 px (7.2) easing out over 24 frames, in whole pairs of rows.
      const top = (f: number) => {
        for (let y = 90; y < 130; y++) if (luma(f, 200, y) > 20) return y;
        return -1;
      };
      expect(top(11)).toBe(106); // 7.2·(1-1/24)³ = 6.3 → 6
      expect(top(12)).toBe(106); // 7.2·(22/24)³ = 5.5 → 6
      expect(top(16)).toBe(104); // 7.2·(3/4)³ = 3.0 → 4 (2·round(1.52))
      expect(top(22)).toBe(100); // 7.2·(1/2)³ = 0.9 → 0
      expect(top(28)).toBe(100);
      expect(top(40)).toBe(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('shots graph in ffmpeg', () => {
  it('runs every transition kind and yields exactly the timeline frames', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-shots-'));
    try {
      const kinds = ['zoom', 'flash', 'slide', 'wipe', 'fade', 'cut'] as const;
      const clips: string[] = [];
      for (let i = 0; i < kinds.length + 1; i++) {
        const c = await makeTestClip(join(dir, `c${i}.mp4`), {
          width: 160,
          height: 90,
          fps: 30,
          durationSec: 1,
          hue: i * 50,
        });
        clips.push(c.path);
      }
      const items: Timeline['items'] = [];
      let start = 0;
      clips.forEach((src, i) => {
        const kind = i > 0 ? kinds[i - 1]! : undefined;
        const t = kind && kind !== 'cut' ? 6 : 0;
        start = i === 0 ? 0 : start - t;
        items.push({
          id: `i${i}`,
          src,
          startFrame: start,
          durationFrames: 24,
          clipStartSec: 0,
          clipDurationSec: 1,
          playbackRate: 1,
          loop: false,
          effects: i === 1 ? [{ kind: 'zoomPulse', frames: [start + 8], strength: 1 }] : [],
          ...(kind && t ? { transitionIn: { kind, durationFrames: t, direction: 'up' as const } } : {}),
        });
        start += 24;
      });
      const timeline: Timeline = {
        ...base,
        width: 160,
        height: 90,
        durationFrames: start,
        items,
        cards: [],
        captions: [],
      };
      const { inputs, filter } = shotsGraph(timeline);
      const { stdout } = await runFfmpeg([
        ...inputs,
        '-filter_complex',
        filter,
        '-map',
        '[shots]',
        '-f',
        'framemd5',
        '-',
      ]);
      const frames = stdout
        .toString()
        .split('\n')
        .filter((l) => /^\d/.test(l));
      expect(frames).toHaveLength(start);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('draws the flash transition and beat flashes white, and the pulse about the centre', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-white-'));
    try {
      // Black clips with a white dot in the middle: the flashes lift black towards white, the pulse
      // grows the dot where it is.
      const clip = join(dir, 'black.mp4');
      await runFfmpeg([
        '-f',
        'lavfi',
        '-i',
        'color=c=black:s=160x90:r=30:d=2,drawbox=x=64:y=29:w=32:h=32:color=white:t=fill,format=yuv420p',
        '-c:v',
        'libx264',
        '-qp',
        '0',
        clip,
      ]);
      const item = (id: string, startFrame: number, extra: Partial<Timeline['items'][number]>) => ({
        id,
        src: clip,
        startFrame,
        durationFrames: 30,
        clipStartSec: 0,
        clipDurationSec: 2,
        playbackRate: 1,
        loop: false,
        effects: [],
        ...extra,
      });
      const timeline: Timeline = {
        ...base,
        width: 160,
        height: 90,
        durationFrames: 50,
        items: [
          item('a', 0, { effects: [{ kind: 'zoomPulse', frames: [5], strength: 1 }] }),
          item('b', 20, {
            transitionIn: { kind: 'flash', durationFrames: 10 },
            effects: [{ kind: 'flash', frames: [40], strength: 1 }],
          }),
        ],
        cards: [],
        captions: [],
      };
      const { inputs, filter } = shotsGraph(timeline);
      const { stdout } = await runFfmpeg([
        ...inputs,
        '-filter_complex',
        `${filter};[shots]signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-`,
        '-f',
        'null',
        '-',
      ]);
      const yavg = [...stdout.toString().matchAll(/YAVG=([\d.]+)/g)].map((m) => Number(m[1]));
      expect(yavg).toHaveLength(50);
      const black = yavg[2]!;
      // The middle of the flash transition (frame 25) is all white (limited range, 235).
      expect(yavg[25]).toBeGreaterThan(230);
      expect(yavg[20]).toBeLessThan(yavg[23]!);
      // The beat flash at frame 40: white at FLASH_OPACITY over the shot, gone after its tail.
      const expected = black * (1 - effects.FLASH_OPACITY) + 235 * effects.FLASH_OPACITY;
      expect(Math.abs(yavg[40]! - expected)).toBeLessThan(6);
      expect(Math.abs(yavg[49]! - black)).toBeLessThan(1);
      // The pulse at frame 5 grows the dot: more white on average, and still in the middle.
      expect(yavg[5]).toBeGreaterThan(black + 1);
      const { stdout: crop } = await runFfmpeg([
        ...inputs,
        '-filter_complex',
        `${filter};[shots]select='eq(n,5)',cropdetect=limit=30:round=2:skip=0,metadata=print:file=-`,
        '-f',
        'null',
        '-',
      ]);
      const m = /lavfi.cropdetect.x1=(\d+)[\s\S]*?x2=(\d+)[\s\S]*?y1=(\d+)[\s\S]*?y2=(\d+)/.exec(
        crop.toString(),
      );
      expect(m).not.toBeNull();
      const [x1, x2, y1, y2] = m!.slice(1).map(Number) as [number, number, number, number];
      expect(Math.abs((x1 + x2) / 2 - 79.5)).toBeLessThanOrEqual(1);
      expect(Math.abs((y1 + y2) / 2 - 44.5)).toBeLessThanOrEqual(1);
      expect(x2 - x1).toBeGreaterThan(32);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
