import { describe, expect, it } from 'vitest';
import { alternativeGrid } from '../src/dsp/reading.js';
import { type BarFeatures, segmentBars } from '../src/dsp/sections.js';
import { computeFeatures } from '../src/dsp/spectrum.js';

const SR = 22_050;

/** Peak of x within ±r frames of frame c. */
const peakAt = (x: Float32Array, c: number, r = 2) => {
  let m = 0;
  for (let i = Math.max(0, c - r); i <= Math.min(x.length - 1, c + r); i++) m = Math.max(m, x[i] as number);
  return m;
};

describe('onset envelopes', () => {
  it('lets loud low attacks (kick) dominate the linear flux the beat tracker follows', () => {
    // Kicks (60 Hz, loud) every 0.5 s and soft plucks (2 kHz, 26 dB down) half-way between them.
    const x = new Float32Array(SR * 6);
    const burst = (t0: number, hz: number, amp: number) => {
      const s0 = Math.round(t0 * SR);
      for (let i = 0; i < SR * 0.2 && s0 + i < x.length; i++)
        x[s0 + i] =
          (x[s0 + i] as number) + amp * Math.exp(-i / (SR * 0.04)) * Math.sin((2 * Math.PI * hz * i) / SR);
    };
    for (let t = 0.5; t < 5.5; t += 0.5) {
      burst(t, 60, 0.8);
      burst(t + 0.25, 2000, 0.04);
    }
    const f = computeFeatures(x, SR, 1);
    const frame = (t: number) => Math.round(t / f.hopSec);
    let kickLin = 0;
    let pluckLin = 0;
    let kickLog = 0;
    let pluckLog = 0;
    for (let t = 1; t < 5; t += 0.5) {
      kickLin += peakAt(f.beatOnset, frame(t));
      pluckLin += peakAt(f.beatOnset, frame(t + 0.25));
      kickLog += peakAt(f.onset, frame(t));
      pluckLog += peakAt(f.onset, frame(t + 0.25));
    }
    expect(kickLin / pluckLin).toBeGreaterThan(5);
    // Log compression brings the soft plucks much closer to the kicks.
    expect(kickLin / pluckLin).toBeGreaterThan(2 * (kickLog / pluckLog));
    // The bass-band linear flux sees the kicks and next to nothing of the plucks.
    expect(peakAt(f.lowBeatOnset, frame(2))).toBeGreaterThan(10 * peakAt(f.lowBeatOnset, frame(2.25)));
  });
});

