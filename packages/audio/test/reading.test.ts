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

/**
 * 60 s of a psytrance-like track at `bpm`: a kick on every beat, a rolling bass on the other three
 * sixteenths, open hats on the off-beats and a lead figure over six sixteenths (1 and 3, an echo on 4):
 * its full band repeats more at 1½ beats than at 1, and at a third of that a little more than at half.
 */
function rolling(bpm: number) {
  const six = 60 / bpm / 4;
  const full: Array<[number, number]> = [];
  const low: Array<[number, number]> = [];
  for (let k = 0; (k + 1) * six < 59; k++) {
    const t = 0.5 + k * six;
    const kick = k % 4 === 0;
    low.push([t, kick ? 1 : 0.6]);
    full.push([t, kick ? 1 : 0.3]);
    if (k % 4 === 2) full.push([t, 0.5]);
    if (k % 6 === 0 || k % 6 === 2) full.push([t, 1.3]);
    if (k % 6 === 3) full.push([t, 0.8]);
  }
  return { full: spikes(60, full), low: spikes(60, low) };
}

describe('chooseTempo: a rolling sixteenth bass under a figure over six sixteenths', () => {
  it('reads the kick’s beat from the comb’s ⅔ (the reading divides in three, if only just)', () => {
    const { full, low } = rolling(140);
    const r = chooseTempo(full, low, HOP);
    expect(r.steps?.[0]).toMatch(/^comb 9\d/);
    expect(r.steps?.some((s) => s.includes('at 3/2'))).toBe(true);
    expect(Math.abs(r.bpm / 140 - 1)).toBeLessThan(0.03);
  });
});
