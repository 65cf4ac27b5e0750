import { describe, expect, it } from 'vitest';
import { trackBeats, trimBeats } from '../src/dsp/beats.js';
import { trackedAlongPath } from '../src/dsp/level.js';

// A beat of 30 frames on a steady path. Every 16 beats the accent moves between the beat and its
// off-beat (a march's oom and pah trading places).
const frames = 8000;
const period = 30;
const periodAt = new Float32Array(frames).fill(period);

/** Onsets on the beat (every `beat` frames) and half-way, their heights by beat number. */
function groove(beat: number, heights: (k: number) => [number, number]): Float32Array {
  const env = new Float32Array(frames);
  for (let k = 0; (k + 1) * beat < frames - 2; k++) {
    const [on, off] = heights(k);
    const t = Math.round(k * beat);
    env[t] = (env[t] as number) + on;
    const u = Math.round(t + beat / 2);
    env[u] = (env[u] as number) + off;
  }
  return env;
}
const trading = (k: number): [number, number] => (Math.floor(k / 16) % 2 === 1 ? [0.3, 1.2] : [1, 0.3]);
/** Beats per path beat over the grid's span, less one. */
const extra = (beats: number[]) =>
  (beats.length - 1) / (((beats.at(-1) as number) - (beats[0] as number)) / period) - 1;

describe('trackedAlongPath', () => {
  it('tracks again, strictly, a grid that slips between the beat and the off-beat and gains beats', () => {
    const env = groove(period, trading);
    const loose = trimBeats(trackBeats(env, periodAt), env, periodAt);
    expect(extra(loose)).toBeGreaterThan(0.01);
    const beats = trackedAlongPath(env, periodAt);
    expect(Math.abs(extra(beats))).toBeLessThan(0.003);
    // The loose grid slips half a beat forward at every change of accent; the strict one moves to one
    // phase once, in one run of short intervals, and holds it.
    const offPeriod = (grid: number[]) =>
      grid
        .slice(1)
        .map((_, i) => i)
        .filter((i) => Math.abs((grid[i + 1] as number) - (grid[i] as number) - period) > 1);
    expect(offPeriod(loose).length).toBeGreaterThan(30);
    const moves = offPeriod(beats);
    expect(moves.length).toBeLessThanOrEqual(6);
    expect((moves.at(-1) ?? 0) - (moves[0] ?? 0)).toBe(moves.length - 1);
  });

  it('keeps the first grid where the music runs faster than the path (both follow the music)', () => {
    const env = groove(period * 0.98, () => [1, 0.9]);
    const loose = trimBeats(trackBeats(env, periodAt), env, periodAt);
    expect(extra(loose)).toBeGreaterThan(0.015);
    expect(trackedAlongPath(env, periodAt)).toEqual(loose);
  });
});
