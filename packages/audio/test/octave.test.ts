import { describe, expect, it } from 'vitest';
import { analyzeSamples } from '../src/analyze.js';
import { trackAtLevel } from '../src/dsp/level.js';
import {
  backbeat,
  beatEveryPointAndAHalf,
  COMPOUND_CHORDS,
  COMPOUND_REGISTER,
  compoundEighths,
  dividesInThree,
  doubleGrid,
  halfOfTriple,
  harmonicHalfSpan,
  harmonicPeriodTwo,
  lowOnEveryPoint,
  octaveEvidence,
  octaveFactor,
  registerSpread,
  subdivisions,
  tooSlowGrid,
} from '../src/dsp/octave.js';
import { computeFeatures } from '../src/dsp/spectrum.js';

const SR = 22_050;

/** Seeded white noise (LCG), so the material is the same on every run. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** MIDI notes of C, Am, F and G. */
const CHORDS = [
  [60, 64, 67],
  [57, 60, 64],
  [53, 57, 60],
  [55, 59, 62],
];

/** Pitch classes of C, F, G and Am, for chroma made by hand. */
const PITCH_CLASS_CHORDS = [
  [0, 4, 7],
  [5, 9, 0],
  [7, 11, 2],
  [9, 0, 4],
];

/**
 * A drum groove in 4/4 made in code: kick (a falling 100→50 Hz sine) and snare (noise with a 190 Hz body)
 * on the given beats of each bar, a closed hi-hat (differentiated noise) on every eighth, and a soft chord
 * (C, Am, F, G) changing on each bar line, as chords do.
 */
function groove(bpm: number, bars: number, kick: number[], snare: number[]): Float32Array {
  const beat = 60 / bpm;
  const x = new Float32Array(Math.ceil((bars * 4 * beat + 1) * SR));
  const rnd = noise(7);
  const add = (t0: number, len: number, f: (i: number, t: number) => number) => {
    const s0 = Math.round(t0 * SR);
    for (let i = 0; i < len * SR && s0 + i < x.length; i++) x[s0 + i] = (x[s0 + i] as number) + f(i, i / SR);
  };
  let prev = 0;
  for (let bar = 0; bar < bars; bar++) {
    const t = bar * 4 * beat;
    for (const k of kick)
      add(
        t + k * beat,
        0.25,
        (_, s) => 0.8 * Math.exp(-s / 0.08) * Math.sin(2 * Math.PI * (100 * s - 100 * s * s)),
      );
    for (const k of snare)
      add(
        t + k * beat,
        0.2,
        (_, s) => Math.exp(-s / 0.06) * (0.35 * rnd() + 0.25 * Math.sin(2 * Math.PI * 190 * s)),
      );
    for (let e = 0; e < 8; e++)
      add(t + (e * beat) / 2, 0.05, (_, s) => {
        const n = rnd();
        const d = n - prev;
        prev = n;
        return 0.12 * Math.exp(-s / 0.012) * d;
      });
    const chord = (CHORDS[bar % 4] as number[]).map((m) => 440 * 2 ** ((m - 69) / 12));
    add(t, 4 * beat, (_, s) => {
      const env = Math.min(1, s / 0.05) * Math.min(1, (4 * beat - s) / 0.05);
      return 0.03 * env * chord.reduce((a, hz) => a + Math.sin(2 * Math.PI * hz * s), 0);
    });
  }
  return x;
}

/**
 * A boogie made in code: a bass note on every beat (root, fifth, sixth, fifth of the bar's chord), a kick
 * on beats 1 and 3 only, and a chord stab on 1 and 3, the chord changing each bar (C, Am, F, G). Beats
 * 2 and 4 carry only the bass: the comb's tapping prior likes the half.
 */
