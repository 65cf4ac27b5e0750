import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Timeline } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { effects } from '@beatframe/timeline';
import { makeTestClip } from '@beatframe/timeline/testing';
import { describe, expect, it } from 'vitest';
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
    // The title fades in over 12 frames and rises over 24: every one of those frames differs.
    expect(new Set(plan.index.slice(0, 24)).size).toBe(24);
    // The held title alone (after the caption, before it fades out) is one overlay.
    expect(plan.index[41]).toBe(plan.index[47]);
    // The caption's fade-in frames and each sung word are distinct; after both, nothing but the card.
    expect(plan.index[20]).not.toBe(plan.index[21]);
    expect(plan.index[25]).not.toBe(plan.index[35]);
    // After the card and before the flash: nothing to draw.
    expect(plan.index[65]).toBe(-1);
    // The flash decays over a few frames, then the overlay is empty again.
    expect(plan.index[72]).toBeGreaterThanOrEqual(0);
    expect(plan.index[89]).toBe(-1);
    expect(plan.unique.every((f, k) => plan.index[f] === k)).toBe(true);
  });

  it('composes shots with the transitions and pulses of the composition', () => {
    const { inputs, filter } = shotsGraph(base);
    expect(inputs).toEqual([
      '-ss',
      '1.5',
      '-i',
      '/a.mp4',
      '-stream_loop',
      '-1',
      '-i',
      '/b.mp4',
      '-i',
      '/c.mp4',
    ]);
    expect(filter).toContain('[0:v]setpts=(PTS-STARTPTS)/1,fps=30');
    expect(filter).toContain('trim=end_frame=50');
    expect(filter).toContain('setpts=(PTS-STARTPTS)/0.8');
    // Pulses at item frames 10 and 25, with the composition's scale and decay.
    expect(filter).toContain('if(gte(n,25),if(lte((n-25),14.4),0.8*exp(-(n-25)/3.6),0)');
    expect(filter).toContain(`1+${effects.PULSE_SCALE}*`);
    expect(filter).toMatch(
      /\[s0\]\[s1\]xfade=transition=custom:expr='if\(gte\(P,0.5\),A,B\).*:duration=0.333333:offset=1.333333\[j1\]/,
    );
    expect(filter).toContain('[j1][s2]concat=n=2:v=1:a=0,settb=1/30[shots]');
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
});
