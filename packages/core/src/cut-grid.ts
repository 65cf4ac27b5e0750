import type { AudioAnalysis } from './schemas/music.js';

/**
 * How sure the edit can be of the beat, and so what it cuts on:
 * - `beat`: the analysed beats and bar lines;
 * - `shared`: the analysis hesitates between two tempo octaves, so only the points where its beats and
 *   the runner-up's agree (every other beat when the runner-up is half the tempo): a cut there is on the
 *   beat under either reading; and a fast triple grid (a waltz's beat, or the eighths of a slow 6/8 or
 *   12/8) cuts on its bar lines, which are beats under both;
 * - `phrase`: no steady beat (ambient, rubato): cuts on the music's strongest changes and the section
 *   starts, never on a guessed grid, and no beat effects.
 */
export type CutLevel = 'beat' | 'shared' | 'phrase';

export interface CutGrid {
  level: CutLevel;
  /** Times a cut may fall on, ascending, from 0 to the song's end. */
  points: number[];
  /** Bar lines among them (where sections change), ascending; may be empty (no downbeats analysed). */
  bars: number[];
  /** Typical spacing of `points` in seconds. */
  pointSec: number;
  /** Points per bar (1 on the phrase level). */
  pointsPerBar: number;
  /** One line for the decision log: the level and what chose it. */
  why: string;
}

export interface CutGridOptions {
  /** Below this tempo confidence there is no steady beat to cut on (phrase level). */
  phraseBelow?: number;
  /** From this runner-up confidence on, cut where both readings agree (shared level). */
  sharedFrom?: number;
  /** From this tempo on, a 3/4 grid cuts on its bar lines (shared level). */
  tripleBarsFrom?: number;
}

/**
 * Defaults chosen on train material only (packages/audio/bench/diag-steady.ts, diag-cut-grid.ts): pads,
 * speech and freely played notes score 0.11–0.23, and the 11 of 561 train songs below PHRASE_BELOW had
 * 0.28 of their beats on a true beat (0.94 for the others); from a runner-up octave at SHARED_FROM the
 * shared points are on true beats more often than the analysed beats (0.875 → 0.90 a song).
 */
export const PHRASE_BELOW = 0.25;
export const SHARED_FROM = 0.5;
/**
 * From this tempo a grid of 3 beats a bar may be the eighths of a slow 6/8 or 12/8 (a dotted beat of 40–70
 * bpm) as well as a waltz's beat, and nothing the analysis measures tells the two apart
 * (packages/audio/docs/tuning-log.md: sessions 11–24). On 561 train songs
 * (packages/audio/bench/diag-cut-grid.ts), of the 3/4 grids at this tempo or more, the 50 at the right
 * tempo had 0.971 of their beats and of their bar lines on a true beat; the 8 at a slow 6/8's eighths 0.337
 * of their beats and 1.000 of their bar lines (the cut points: 0.338 → 1.000 a song; all train songs' 0.923
 * → 0.934, bar lines unchanged).
 */
export const TRIPLE_BARS_FROM = 120;
/** Phrase points at least this far apart (seconds): about a phrase of speech or a slow bar. */
const PHRASE_GAP_SEC = 2;

