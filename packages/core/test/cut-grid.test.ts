import { describe, expect, it } from 'vitest';
import { type AudioAnalysis, AudioAnalysis as AudioAnalysisSchema, cutGrid } from '../src/index.js';

const r3 = (t: number) => Math.round(t * 1000) / 1000;
const grid = (period: number, dur: number, from = 0) =>
  Array.from({ length: Math.floor((dur - from) / period) + 1 }, (_, i) => r3(from + i * period)).filter(
    (t) => t < dur,
  );

function song(over: Partial<AudioAnalysis> = {}): AudioAnalysis {
  const dur = 40;
  const beats = grid(0.5, dur);
  return AudioAnalysisSchema.parse({
    version: 1,
    durationSec: dur,
    bpm: 120,
    tempoConfidence: 0.8,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats,
    downbeats: beats.filter((_, i) => i % 4 === 0),
    sections: [
      { start: 0, end: 16, label: 'verse', energy: 0.5 },
      { start: 16, end: 40, label: 'chorus', energy: 0.9 },
    ],
    energy: { hopSec: 0.5, values: Array(80).fill(0.5) },
    ...over,
  });
}

/** A 3/4 song at `bpm`: a beat every 60 / bpm s, a bar line every third. */
function threeFour(bpm: number, over: Partial<AudioAnalysis> = {}): AudioAnalysis {
  const beats = grid(60 / bpm, 40);
  return song({
    bpm,
    meter: { beatsPerBar: 3, beatUnit: 4 },
    beats,
    downbeats: beats.filter((_, i) => i % 3 === 0),
    ...over,
  });
}