function boogie(bpm: number, bars: number): Float32Array {
  const beat = 60 / bpm;
  const x = new Float32Array(Math.ceil((bars * 4 * beat + 1) * SR));
  const add = (t0: number, len: number, f: (t: number) => number) => {
    const s0 = Math.round(t0 * SR);
    for (let i = 0; i < len * SR && s0 + i < x.length; i++) x[s0 + i] = (x[s0 + i] as number) + f(i / SR);
  };
  for (let bar = 0; bar < bars; bar++) {
    const chord = CHORDS[bar % 4] as number[];
    const root = (chord[0] as number) - 24;
    for (let k = 0; k < 4; k++) {
      const t = (bar * 4 + k) * beat;
      const hz = 440 * 2 ** ((root + ([0, 7, 9, 7][k] as number) - 69) / 12);
      add(t, 0.9 * beat, (s) => 0.35 * Math.exp(-s / 0.15) * Math.sin(2 * Math.PI * hz * s));
      if (k % 2) continue;
      add(t, 0.25, (s) => 0.8 * Math.exp(-s / 0.08) * Math.sin(2 * Math.PI * (100 * s - 100 * s * s)));
      const notes = chord.map((m) => 440 * 2 ** ((m - 69) / 12));
      add(
        t,
        1.5 * beat,
        (s) => 0.08 * Math.exp(-s / 0.2) * notes.reduce((a, f) => a + Math.sin(2 * Math.PI * f * s), 0),
      );
    }
  }
  return x;
}

/** Octave evidence that moves no level by itself: the same backbeat at every level, 4-point chords. */
const PLAIN_GROOVE = {
  backbeatHalf: 0.3,
  backbeatBeat: 0.3,
  backbeatDouble: 0.3,
  evenBeat: 0.9,
  evenDouble: 0.4,
  harmony: 0.8,
  periodTwo: 0.1,
};

