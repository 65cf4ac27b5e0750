import { describe, expect, it } from 'vitest';
import { switchesParity } from '../src/dsp/level.js';

// A full grid every 20 frames; half grids every 40 frames laid on it.
const full = Array.from({ length: 120 }, (_, k) => 20 * k);
const periodAt = new Float32Array(2400).fill(20);
const every = (from: number, count: number, offset = 0) =>
  Array.from({ length: count }, (_, k) => 20 * from + 40 * k + offset);

describe('switchesParity', () => {
  it('finds a half grid that leaves the even beats for the odd and comes back', () => {
    const half = [...every(0, 15), ...every(31, 15), ...every(60, 15)];
    expect(switchesParity(half, full, periodAt)).toBe(true);
  });

  it('keeps a half grid that holds one parity', () => {
    expect(switchesParity(every(1, 55), full, periodAt)).toBe(false);
    // One passage on the other parity and no return: a single switch is not a wandering grid.
    expect(switchesParity([...every(0, 30), ...every(61, 25)], full, periodAt)).toBe(false);
  });

  it('says nothing about a half grid off the full grid (its parities are not the full grid’s)', () => {
    const half = [...every(0, 15, 8), ...every(31, 15, 8), ...every(60, 15, 8)];
    expect(switchesParity(half, full, periodAt)).toBe(false);
  });

  it('needs the rarer parity to hold a real share, not a stray beat or two', () => {
    const half = [...every(0, 26), 20 * 53, ...every(56, 2), 20 * 61, ...every(62, 25)];
    expect(switchesParity(half, full, periodAt)).toBe(false);
  });
});
