import { describe, expect, it } from 'vitest';
import { trackTempo } from '../src/dsp/beats.js';
import { trackAtLevel } from '../src/dsp/level.js';
import type { TempoReading } from '../src/dsp/reading.js';

// Soft music at 100 bpm under a louder voice whose syllables come about every 0.66 s (91 bpm, uneven):
// the corpus' spoken layer over a quiet ballad. The reading (from the whole song's metrical evidence) is
// given as 100; the local tempo path, free to stray, follows the louder syllables.
const hopSec = 256 / 22050;
const frames = Math.round(90 / hopSec);
/** A fixed pseudo-random sequence, so the test is the same every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}
/** An onset of height `h` at `t` s that decays over a few frames, as a spectral flux peak does. */
function onset(x: Float32Array, t: number, h: number): void {
  const i = Math.round(t / hopSec);
  [1, 0.6, 0.3].forEach((k, d) => {
    if (i + d < x.length) x[i + d] = (x[i + d] as number) + h * k;
  });
}
function envelopes(syllableSec = 0.66) {
  const rand = random(7);
  // A floor of small onsets on every frame (the rest of the mix), so no peak stands alone.
  const floor = Float32Array.from({ length: frames }, () => 0.1 * rand());
  const music = Float32Array.from(floor);
  const full = Float32Array.from(floor);
  for (let t = 0.3; t / hopSec < frames - 3; t += 0.6) {
    onset(music, t, 0.35);
    onset(full, t, 0.35);
  }
  // Syllables every `syllableSec` (0.66 s: 91 bpm) ± 40 ms, louder than the music.
  for (let t = 0.1; t / hopSec < frames - 3; t += syllableSec + (rand() - 0.5) * 0.08) onset(full, t, 0.6);
  return { music, full };
}

/** Level features from a full-band and a bass envelope (no chords, no timbre). */
function levelFeatures(full: Float32Array, bass: Float32Array) {
  return {
    onset: full,
    beatOnset: full,
    lowBeatOnset: bass,
    highBeatOnset: new Float32Array(frames),
    lowOnset: bass,
    hopSec,
    chroma: new Float32Array(Math.ceil(frames / 4) * 12),
    chromaHopSec: hopSec * 4,
    logMel: new Float32Array(frames * 40),
    bands: 40,
  };
}

describe('the tempo path held to its reading', () => {
  const { music, full } = envelopes();

  it('strays towards the voice at the usual spread and stays at the reading when held', () => {
    const free = trackTempo(full, hopSec, 100);
    const held = trackTempo(full, hopSec, 100, 0.05);
    // The problem the hold is for: the free path leaves the reading by more than a drift.
    expect(Math.abs(free.bpm / 100 - 1)).toBeGreaterThan(0.04);
    expect(Math.abs(held.bpm / 100 - 1)).toBeLessThan(0.02);
  });

  it('tracks on the held path when the free one strays from a right reading (trackAtLevel)', () => {
    const comb: TempoReading = { bpm: 100, confidence: 0.5, alternativeBpm: 50 };
    const track = trackAtLevel(levelFeatures(full, music), comb);
    // The path the beats were tracked on, not the free one (90.5 bpm here).
    expect(Math.abs(track.tempo.bpm / 100 - 1)).toBeLessThan(0.02);
    expect(track.reading.bpm).toBe(100);
    // The audit log says so, with where the free path went.
    expect(track.strayedTo).toBeLessThan(96);
    expect(track.reading.steps).toContainEqual(
      expect.stringMatching(/^path strayed to 9\d\.\d, held to the reading: 100\.0$/),
    );
  });

  it('keeps the free path when its beats land on the stronger onsets (a reading 10 % fast)', () => {
    // The music itself at 91 bpm (bass and full band), a faint figure at 100 that the reading took for
    // the beat: the free path strays to the music, and the held one's beats would land on weaker onsets.
    const bass = new Float32Array(frames);
    for (let t = 0.1; t / hopSec < frames; t += 0.66) bass[Math.round(t / hopSec)] = 1;
    const all = Float32Array.from(bass);
    for (let t = 0.3; t / hopSec < frames; t += 0.6) {
      const i = Math.round(t / hopSec);
      all[i] = (all[i] as number) + 0.3;
    }
    const track = trackAtLevel(levelFeatures(all, bass), { bpm: 100, confidence: 0.5, alternativeBpm: 50 });
    expect(track.strayedTo).toBeUndefined();
    expect(Math.abs(track.tempo.bpm / 100 - 1)).toBeGreaterThan(0.04);
    expect(track.reading.steps ?? []).not.toContainEqual(expect.stringMatching(/held/));
  });

  it("holds a path that strays 12–20 % only to the comb's own reading, not to one a ratio rule derived", () => {
    // Syllables every 0.52 s (115 bpm): the free path strays about 15 % from the music's 100.
    const fast = envelopes(0.52);
    const features = levelFeatures(fast.full, fast.music);
    const own: TempoReading = { bpm: 100, confidence: 0.5, alternativeBpm: 50, steps: ['comb 100.0'] };
    const free = trackTempo(fast.full, hopSec, 100);
    expect(free.bpm / 100 - 1).toBeGreaterThan(0.12);
    expect(free.bpm / 100 - 1).toBeLessThan(0.2);
    const held = trackAtLevel(features, own);
    expect(Math.abs(held.tempo.bpm / 100 - 1)).toBeLessThan(0.02);
    expect(held.strayedTo).toBeGreaterThan(112);
    // The same reading reached by the 3⁄2 rule from a comb peak at 66.7: the path is left free.
    const derived = { ...own, steps: ['comb 66.7', 'bass at 3/2: 100.0'] };
    const left = trackAtLevel(features, derived);
    expect(left.strayedTo).toBeUndefined();
    expect(left.tempo.bpm / 100 - 1).toBeGreaterThan(0.12);
  });
});