describe('octave evidence', () => {
  it('sees the kick/snare alternation at the beat, not at its eighths or its half', () => {
    // Envelopes on a frame grid: kick (bass band) on even beats, snare (high band) on odd beats, 40 frames apart.
    const frames = 40 * 70;
    const low = new Float32Array(frames);
    const high = new Float32Array(frames);
    const full = new Float32Array(frames);
    for (let k = 1; k <= 64; k++) {
      const t = k * 40;
      if (k % 2) high[t] = 8;
      else low[t] = 10;
      full[t] = 10;
      high[t + 20] = 2;
      full[t + 20] = 3;
    }
    const beats = Array.from({ length: 64 }, (_, i) => (i + 1) * 40);
    const eighths = doubleGrid(beats);
    const halves = beats.filter((_, i) => i % 2 === 0);
    expect(backbeat(beats, low, high)).toBeGreaterThan(0.8);
    expect(backbeat(eighths, low, high)).toBeLessThan(0.5 * backbeat(beats, low, high));
    expect(backbeat(halves, low, high)).toBeLessThan(0.1);
    // Read at its eighths (the grid every 20 frames, chords lasting 8 of its points), the song halves;
    // with chords every 4 points (a half-time feel) it stays; read at the beat it stays.
    expect(octaveFactor(octaveEvidence(eighths, full, low, high, 0.1), 150).factor).toBe(0.5);
    expect(octaveFactor(octaveEvidence(eighths, full, low, high, 0.9), 150).factor).toBe(1);
    expect(octaveFactor(octaveEvidence(beats, full, low, high), 75).factor).toBe(1);
    // Read at half (every other beat), the strong midpoints with the alternation bring it back up.
    expect(octaveFactor(octaveEvidence(halves, full, low, high), 75).factor).toBe(2);
  });

  it('halves a bare grid (nothing between its points) with chords lasting 8 points, without a backbeat gain', () => {
    const e = {
      backbeatHalf: 0.73,
      backbeatBeat: 0.67,
      backbeatDouble: 0.19,
      evenBeat: 0.4,
      evenDouble: 0,
      harmony: 0.38,
      periodTwo: 0.36,
    };
    expect(octaveFactor(e, 150).factor).toBe(0.5);
    // With onsets between the grid points (a shuffle's eighths) the same evidence keeps the grid.
    expect(octaveFactor({ ...e, evenDouble: 0.17 }, 176).factor).toBe(1);
  });

  it('keeps a grid whose every point has a kick (four on the floor), whatever the chords and the backbeat say', () => {
    const frames = 40 * 70;
    const everyPoint = new Float32Array(frames);
    const everyOther = new Float32Array(frames);
    for (let k = 1; k <= 64; k++) {
      everyPoint[k * 40] = k % 2 ? 9 : 10;
      if (k % 2 === 0) everyOther[k * 40] = 10;
    }
    const grid = Array.from({ length: 64 }, (_, i) => (i + 1) * 40);
    expect(lowOnEveryPoint(grid, everyPoint)).toBeGreaterThan(0.85);
    expect(lowOnEveryPoint(grid, everyOther)).toBe(0);
    // LMMS' psytrance PpTrip at 140: chords over 8 beats and more alternation at the half, so the drum
    // pattern halved it to 70; its kick on every beat (0.41) keeps it. A ballad at its eighths (0.04) halves.
    const e = { ...PLAIN_GROOVE, backbeatHalf: 0.5, backbeatDouble: 0.2, harmony: 0.2 };
    expect(octaveFactor({ ...e, lowEvery: 0.04 }, 140).factor).toBe(0.5);
    expect(octaveFactor({ ...e, lowEvery: 0.41 }, 140).factor).toBe(1);
  });

  it('doubles a grid whose double the bass strikes on every point alike (a boogie at 195 read at 98)', () => {
    const e = { ...PLAIN_GROOVE, backbeatHalf: 0.2, evenDouble: 0.6 };
    expect(octaveFactor(e, 98).factor).toBe(1);
    expect(octaveFactor({ ...e, lowEveryDouble: 0.73 }, 98).factor).toBe(2);
    // An eighth-note bass under a song at its beat (0.49 at most on train) stays; so does a double past 210.
    expect(octaveFactor({ ...e, lowEveryDouble: 0.49 }, 98).factor).toBe(1);
    expect(octaveFactor({ ...e, lowEveryDouble: 0.73 }, 109).factor).toBe(1);
  });

  it('halves a bare grid whose pitch moves on every other point, against an eighth-note alternation', () => {
    // A slow ballad's eighths: kick and bass on every beat, plucked strings on every eighth, so the
    // eighths alternate like a backbeat (0.53 against 0.49 at the half) while the pitch steps per beat.
    const e = {
      backbeatHalf: 0.49,
      backbeatBeat: 0.53,
      backbeatDouble: 0.48,
      evenBeat: 0.31,
      evenDouble: 0,
      harmony: 0.27,
      periodTwo: 0.75,
    };
    expect(octaveFactor(e, 138).factor).toBe(0.5);
    // The same at 176 (fast swing at its beat) or at 84 (a half of 42 nobody taps) stays.
    expect(octaveFactor(e, 176).factor).toBe(1);
    expect(octaveFactor(e, 84).factor).toBe(1);
    // Pitch moving on every point (a walking line) is no such evidence.
    expect(octaveFactor({ ...e, periodTwo: 0.1 }, 138).factor).toBe(1);
  });

  it('takes a grid at a quarter of a 200 bpm groove (onsets on its quarters) back up to the beat', () => {
    const f = computeFeatures(groove(200, 48, [0, 2], [1, 3]), SR, 1);
    // The bar grid (every 4th beat, 50 bpm): beats 2, 3 and 4 sound on its quarters and midpoint.
    const beat = 60 / 200 / f.hopSec;
    const bars = Array.from({ length: 44 }, (_, i) => (i * 4 + 2) * beat);
    expect(subdivisions(bars, f.onset).quarter).toBeGreaterThan(0.3);
    expect(tooSlowGrid(bars, f.onset, 50)).toBe(true);
    const level = trackAtLevel(f, { bpm: 50, confidence: 0.5, alternativeBpm: 100 });
    expect(level.reading.bpm).toBeGreaterThan(95);
    // The audit trail names the rule that moved it.
    expect(level.reading.steps?.[0]).toMatch(/^grid too slow, doubled: 100/);
    // A slow ballad's grid at its beat, with eighth hats but nothing on its quarters, stays.
    const slow = computeFeatures(groove(56, 12, [0, 2], [1, 3]), SR, 1);
    const beats = Array.from({ length: 44 }, (_, i) => (i + 1) * (60 / 56 / slow.hopSec));
    expect(tooSlowGrid(beats, slow.onset, 56)).toBe(false);
  });

  it('reads a 75 bpm backbeat groove (kick on 1 and 3, snare on 2 and 4, eighth hats) at 75, not 150', () => {
    const a = analyzeSamples(groove(75, 16, [0, 2], [1, 3]), SR);
    expect(a.bpm).toBeGreaterThan(72);
    expect(a.bpm).toBeLessThan(78);
    expect(a.alternative?.bpm).toBeGreaterThan(140);
  });

  it('keeps an eighth-note hi-hat groove at 180 bpm at 180, not 90', () => {
    const a = analyzeSamples(groove(180, 28, [0, 2], [1, 3]), SR);
    expect(a.bpm).toBeGreaterThan(174);
    expect(a.bpm).toBeLessThan(186);
  });

  it('reads a 170 bpm boogie with a bass note on every beat at 170, not 85', () => {
    const a = analyzeSamples(boogie(170, 40), SR);
    expect(a.bpm).toBeGreaterThan(164);
    expect(a.bpm).toBeLessThan(176);
  });

  it('keeps the same boogie at 85 bpm (chords every 4 beats) at 85, not 170', () => {
    const a = analyzeSamples(boogie(85, 20), SR);
    expect(a.bpm).toBeGreaterThan(82);
    expect(a.bpm).toBeLessThan(88);
  });

  it('keeps a 120 bpm click over one held drone at 120: no chord motion is no evidence for halving', () => {
    // Alike clicks with noise bursts, loud and soft every 8 beats, over a wavering 110 Hz drone (the
    // evaluation's test song): the noise alone made the half look like a backbeat.
    const n = noise(7);
    const x = new Float32Array(SR * 16);
    for (let i = 0; i < x.length; i++) {
      const t = i / SR;
      const ph = t % 0.5;
      const amp = Math.floor(t / 4) % 2 ? 1 : 0.15;
      const click =
        0.6 * Math.sin(2 * Math.PI * 1200 * t) * Math.exp(-60 * ph) + 0.4 * n() * 0.5 * Math.exp(-25 * ph);
      x[i] =
        0.9 * amp * (click + 0.25 * Math.sin(2 * Math.PI * 110 * t + 4 * Math.sin(2 * Math.PI * 0.37 * t)));
    }
    const a = analyzeSamples(x, SR);
    expect(a.bpm).toBeGreaterThan(115);
    expect(a.bpm).toBeLessThan(125);
  });

  it('sees chords changing every 2 grid points, not every 3 (a waltz) or 4 (a bar of beats)', () => {
    // Chroma frames every 0.05 s, a grid point every 0.5 s (hop 0.01 s: 50 frames), 48 points.
    const grid = Array.from({ length: 48 }, (_, i) => i * 50);
    const chroma = (every: number) => {
      const c = new Float32Array(24 * 10 * 12);
      for (let t = 0; t < 240; t++) {
        // Major triads a fifth apart (C, G, D…): every change alike, whichever position it falls on.
        const root = (7 * Math.floor(t / 10 / every)) % 12;
        for (const m of [0, 4, 7]) c[t * 12 + ((root + m) % 12)] = 1 / 3;
      }
      return c;
    };
    expect(harmonicPeriodTwo(grid, chroma(2), 0.05, 0.01)).toBeGreaterThan(0.8);
    expect(harmonicPeriodTwo(grid, chroma(3), 0.05, 0.01)).toBeLessThan(0.3);
    expect(harmonicPeriodTwo(grid, chroma(4), 0.05, 0.01)).toBeLessThan(0.3);
  });

  it('sees chords lasting 6 grid points, not 3 (a waltz at its beat), and 2 points on both parities', () => {
    const grid = Array.from({ length: 48 }, (_, i) => i * 50);
    const chroma = (every: number) => {
      const c = new Float32Array(48 * 10 * 12);
      for (let t = 0; t < 480; t++) {
        const root = (7 * Math.floor(t / 10 / every)) % 12;
        for (const m of [0, 4, 7]) c[t * 12 + ((root + m) % 12)] = 1 / 3;
      }
      return c;
    };
    expect(harmonicHalfSpan(grid, chroma(6), 0.05, 0.01, 3)).toBeLessThan(0.15);
    expect(harmonicHalfSpan(grid, chroma(3), 0.05, 0.01, 3)).toBeGreaterThan(0.8);
    // Chords every 3 points change on both parities (a waltz's bar on its double grid); every 2, on one.
    expect(harmonicHalfSpan(grid, chroma(3), 0.05, 0.01, 1)).toBeGreaterThan(0.6);
    expect(harmonicHalfSpan(grid, chroma(2), 0.05, 0.01, 1)).toBeLessThan(0.2);
  });
});