describe('cutGrid', () => {
  it('cuts on the analysed beats and bars when the analysis is sure of them', () => {
    const a = song({ alternative: { bpm: 60, confidence: 0.2, beats: grid(1, 40) } });
    const g = cutGrid(a);
    expect(g.level).toBe('beat');
    expect(g.points).toEqual(a.beats);
    expect(g.bars).toEqual(a.downbeats);
    expect(g.pointSec).toBeCloseTo(0.5, 6);
    expect(g.pointsPerBar).toBe(4);
    expect(g.why).toContain('on the beats');
  });

  it('stays on the beats when the runner-up is a 2:3 reading, however likely', () => {
    // On train material a 2:3 runner-up was never the better grid to cut on.
    const a = song({ alternative: { bpm: 180, confidence: 0.95, beats: grid(1 / 3, 40) } });
    const g = cutGrid(a);
    expect(g.level).toBe('beat');
    expect(g.points).toEqual(a.beats);
  });

  it('cuts on every other beat, the bar lines kept, when half the tempo is nearly as likely', () => {
    const a = song({ alternative: { bpm: 60, confidence: 0.8, beats: grid(1, 40) } });
    const g = cutGrid(a);
    expect(g.level).toBe('shared');
    expect(g.points).toEqual(grid(1, 40));
    expect(g.pointSec).toBeCloseTo(1, 6);
    // 4/4 bars every 2 s are all shared points: they stay the bar lines, two points a bar.
    expect(g.bars).toEqual(a.downbeats);
    expect(g.pointsPerBar).toBe(2);
    expect(g.why).toMatch(/runner-up tempo 60\.0 bpm at confidence 0\.80/);
    // Less sure of the runner-up: the beats.
    expect(cutGrid(song({ alternative: { bpm: 60, confidence: 0.4, beats: grid(1, 40) } })).level).toBe(
      'beat',
    );
  });

  it('keeps the bar lines the half-tempo grid meets in 3/4 (every other one)', () => {
    const a = threeFour(100, { alternative: { bpm: 50, confidence: 0.9, beats: grid(1.2, 40) } });
    const g = cutGrid(a);
    expect(g.level).toBe('shared');
    expect(g.points).toEqual(grid(1.2, 40));
    expect(g.bars).toEqual(grid(3.6, 40));
    expect(g.pointsPerBar).toBe(3);
  });

  it('stands shared points a bar apart in for bar lines the half-tempo grid misses', () => {
    // The runner-up's grid runs on the odd beats; the bar lines are on even ones.
    const a = song({ alternative: { bpm: 60, confidence: 0.9, beats: grid(1, 40, 0.5) } });
    const g = cutGrid(a);
    expect(g.level).toBe('shared');
    expect(g.points[0]).toBe(0.5);
    for (const b of g.bars) expect(g.points).toContain(b);
    expect(g.bars.slice(0, 3)).toEqual([0.5, 2.5, 4.5]);
  });

  it('cuts on the bar lines of a fast 3/4 grid: a waltz’s downbeats, or the beats of a slow 6/8 read at its eighths', () => {
    const a = threeFour(150);
    const g = cutGrid(a);
    expect(g.level).toBe('shared');
    expect(g.points).toEqual(a.downbeats);
    expect(g.bars).toEqual(a.downbeats);
    expect(g.pointsPerBar).toBe(1);
    expect(g.pointSec).toBeCloseTo(1.2, 6);
    expect(g.why).toContain('6/8');
  });

  it('cuts on every other bar line of a fast 3/4 grid when half its tempo is nearly as likely too', () => {
    // A beat under all three readings: the waltz, the slow 6/8 read at its eighths, a 3/4 read at double.
    const a = threeFour(150, { alternative: { bpm: 75, confidence: 0.7, beats: grid(0.8, 40) } });
    const g = cutGrid(a);
    expect(g.level).toBe('shared');
    expect(g.points).toEqual(grid(2.4, 40));
    expect(g.bars).toEqual(g.points);
    expect(g.pointsPerBar).toBe(1);
    expect(g.why).toContain('75.0 bpm grid meets');
  });

  it('keeps every beat of a slower 3/4 grid and of a compound reading', () => {
    // A waltz at 100 is no slow 6/8's eighths (those run at 120–210).
    const waltz = threeFour(100);
    expect(cutGrid(waltz).level).toBe('beat');
    expect(cutGrid(waltz).points).toEqual(waltz.beats);
    // Read as 6/8 already: its beats are the dotted beats.
    const fast = grid(0.4, 40);
    const compound = song({
      bpm: 150,
      meter: { beatsPerBar: 2, beatUnit: 8 },
      beats: fast,
      downbeats: fast.filter((_, i) => i % 2 === 0),
    });
    expect(cutGrid(compound).level).toBe('beat');
  });

  it('cuts on the music’s changes and the section starts when there is no steady beat', () => {
    const hop = 0.05;
    const values = Array(800).fill(0.05);
    // Swells at 5, 11.3, 23.7 and 31 s; a weaker one at 12.5 s sits too close to 11.3 to be kept.
    for (const [t, v] of [
      [5, 1],
      [11.3, 0.9],
      [12.5, 0.6],
      [23.7, 0.8],
      [31, 0.7],
    ] as const)
      for (let k = -3; k <= 3; k++) values[Math.round(t / hop) + k] = v * (1 - Math.abs(k) / 4);
    const a = song({ tempoConfidence: 0.05, onset: { hopSec: hop, values } });
    const g = cutGrid(a);
    expect(g.level).toBe('phrase');
    expect(g.points).toContain(16); // the chorus starts
    for (const t of [5, 11.3, 23.7, 31]) expect(g.points.some((p) => Math.abs(p - t) < 0.06)).toBe(true);
    expect(g.points.some((p) => Math.abs(p - 12.5) < 0.5)).toBe(false);
    const gaps = g.points.slice(1).map((p, i) => p - g.points[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2);
    expect(g.bars).toEqual(g.points);
    expect(g.pointsPerBar).toBe(1);
    expect(g.why).toContain('no steady beat');
  });

  it('falls back to the energy’s rises when there is no onset curve, and to phrases when there are no beats', () => {
    const values = Array(80).fill(0.2);
    for (let i = 50; i < 70; i++) values[i] = 0.9; // a loud passage from 25 s
    const a = song({ beats: [], downbeats: [], bpm: 0, tempoConfidence: 0, energy: { hopSec: 0.5, values } });
    const g = cutGrid(a);
    expect(g.level).toBe('phrase');
    expect(g.points.some((p) => Math.abs(p - 25) < 0.6)).toBe(true);
    expect(g.why).toContain('no beat grid');
  });
});
