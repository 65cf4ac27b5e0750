import { describe, expect, it } from 'vitest';
import { chooseBeatPhase } from '../src/dsp/reading.js';

/** Envelopes of `frames` frames with unit spikes at the given frames (times `gain`). */
function spikes(frames: number, at: number[], gain = 1): Float32Array {
  const x = new Float32Array(frames);
  for (const t of at) if (t < frames) x[t] = (x[t] as number) + gain;
  return x;
}

describe('chooseBeatPhase', () => {
  // A beat of 20 frames; the tracked grid runs at half tempo (40 frames) on the eighth before beats 2 and 4,
  // where a montuno-like figure is loudest, while the bass plays on the beats themselves.
  const frames = 4000;
  const grid = Array.from({ length: 90 }, (_, k) => 10 + 40 * k);
  const periodAt = new Float32Array(frames).fill(40);
  const beats = Array.from({ length: 200 }, (_, k) => 20 * k);
  const full = spikes(frames, grid, 2);
  for (const b of beats) full[b] = (full[b] as number) + 0.8;

  it('moves a half-tempo grid an eighth (¼ of its period) onto the bass', () => {
    const low = spikes(
      frames,
      beats.filter((_, k) => k % 2 === 1),
    );
    const phase = chooseBeatPhase(grid, full, low, periodAt);
    expect(phase.shift).toBe(1 / 4);
    expect(phase.beats.slice(0, 4)).toEqual([20, 60, 100, 140]);
  });

  it('keeps the grid where the bass agrees with it', () => {
    const low = spikes(frames, grid);
    const phase = chooseBeatPhase(grid, full, low, periodAt);
    expect(phase.shift).toBe(0);
    expect(phase.beats).toBe(grid);
  });
});