describe('the end of the music', () => {
  it('stops the beats where the groove stops, not through a spoken tail, while the sections reach the end', () => {
    const music = groove(120, 16, [0, 2], [1, 3]);
    const musicEnd = (16 * 4 * 60) / 120;
    // 10 s of "speech" after it: syllables of noise through a resonance (a vowel), at random times.
    const tail = new Float32Array(10 * SR);
    const rnd = noise(11);
    let t = 0.05;
    while (t < 9.6) {
      const len = 0.08 + 0.15 * Math.abs(rnd());
      const hz = 400 + 300 * Math.abs(rnd());
      const s0 = Math.round(t * SR);
      let y1 = 0;
      let y2 = 0;
      for (let i = 0; i < len * SR && s0 + i < tail.length; i++) {
        const env = Math.sin((Math.PI * i) / (len * SR));
        // Two-pole resonator at hz driven by noise.
        const r = 0.995;
        const y = rnd() + 2 * r * Math.cos((2 * Math.PI * hz) / SR) * y1 - r * r * y2;
        y2 = y1;
        y1 = y;
        tail[s0 + i] = env * y;
      }
      t += len + 0.05 + 0.3 * Math.abs(rnd());
    }
    // As loud as the music (its RMS over the syllables' share of the time).
    const rms = (v: Float32Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    const gain = rms(music) / rms(tail);
    for (let i = 0; i < tail.length; i++) tail[i] = (tail[i] as number) * gain;
    const x = new Float32Array(music.length + tail.length);
    x.set(music);
    x.set(tail, music.length);
    const a = analyzeSamples(x, SR);
    expect(a.bpm).toBeGreaterThan(115);
    expect(a.bpm).toBeLessThan(125);
    // Within two bars of the end (the grid ran 10 s on through the speech).
    expect(a.beats.at(-1)).toBeLessThan(musicEnd + 4);
    expect(a.sections.at(-1)?.end).toBeCloseTo(a.durationSec, 2);
  });

  it('stops the beats where the groove stops, not through a rumble of noise left in the bass band', () => {
    // A kick on the one only: most beats have no bass onset, so the bass band's floor is low.
    const music = groove(120, 16, [0], [1, 3]);
    const musicEnd = (16 * 4 * 60) / 120;
    // 8 s of low rumble in bursts (noise through a one-pole low-pass, as a compressor brings up a tail).
    const tail = new Float32Array(8 * SR);
    const rnd = noise(5);
    let y = 0;
    let t = 0.1;
    while (t < 7.8) {
      const s0 = Math.round(t * SR);
      for (let i = 0; i < 0.06 * SR; i++) {
        y += 0.02 * (rnd() - y);
        tail[s0 + i] = y * Math.sin((Math.PI * i) / (0.06 * SR));
      }
      t += 0.15 + 0.25 * Math.abs(rnd());
    }
    const rms = (v: Float32Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    const gain = (0.1 * rms(music)) / rms(tail);
    for (let i = 0; i < tail.length; i++) tail[i] = (tail[i] as number) * gain;
    const x = new Float32Array(music.length + tail.length);
    x.set(music);
    x.set(tail, music.length);
    const a = analyzeSamples(x, SR);
    expect(a.beats.at(-1)).toBeLessThan(musicEnd + 2);
  });

  it('keeps the beats through an outro without bass (hats and snare still on the beats)', () => {
    const music = groove(120, 16, [0, 2], [1, 3]);
    const outro = groove(120, 8, [], [1, 3]);
    const x = new Float32Array(music.length - SR + outro.length);
    x.set(music.subarray(0, music.length - SR));
    x.set(outro, music.length - SR);
    const a = analyzeSamples(x, SR);
    expect(a.beats.at(-1)).toBeGreaterThan((24 * 4 * 60) / 120 - 1.5);
  });

  it('keeps an outro without bass to its last beat when a rumbling tail follows it', () => {
    // 16 bars with kicks, 4 without (snare and hats), then 8 s of steady hiss (a compressor brings up a
    // tape's noise floor): the outro's beats sound, the hiss's do not, and counted together they were too
    // few to keep the outro (lost whole).
    const music = groove(120, 16, [0, 2], [1, 3]);
    const outro = groove(120, 4, [], [1, 3]);
    const outroEnd = (20 * 4 * 60) / 120;
    const tail = new Float32Array(8 * SR);
    const rnd = noise(5);
    for (let i = 0; i < tail.length; i++) tail[i] = 0.05 * rnd();
    const x = new Float32Array(music.length - SR + outro.length - SR + tail.length);
    x.set(music.subarray(0, music.length - SR));
    x.set(outro.subarray(0, outro.length - SR), music.length - SR);
    x.set(tail, music.length + outro.length - 2 * SR);
    const a = analyzeSamples(x, SR);
    expect(a.beats.at(-1)).toBeGreaterThan(outroEnd - 1.5);
    expect(a.beats.at(-1)).toBeLessThan(outroEnd + 2);
  });
});

describe('registerSpread', () => {
  /** 30 grid points 20 frames apart; each point's onset rises in the bands `at(i)` gives. */
  const material = (at: (i: number) => number[]) => {
    const bands = 40;
    const grid = Array.from({ length: 30 }, (_, i) => 10 + 20 * i);
    const frames = 10 + 20 * 30;
    const onset = new Float32Array(frames);
    const logMel = new Float32Array(frames * bands);
    grid.forEach((g, i) => {
      onset[g] = 1;
      for (const b of at(i)) for (let t = g; t < g + 10; t++) logMel[t * bands + b] = 1;
    });
    return registerSpread(grid, onset, logMel, bands);
  };
  it('is near 0 when one figure sounds on every point (an arpeggio at its eighths)', () => {
    expect(material((i) => [18 + (i % 2), 20])).toBeLessThan(COMPOUND_REGISTER);
  });
  it('is large when the bass sounds on 1 and chords on 2 and 3 (a waltz at its beat)', () => {
    expect(material((i) => (i % 3 === 0 ? [2, 3, 4] : [24, 25, 26]))).toBeGreaterThan(10);
  });
});

describe('compoundEighths', () => {
  /**
   * 60 points of a grid at 150 bpm (hop 10 ms): an accent on every third point, one figure on every point
   * (the same band rises), chords of `chordPoints` points; in the second half of each chord a passing
   * note sounds at `passing` of a chord note's level (the arpeggio turning, blurred by reverb), so the
   * chroma also moves, less, half-way through the chord.
   */
  const material = (chordPoints: number, passing: number) => {
    const hopSec = 0.01;
    const chromaHopSec = 0.04;
    const bands = 40;
    const period = 40;
    const grid = Array.from({ length: 60 }, (_, i) => 20 + period * i);
    const frames = 20 + period * 61;
    const onset = new Float32Array(frames);
    const logMel = new Float32Array(frames * bands);
    grid.forEach((g, i) => {
      onset[g] = i % 3 === 0 ? 1 : 0.5;
      for (let t = g; t < g + 6; t++) logMel[t * bands + 20] = 1;
    });
    const chromaFrames = Math.ceil(frames / 4);
    const chroma = new Float32Array(chromaFrames * 12);
    for (let c = 0; c < chromaFrames; c++) {
      const point = Math.max(0, (c * 4 - 20) / period);
      const k = Math.floor(point / chordPoints);
      const late = point - k * chordPoints >= chordPoints / 2;
      for (const pc of PITCH_CLASS_CHORDS[k % 4] as number[])
        chroma[c * 12 + pc] = (chroma[c * 12 + pc] as number) + 1;
      if (late)
        chroma[c * 12 + ((k * 5 + 2) % 12)] = (chroma[c * 12 + ((k * 5 + 2) % 12)] as number) + passing;
    }
    const f = { onset, chroma, chromaHopSec, hopSec, logMel, bands };
    return { grid, f, hs3: harmonicHalfSpan(grid, chroma, chromaHopSec, hopSec, 3) };
  };

  it('takes a slow 6/8 read at its eighths: chords of 6 points, one figure on every point', () => {
    const { grid, f } = material(6, 0);
    expect(compoundEighths(grid, f, 150)).toBe(true);
  });

  it('still takes it when a passing note moves the chroma half-way through each chord (0.15–0.3 of the change at 6)', () => {
    const { grid, f, hs3 } = material(6, 1);
    expect(hs3).toBeGreaterThan(0.15);
    expect(hs3).toBeLessThan(COMPOUND_CHORDS);
    expect(compoundEighths(grid, f, 150)).toBe(true);
  });

  it('leaves a grid whose chords change every 3 points (a waltz at its beat, a chord a bar)', () => {
    const { grid, f, hs3 } = material(3, 0);
    expect(hs3).toBeGreaterThan(COMPOUND_CHORDS);
    expect(compoundEighths(grid, f, 150)).toBe(false);
  });
});

/** An onset envelope with spikes of the given heights at frames. */
function env(frames: number, spikes: Array<[at: number, height: number]>): Float32Array {
  const x = new Float32Array(frames);
  for (const [at, h] of spikes) x[Math.round(at)] = Math.max(x[Math.round(at)] as number, h);
  return x;
}
/** A grid of `n` points every `step` frames from frame 10. */
const grid = (step: number, n: number) => Array.from({ length: n }, (_, i) => 10 + i * step);

describe('beatEveryPointAndAHalf', () => {
  const beats = 40;

  it('finds the beat of a shuffle read with a point every two triplets (80 bpm read at 120)', () => {
    // Beat 66 frames, triplets of 22: the beat and the swung let (2/3 through the beat) sound, the let at
    // 0.35 of the beat (the train songs read this way: 0.12–0.48).
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < beats; b++) spikes.push([10 + 66 * b, 1], [10 + 66 * b + 44, 0.35]);
    expect(beatEveryPointAndAHalf(grid(44, 58), env(3000, spikes))).toBe(true);
  });

  it('leaves a shuffle whose let is as loud as half the beat (not told from a waltz at half tempo)', () => {
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < beats; b++) spikes.push([10 + 66 * b, 1], [10 + 66 * b + 44, 0.5]);
    expect(beatEveryPointAndAHalf(grid(44, 58), env(3000, spikes))).toBe(false);
  });

  it('leaves a fast waltz read at every other beat (its midpoints are beats too)', () => {
    // A 194 waltz at 97: points every 2 beats; bar lines on every third beat, the other beats at 0.5.
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < 2 * beats; b++) spikes.push([10 + 22 * b, b % 3 === 0 ? 1 : 0.5]);
    expect(beatEveryPointAndAHalf(grid(44, beats), env(2000, spikes))).toBe(false);
  });

  it('leaves a waltz at its beat (bass on 1, chords on 2 and 3, little between)', () => {
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < beats; b++) {
      spikes.push([10 + 44 * b, b % 3 === 0 ? 1 : 0.55]);
      if (b % 3 === 1) spikes.push([10 + 44 * b + 22, 0.1]);
    }
    expect(beatEveryPointAndAHalf(grid(44, beats), env(2000, spikes))).toBe(false);
  });

  it('leaves a jazz waltz whose swung eighths sound between every two beats alike', () => {
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < beats; b++)
      spikes.push([10 + 44 * b, b % 3 === 0 ? 1 : 0.4], [10 + 44 * b + 22, 0.45]);
    expect(beatEveryPointAndAHalf(grid(44, beats), env(2000, spikes))).toBe(false);
  });

  it('leaves a straight grid whose points all sound alike', () => {
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < beats; b++)
      spikes.push([10 + 44 * b, b % 2 === 0 ? 1 : 0.8], [10 + 44 * b + 22, 0.5]);
    expect(beatEveryPointAndAHalf(grid(44, beats), env(2000, spikes))).toBe(false);
  });
});