export function cutGrid(analysis: AudioAnalysis, opts: CutGridOptions = {}): CutGrid {
  const phraseBelow = opts.phraseBelow ?? PHRASE_BELOW;
  const sharedFrom = opts.sharedFrom ?? SHARED_FROM;
  const tripleFrom = opts.tripleBarsFrom ?? TRIPLE_BARS_FROM;
  const dur = analysis.durationSec;
  // From 0 on (a beat at 0 keeps its place in the count: every 4th beat is still a bar line).
  const inside = (ts: number[]) => [...new Set(ts)].filter((t) => t >= 0 && t < dur).sort((a, b) => a - b);
  const beats = inside(analysis.beats);
  const bars = inside(analysis.downbeats);
  const beatSec = analysis.bpm > 0 ? 60 / analysis.bpm : medianGap(beats, 0.5);
  const perBar = analysis.meter.beatsPerBar || 4;
  const conf = analysis.tempoConfidence;

  if (beats.length < 4 || conf < phraseBelow) {
    const points = phrasePoints(analysis);
    const why =
      beats.length < 4
        ? `no beat grid (${beats.length} beats): cuts on the music's changes`
        : `tempo confidence ${conf.toFixed(2)} < ${phraseBelow}: no steady beat, cuts on the music's changes and section starts`;
    return {
      level: 'phrase',
      points,
      bars: points,
      pointSec: medianGap(points, PHRASE_GAP_SEC),
      pointsPerBar: 1,
      why,
    };
  }

  const alt = analysis.alternative;
  // Only another octave: on train material a half-tempo runner-up at 0.5 or more was right often enough
  // to win cut precision (11 songs of 76 gained, 1 lost); a 2:3 one hardly (0 of 23 gained, 1 of 26
  // class renders), and a point every 3 beats breaks a 4/4 song's phrasing.
  const octave =
    alt !== undefined && analysis.bpm > 0 && Math.abs(Math.abs(Math.log2(alt.bpm / analysis.bpm)) - 1) < 0.1;
  const likelyOctave =
    alt && octave && alt.confidence >= sharedFrom && alt.beats.length >= 2 ? alt : undefined;
  const tol = Math.min(0.07, beatSec * 0.2);
  /** The times of `ts` the other grid also has (within `tol`). */
  const onAlt = (ts: number[], other: number[]) => {
    const sorted = [...other].sort((a, b) => a - b);
    return ts.filter((t) => Math.abs((nearestOf(sorted, t) ?? Number.POSITIVE_INFINITY) - t) <= tol);
  };

  if (perBar === 3 && analysis.meter.beatUnit === 4 && analysis.bpm >= tripleFrom && bars.length >= 4) {
    // With half the tempo nearly as likely too, only the bar lines that grid meets: every other one, a
    // beat under all three readings (a waltz, a slow 6/8's eighths, a 3/4 read at double).
    const met = likelyOctave ? onAlt(bars, likelyOctave.beats) : [];
    const onMet = met.length >= 4;
    const points = onMet ? met : bars;
    return {
      level: 'shared',
      points,
      bars: points,
      pointSec: medianGap(points, beatSec * 3),
      pointsPerBar: 1,
      why: `3/4 at ${analysis.bpm.toFixed(1)} bpm ≥ ${tripleFrom}: a waltz's beat or a slow 6/8's eighths (${(analysis.bpm / 3).toFixed(1)} bpm), cuts on the bar lines${onMet ? ` the runner-up's ${likelyOctave?.bpm.toFixed(1)} bpm grid meets (${met.length} of ${bars.length})` : ''}, beats under either reading`,
    };
  }

  if (likelyOctave) {
    const shared = onAlt(beats, likelyOctave.beats);
    if (shared.length >= 4) {
      const pointSec = medianGap(shared, beatSec);
      // The bar lines both readings meet on; when they meet on fewer than two, shared points a bar apart.
      const sharedBars = bars.filter((b) => shared.includes(b));
      const barSec = beatSec * perBar;
      const per = Math.max(1, Math.round(barSec / pointSec));
      const keptBars = sharedBars.length >= 2 ? sharedBars : shared.filter((_, i) => i % per === 0);
      return {
        level: 'shared',
        points: shared,
        bars: keptBars,
        pointSec,
        pointsPerBar: Math.max(1, Math.round(medianGap(keptBars, barSec) / pointSec)),
        why: `runner-up tempo ${likelyOctave.bpm.toFixed(1)} bpm at confidence ${likelyOctave.confidence.toFixed(2)} ≥ ${sharedFrom} against ${analysis.bpm.toFixed(1)}: cuts where both grids agree (${shared.length} of ${beats.length} beats)`,
      };
    }
  }

  return {
    level: 'beat',
    points: beats,
    bars,
    pointSec: beatSec,
    pointsPerBar: perBar,
    why: `tempo ${analysis.bpm.toFixed(1)} bpm at confidence ${conf.toFixed(2)}${alt ? ` (runner-up ${alt.bpm.toFixed(1)} at ${alt.confidence.toFixed(2)})` : ''}: cuts on the beats`,
  };
}

/**
 * Where the music changes most: peaks of the onset curve (the energy's rise when there is none), the
 * strongest first, at least PHRASE_GAP_SEC apart, plus every section start.
 */
function phrasePoints(analysis: AudioAnalysis): number[] {
  const dur = analysis.durationSec;
  const curve = analysis.onset?.values.length ? analysis.onset : rise(analysis.energy);
  const { hopSec, values } = curve;
  // Smooth over ~0.25 s so a phrase's attack counts, not a single transient.
  const r = Math.max(1, Math.round(0.125 / hopSec));
  const smooth = values.map((_, i) => {
    let s = 0;
    let n = 0;
    for (let k = Math.max(0, i - r); k <= Math.min(values.length - 1, i + r); k++) {
      s += values[k] ?? 0;
      n++;
    }
    return s / n;
  });
  const peaks: Array<{ t: number; v: number }> = [];
  for (let i = 1; i < smooth.length - 1; i++) {
    const v = smooth[i] as number;
    if (v > 0 && v >= (smooth[i - 1] as number) && v > (smooth[i + 1] as number))
      peaks.push({ t: i * hopSec, v });
  }
  const starts = analysis.sections.map((s) => s.start).filter((t) => t > 0.5 && t < dur - 0.5);
  const chosen: number[] = [...starts];
  for (const p of peaks.sort((a, b) => b.v - a.v)) {
    if (p.t < 0.5 || p.t > dur - 0.5) continue;
    if (chosen.every((c) => Math.abs(c - p.t) >= PHRASE_GAP_SEC)) chosen.push(p.t);
  }
  return chosen.map((t) => Math.round(t * 1000) / 1000).sort((a, b) => a - b);
}

/** The energy's rise (half-wave rectified difference) as a stand-in onset curve. */
function rise(energy: AudioAnalysis['energy']): AudioAnalysis['energy'] {
  const v = energy.values;
  return { hopSec: energy.hopSec, values: v.map((x, i) => Math.max(0, x - (v[i - 1] ?? x))) };
}

function medianGap(ts: number[], fallback: number): number {
  const gaps = ts
    .slice(1)
    .map((t, i) => t - (ts[i] as number))
    .sort((a, b) => a - b);
  return gaps.length ? (gaps[Math.floor(gaps.length / 2)] as number) : fallback;
}

function nearestOf(sorted: number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  const a = sorted[lo] as number;
  const b = sorted[lo - 1];
  return b !== undefined && Math.abs(b - t) < Math.abs(a - t) ? b : a;
}