describe('segmentBars', () => {
  /** Bars of a song: each group has its own chord pattern and timbre; `fill` bars take the next section's timbre early. */
  function song(plan: Array<[group: number, bars: number]>, fills: number[]): BarFeatures {
    const harmony: Float32Array[] = [];
    const timbre: Float32Array[] = [];
    const loudness: number[] = [];
    for (const [g, bars] of plan)
      for (let b = 0; b < bars; b++) {
        const h = new Float32Array(48);
        // Four beats of one chord per bar; the chord cycles with the bar (a 4-bar progression per group).
        for (let beat = 0; beat < 4; beat++) h[beat * 12 + ((g * 5 + (b % 4) * 2) % 12)] = 1;
        harmony.push(h);
        timbre.push(
          Float32Array.from(
            { length: 12 },
            (_, d) => Math.sin(g * 1.7 + d * (g + 1)) + 0.05 * Math.cos(b + d),
          ),
        );
        loudness.push(-20 + g);
      }
    for (const i of fills) timbre[i] = Float32Array.from(timbre[i + 1] as Float32Array);
    return { harmony, timbre, loudness };
  }

  /** intro 4, verse 8, chorus 8, verse 8, chorus 8, bridge 8, chorus 8, outro 4 (the mma section songs' plan). */
  const MMA_PLAN: Array<[number, number]> = [
    [0, 4],
    [1, 8],
    [2, 8],
    [1, 8],
    [2, 8],
    [3, 8],
    [2, 8],
    [4, 4],
  ];

  it('puts boundaries on the 4-bar phrase grid even when a fill changes the sound a bar early', () => {
    const segs = segmentBars(song(MMA_PLAN, [11, 27, 43]));
    const starts = segs.map((s) => s.startBar);
    for (const s of starts) expect(s % 4).toBe(0);
    for (const b of [12, 20, 28, 36, 44]) expect(starts).toContain(b);
    expect(segs.length).toBeGreaterThanOrEqual(6);
    expect(segs.length).toBeLessThanOrEqual(9);
    const groupAt = (bar: number) => segs.find((s) => s.startBar <= bar && bar < s.endBar)?.group;
    expect(groupAt(6)).toBe(groupAt(22));
    expect(groupAt(14)).toBe(groupAt(30));
    expect(groupAt(14)).toBe(groupAt(46));
    expect(groupAt(6)).not.toBe(groupAt(14));
    expect(groupAt(38)).not.toBe(groupAt(14));
  });

  it('keeps an intro that plays the verse chords on other instruments apart from the verse', () => {
    const f = song(MMA_PLAN, []);
    // The intro's chords are the verse's (bars 4–7); only its sound differs.
    for (let b = 0; b < 4; b++) f.harmony[b] = Float32Array.from(f.harmony[b + 4] as Float32Array);
    const starts = segmentBars(f).map((s) => s.startBar);
    expect(starts).toContain(4);
    expect(starts).toContain(12);
  });

  /** Section starts of a plan, in bars. */
  const startsOf = (plan: Array<[number, number]>) => {
    const out: number[] = [];
    let bar = 0;
    for (const [, bars] of plan) {
      out.push(bar);
      bar += bars;
    }
    return out;
  };
  const near = (found: number[], b: number) => found.some((s) => Math.abs(s - b) <= 1);

  it('re-anchors the phrase grid after a 2-bar intro and again after a 2-bar tag', () => {
    // intro 2, verse 8, chorus 8, verse 8, chorus 8 + 2-bar tag, bridge 8, chorus 8, outro 4; fills a bar early.
    const plan: Array<[number, number]> = [
      [0, 2],
      [1, 8],
      [2, 8],
      [1, 8],
      [2, 10],
      [3, 8],
      [2, 8],
      [4, 4],
    ];
    const segs = segmentBars(song(plan, [9, 25]));
    const found = segs.map((s) => s.startBar);
    // Every boundary after the intro (bars 10, 18, 26) and after the tag (36, 44, 52) within a bar.
    for (const b of startsOf(plan).slice(2)) expect(near(found, b), `boundary at bar ${b}`).toBe(true);
    expect(segs.length).toBeGreaterThanOrEqual(7);
    expect(segs.length).toBeLessThanOrEqual(10);
  });

  it('re-anchors the phrase grid after a 6-bar bridge (every later boundary within a bar)', () => {
    // intro 4, verse 8, chorus 8, verse 8, chorus 8, bridge 6, chorus 8, chorus 8, outro 4.
    const plan: Array<[number, number]> = [
      [0, 4],
      [1, 8],
      [2, 8],
      [1, 8],
      [2, 8],
      [3, 6],
      [1, 8],
      [2, 8],
      [4, 4],
    ];
    const segs = segmentBars(song(plan, [11, 27]));
    const found = segs.map((s) => s.startBar);
    const starts = startsOf(plan);
    // Before the bridge the 4-bar grid holds as before.
    for (const b of starts.slice(1, 6)) expect(found).toContain(b);
    // After it (bars 42, 50, 58) the grid has moved by 2 bars.
    for (const b of starts.slice(6)) expect(near(found, b), `boundary at bar ${b}`).toBe(true);
    expect(segs.length).toBeGreaterThanOrEqual(7);
    expect(segs.length).toBeLessThanOrEqual(11);
  });

  it('splits a song into at most 12 sections; a long piece one more per 16 bars', () => {
    // 88 bars of new material every 4 bars (a through-composed game cue): every phrase is a change (18
    // sections before the budget), but a song has 6–12 sections.
    const cue = song(
      Array.from({ length: 22 }, (_, i) => [i, 4] as [number, number]),
      [],
    );
    const segs = segmentBars(cue);
    expect(segs.length).toBeLessThanOrEqual(12);
    expect(segs.length).toBeGreaterThanOrEqual(6);
    // Contiguous, covering the song.
    expect(segs[0]?.startBar).toBe(0);
    expect(segs.at(-1)?.endBar).toBe(88);
    for (let i = 1; i < segs.length; i++) expect(segs[i]?.startBar).toBe(segs[i - 1]?.endBar);
    // 200 bars cycling through 7 four-bar patterns: 38 sections before, at most 13 now.
    const long = song(
      Array.from({ length: 50 }, (_, i) => [i % 7, 4] as [number, number]),
      [],
    );
    expect(segmentBars(long).length).toBeLessThanOrEqual(13);
  });
});

describe('alternativeGrid', () => {
  const beats = Array.from({ length: 40 }, (_, i) => i * 0.5);
  it('snaps the runner-up to the simple ratio it stands for, so its grid meets ours instead of drifting', () => {
    // A comb peak at 93 against 180 bpm is the half tempo: every other beat, exactly.
    const half = alternativeGrid(beats, 93 / 180);
    expect(half.length).toBe(20);
    for (const t of half) expect(beats).toContain(t);
    // 2:3 (a runner-up at 0.69 of our tempo): a point every 1.5 beats, on our beats every 3.
    const slower = alternativeGrid(beats, 0.69);
    expect(slower[1]).toBeCloseTo(0.75, 9);
    expect(slower.filter((t) => beats.includes(t)).length).toBe(Math.ceil(40 / 3));
  });

  it('keeps the bar lines, else the louder beats, at half tempo', () => {
    const odd = beats.filter((_, i) => i % 4 === 1);
    expect(alternativeGrid(beats, 0.5, { anchors: odd })[0]).toBe(0.5);
    const loudOdd = (t: number) => (Math.round(t / 0.5) % 2 === 1 ? 1 : 0.2);
    expect(alternativeGrid(beats, 0.5, { strength: loudOdd })[0]).toBe(0.5);
    expect(alternativeGrid(beats, 0.5)[0]).toBe(0);
  });
});