describe('dividesInThree', () => {
  it('sees the bar of a fast waltz (beats 2 and 3 on its thirds, a soft "and" at its midpoint)', () => {
    // A 195 waltz: beats of 14 frames, bars (the grid, 65 bpm) of 42; bass on 1, chords on 2 and 3.
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < 90; b++) spikes.push([10 + 14 * b, b % 3 === 0 ? 1 : 0.4]);
    for (let bar = 0; bar < 30; bar++) spikes.push([10 + 42 * bar + 21, 0.1]);
    expect(dividesInThree(grid(42, 30), env(1400, spikes), 65)).toBe(true);
    // The same grid too fast to triple (a 90 bpm grid: its thirds would be 270) is left alone.
    expect(dividesInThree(grid(42, 30), env(1400, spikes), 90)).toBe(false);
  });

  it('leaves a half-tempo binary grid (a beat on its midpoint, triplet fills on its thirds)', () => {
    // A 130 groove read at 65: beats of 20 frames, the grid every 2; the triplets sound at 0.2.
    const spikes: Array<[number, number]> = [];
    for (let b = 0; b < 60; b++) spikes.push([10 + 20 * b, b % 2 === 0 ? 1 : 0.7]);
    for (let g = 0; g < 30; g++) spikes.push([10 + 40 * g + 40 / 3, 0.2], [10 + 40 * g + 80 / 3, 0.2]);
    expect(dividesInThree(grid(40, 30), env(1400, spikes), 65)).toBe(false);
  });
});

