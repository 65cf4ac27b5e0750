import { describe, expect, it } from 'vitest';
import { bandWeights } from '../src/dsp/band-weights.js';

describe('bandWeights', () => {
  const hopSec = 256 / 22_050;
  const frames = 6000;
  const bands = 3;
  /** Seeded uniform numbers (LCG), so the material is the same on every run. */
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  // Band 0: a drum on every beat at 120 bpm (43 frames). Band 1: the same drum, softer. Band 2: syllables at
  // random times, about as many as the drum's onsets, as an untimed voice gives.
  const rise = new Float32Array(frames * bands);
  for (let t = 0; t < frames; t += 43) {
    rise[t * bands] = 1;
    rise[t * bands + 1] = 0.3;
  }
  for (let k = 0; k < 140; k++) rise[Math.floor(rnd() * frames) * bands + 2] = 0.5 + rnd();

  it('keeps the periodic bands and turns down the band whose onsets keep no tempo', () => {
    const w = bandWeights(rise, frames, bands, hopSec);
    expect(w[0]).toBe(1);
    expect(w[1]).toBe(1);
    expect(w[2]).toBeLessThan(0.5);
  });

  it('leaves all weights at 1 when nothing has onsets', () => {
    const w = bandWeights(new Float32Array(frames * bands), frames, bands, hopSec);
    expect([...w]).toEqual([1, 1, 1]);
  });
});
