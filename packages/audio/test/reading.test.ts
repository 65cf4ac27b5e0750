import { describe, expect, it } from 'vitest';
import { chooseTempo } from '../src/dsp/reading.js';

const HOP = 256 / 22050;
/** An onset envelope of `sec` seconds with a 3-frame spike of height v at each (time, v). */
function spikes(sec: number, at: Array<[number, number]>): Float32Array {
  const x = new Float32Array(Math.round(sec / HOP));
  for (const [t, v] of at) {
    const i = Math.round(t / HOP);
    for (let d = -1; d <= 1; d++)
      if (i + d >= 0 && i + d < x.length) x[i + d] = Math.max(x[i + d] as number, d ? v / 2 : v);
  }
  return x;
}

/** 60 s at 111 bpm: beats, eighths straight or swung (⅔ and a ghost ⅓), a bass note every 4⁄3 beats. */
function song(swung: boolean) {
  const beat = 60 / 111;
  const full: Array<[number, number]> = [];
  const low: Array<[number, number]> = [];
  for (let t = 0.5; t < 59; t += beat) {
    full.push([t, 1], [t + (swung ? 2 / 3 : 1 / 2) * beat, 0.5]);
    if (swung) full.push([t + beat / 3, 0.3]);
  }
  for (let t = 0.5; t < 59; t += (4 / 3) * beat) {
    low.push([t, 1]);
    full.push([t, 0.4]);
  }
  return { full: spikes(60, full), low: spikes(60, low) };
}

describe('chooseTempo: the bass at 3/2 of the comb', () => {
  it('keeps a straight beat whose bass figure repeats every 4/3 beats (eighths at half the beat)', () => {
    const { full, low } = song(false);
    const r = chooseTempo(full, low, HOP);
    expect(Math.abs(r.bpm / 111 - 1)).toBeLessThan(0.03);
    expect(r.steps?.some((s) => s.startsWith('bass at 3/2'))).toBe(false);
  });

  it('still reads 3/2 of a grid that divides in three (a compound reading of a faster beat)', () => {
    const { full, low } = song(true);
    const r = chooseTempo(full, low, HOP);
    expect(r.steps?.some((s) => s.startsWith('bass at 3/2'))).toBe(true);
    expect(Math.abs(r.bpm / (111 * 1.5) - 1)).toBeLessThan(0.03);
  });
});