describe('halfOfTriple', () => {
  /**
   * Whether `halfOfTriple` doubles a grid at 100 bpm (hop 10 ms) over 48 s of steps 15 frames apart
   * (four to a grid point): `accents` gives each step's onset by its place in a bar of `bar` steps, and
   * the chord changes on the steps in `changes` (places in the bar).
   */
  const doubles = (bar: number, accents: (step: number) => number, changes: number[]) => {
    const hopSec = 0.01;
    const chromaHopSec = 0.04;
    const steps = 320;
    const frames = 10 + 15 * steps + 20;
    const onset = new Float32Array(frames);
    for (let e = 0; e < steps; e++) onset[10 + 15 * e] = accents(e % bar);
    const chromaFrames = Math.ceil(frames / 4);
    const chroma = new Float32Array(chromaFrames * 12);
    let k = 0;
    for (let c = 0; c < chromaFrames; c++) {
      const e = Math.floor((c * 4 - 10) / 15);
      if (e >= 0 && (c * 4 - 10) % 15 < 4 && changes.includes(e % bar)) k = e;
      for (const pc of PITCH_CLASS_CHORDS[Math.floor(k / 2) % 4] as number[]) chroma[c * 12 + pc] = 1;
    }
    const grid = Array.from({ length: steps / 4 }, (_, i) => 10 + 60 * i);
    return halfOfTriple(grid, onset, chroma, chromaHopSec, hopSec, 100);
  };

  it('doubles a fast waltz read at every other beat (a chord a bar, on both parities of the double)', () => {
    // Each step an eighth, beats of 2 steps, bars of 3 beats: bass on 1, chords on 2 and 3, soft
    // eighths between.
    expect(doubles(6, (e) => (e === 0 ? 1 : e % 2 === 0 ? 0.6 : 0.35), [0])).toBe(true);
  });

  it('leaves a binary beat with a figure pushed to the "and" of 2 (its half bar repeats more than 1.5 points)', () => {
    // Each step a sixteenth: the grid is the beat, 8 steps a half bar. A kick on 1, a soft snare on 2,
    // a figure and a chord change on the "and" of 2 (both parities of the double grid), hats on the
    // other eighths.
    const half = [1, 0.1, 0.3, 0.1, 0.3, 0.1, 0.8, 0.1];
    expect(doubles(8, (u) => half[u] as number, [0, 6])).toBe(false);
  });
});
