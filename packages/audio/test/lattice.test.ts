import { describe, expect, it } from 'vitest';
import { holdLattice } from '../src/dsp/lattice.js';

const PERIOD = 40.3;
/** A steady grid of `n` beats (frames) whose beats `from`…`to` (exclusive) sit `offset` of a period late. */
function grid(n: number, from = 0, to = 0, offset = 0, jitter = 0): number[] {
  return Array.from({ length: n }, (_, k) => {
    const wobble = jitter * Math.sin(k * 2.7);
    return 12 + PERIOD * (k + (k >= from && k < to ? offset : 0)) + wobble;
  });
}

/** Onset support (the phase evidence) peaking at `points` (frames) and low elsewhere. */
const onsetsAt = (points: number[]) => (t: number) => (points.some((p) => Math.abs(p - t) < 1.5) ? 1 : 0.1);
const both = (at: (t: number) => number) => ({ phase: at, onset: at });

describe('holdLattice', () => {
  it('puts a passage slipped by a quarter beat back on the song lattice', () => {
    const slipped = grid(120, 40, 70, -0.25, 0.6);
    const r = holdLattice(slipped);
    expect(r.moved).toBe(30);
    const truth = grid(120);
    expect(r.beats).toHaveLength(truth.length);
    for (const [k, b] of r.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1.5);
  });

  it('puts a passage on the off-beat back, even when it is nearly half the song', () => {
    const slipped = grid(100, 30, 78, 0.5);
    const r = holdLattice(slipped);
    expect(r.moved).toBe(48);
    const truth = grid(100);
    for (const [k, b] of r.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1);
  });

  it('keeps the larger part where it is and moves the rest onto it', () => {
    // 60 beats half a beat late between 20 on time at either end: the late ones are the lattice.
    const r = holdLattice(grid(100, 20, 80, 0.5));
    expect(r.moved).toBe(40);
    const late = grid(100, 0, 100, 0.5);
    for (const b of r.beats) expect(Math.min(...late.map((t) => Math.abs(t - b)))).toBeLessThan(1);
  });

  it('leaves a tempo that drifts away from any one lattice', () => {
    // 3 % faster by the end: the offset from any straight lattice changes beat by beat.
    const drifting: number[] = [];
    let t = 10;
    for (let k = 0; k < 140; k++) {
      drifting.push(t);
      t += PERIOD * (1 - (0.03 * k) / 140);
    }
    const r = holdLattice(drifting);
    expect(r.moved).toBe(0);
    expect(r.beats).toBe(drifting);
  });

  it("puts a long passage at the song's start or end back (a slip the tracker never undid)", () => {
    const truth = grid(100);
    // The first 40 beats on the off-beat: the lattice from the first lattice point after the first beat.
    const start = holdLattice(grid(100, 0, 40, 0.5));
    expect(start.moved).toBe(40);
    expect(start.beats).toHaveLength(99);
    for (const [k, b] of start.beats.entries())
      expect(Math.abs(b - (truth[k + 1] as number))).toBeLessThan(1);
    // The last 30 a quarter beat late: to the last lattice point before the last beat.
    const end = holdLattice(grid(100, 70, 100, 0.25));
    expect(end.moved).toBe(30);
    expect(end.beats).toHaveLength(100);
    for (const [k, b] of end.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1);
  });

  it('puts back a beat the tracker pulled early in every bar (a syncopated push), and a short slip', () => {
    const truth = grid(200);
    const pushed = truth.map((b, k) => (k > 60 && k < 92 && k % 4 === 3 ? b - 0.17 * PERIOD : b));
    const r = holdLattice(pushed);
    expect(r.moved).toBe(8);
    for (const [k, b] of r.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1);
    expect(holdLattice(grid(100, 40, 46, 0.5)).moved).toBe(6);
  });

  it('leaves a short slip at the end of the song (the tempo may be settling there)', () => {
    expect(holdLattice(grid(100, 88, 100, 0.5)).moved).toBe(0);
  });

  it('leaves an unsteady grid and a short song', () => {
    const rubato = grid(100).map((b, k) => b + (k % 3 === 0 ? 9 : 0));
    expect(holdLattice(rubato).moved).toBe(0);
    expect(holdLattice(grid(20, 8, 16, 0.5)).moved).toBe(0);
  });

  it('moves a passage the shape rules leave when the lattice lands on stronger onsets than its beats', () => {
    const truth = grid(100);
    // The first 12 beats on the off-beat: too short for the edge rule alone.
    const intro = grid(100, 0, 12, 0.5);
    expect(holdLattice(intro).moved).toBe(0);
    const moved = holdLattice(intro, both(onsetsAt(truth)));
    expect(moved.moved).toBe(12);
    for (const [k, b] of moved.beats.entries())
      expect(Math.abs(b - (truth[k + 1] as number))).toBeLessThan(1);
    // The music's own onsets on those beats (a pickup played off the beat): they stay.
    expect(holdLattice(intro, both(onsetsAt(intro))).moved).toBe(0);
    // A passage inside whose offset drifts from a fifth to nearly half a beat (no one slip).
    const drift = truth.map((b, k) => (k >= 40 && k < 60 ? b + PERIOD * (0.2 + 0.0125 * (k - 40)) : b));
    expect(holdLattice(drift).moved).toBe(0);
    const back = holdLattice(drift, both(onsetsAt(truth)));
    expect(back.moved).toBe(20);
    for (const [k, b] of back.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1);
    expect(holdLattice(drift, both(onsetsAt(drift))).moved).toBe(0);
  });

  it('takes back the slips of a less steady grid only where both kinds of onset evidence sit on the lattice', () => {
    const truth = grid(144);
    // Every 24 beats: 16 on the lattice, one a quarter late, seven half a beat late (a grid at half tempo
    // slipping at each change of groove): 3 uneven intervals in 24, too unsteady for the shape rules.
    const slipping = truth.map((b, k) => b + PERIOD * (k % 24 === 16 ? 0.25 : k % 24 > 16 ? 0.5 : 0));
    expect(holdLattice(slipping).moved).toBe(0);
    const r = holdLattice(slipping, both(onsetsAt(truth)));
    expect(r.moved).toBe(48);
    for (const [k, b] of r.beats.entries()) expect(Math.abs(b - (truth[k] as number))).toBeLessThan(1);
    // The bass-weighted evidence on the lattice but the full band on the slipped beats: they stay.
    expect(holdLattice(slipping, { phase: onsetsAt(truth), onset: onsetsAt(slipping) }).moved).toBe(0);
  });
});
