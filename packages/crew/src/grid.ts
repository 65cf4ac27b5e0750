import { type AudioAnalysis, cutGrid, type Section } from '@beatframe/core';

/** Cut points closer than this to the song's start or end would leave slivers of shots. */
const EDGE_GAP_SEC = 0.5;

/**
 * The bar grid of a song: the downbeats a cut may fall on, plus the median bar length.
 * Falls back to every `beatsPerBar`-th beat, then to a fixed 4-second grid (silence, no tempo).
 */
export interface BarGrid {
  /** Candidate cut times, strictly inside (0, duration), ascending. */
  points: number[];
  barSec: number;
  /** What the points are: bar lines from the analysis, derived from beats, or a fixed grid. */
  source: 'downbeats' | 'beats' | 'fixed';
}

export function barGrid(analysis: AudioAnalysis): BarGrid {
  const dur = analysis.durationSec;
  const inside = (ts: number[]) =>
    [...new Set(ts)].filter((t) => t > EDGE_GAP_SEC && t < dur - EDGE_GAP_SEC).sort((a, b) => a - b);
  // Bar lines of the level the edit will cut on, so scenes and shots fall where the editor cuts.
  const cut = cutGrid(analysis);
  let points = inside(cut.bars);
  let source: BarGrid['source'] = 'downbeats';
  if (points.length < 2 && cut.points.length >= cut.pointsPerBar * 2) {
    points = inside(cut.points.filter((_, i) => i % cut.pointsPerBar === 0));
    source = 'beats';
  }
  if (points.length < 2) {
    const step = 4;
    points = inside(Array.from({ length: Math.floor(dur / step) }, (_, i) => (i + 1) * step));
    source = 'fixed';
  }
  const gaps = points.slice(1).map((t, i) => t - (points[i] as number));
  const barSec =
    gaps.length > 0
      ? (gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number)
      : analysis.bpm > 0
        ? (60 / analysis.bpm) * analysis.meter.beatsPerBar
        : 4;
  return { points, barSec, source };
}

/** The grid point nearest to `t`, or undefined when the grid is empty. */
export function nearest(points: number[], t: number): number | undefined {
  let best: number | undefined;
  for (const p of points) if (best === undefined || Math.abs(p - t) < Math.abs(best - t)) best = p;
  return best;
}

/** Sections sorted, clipped to the song, and never empty: a song without sections is one section. */
export function normalizedSections(analysis: AudioAnalysis): Array<Section & { index: number }> {
  const dur = analysis.durationSec;
  const sorted = analysis.sections
    .map((s, index) => ({ ...s, index }))
    .filter((s) => s.end > s.start && s.start < dur)
    .sort((a, b) => a.start - b.start);
  if (sorted.length === 0) return [{ start: 0, end: dur, label: 'instrumental', energy: 0.5, index: 0 }];
  return sorted;
}

/** Mean of the energy curve between two times (falls back to `fallback` when the curve is empty there). */
export function meanEnergy(analysis: AudioAnalysis, start: number, end: number, fallback: number): number {
  const { hopSec, values } = analysis.energy;
  const i0 = Math.max(0, Math.floor(start / hopSec));
  const i1 = Math.min(values.length, Math.ceil(end / hopSec));
  if (i1 <= i0) return fallback;
  let sum = 0;
  for (let i = i0; i < i1; i++) sum += values[i] ?? 0;
  return Math.min(1, Math.max(0, sum / (i1 - i0)));
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
