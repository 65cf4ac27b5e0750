import type { AudioAnalysis, DetectedCut, ShotMeasure } from '@beatframe/core';
import type { DecodedVideo } from './decode.js';
import type { IntegrityResult } from './integrity.js';
import { clamp01, mean, pearson, sampleAt, smooth, spearman } from './stats.js';

/** Frame indices whose change is an edit, not motion: hard cuts and the frames of gradual transitions. */
function editFrames(cuts: DetectedCut[], n: number): Set<number> {
  const out = new Set<number>();
  for (const c of cuts) {
    if (c.kind === 'hard') {
      out.add(c.frame);
      if (c.frame + 1 < n) out.add(c.frame + 1);
    } else {
      const half = Math.ceil((c.spanFrames ?? 1) / 2);
      for (let k = c.frame - half; k <= c.frame + half; k++) if (k >= 0 && k < n) out.add(k);
    }
  }
  return out;
}

/** Per-frame motion (mean luma change) with edits replaced by the last motion value. */
export function motionPerFrame(v: DecodedVideo, cuts: DetectedCut[]): number[] {
  const skip = editFrames(cuts, v.frames.length);
  const out: number[] = [];
  let last = 0;
  v.frames.forEach((f, i) => {
    if (i > 0 && !skip.has(i)) last = f.diff;
    out.push(last);
  });
  return out;
}

export interface MotionEnergyResult {
  hopSec: number;
  /** Motion, resampled and smoothed, normalised 0…1 by its own maximum. */
  motion: number[];
  /** Music energy at the same times (shifted by the audio offset), smoothed. */
  energy: number[];
  /** Best Pearson correlation within the lag search, NaN when a curve is flat. */
  correlation: number;
  spearman: number;
  /** Lag of the best correlation, seconds (positive: the picture follows the music late). */
  lagSec: number;
}

/**
 * Motion energy against the music's energy: both on a 0.1 s grid, smoothed over ±1 s, correlated at lags
 * within ±maxLagSec (the picture may answer the music a little late or early).
 */
export function motionVsEnergy(
  motionFrames: number[],
  fps: number,
  analysis: AudioAnalysis,
  offsetSec: number,
  opts: { hopSec?: number; smoothSec?: number; maxLagSec?: number } = {},
): MotionEnergyResult {
  const hop = opts.hopSec ?? 0.1;
  const count = Math.max(1, Math.floor(motionFrames.length / fps / hop));
  const rawMotion: number[] = [];
  for (let k = 0; k < count; k++) {
    const a = Math.floor(k * hop * fps);
    const b = Math.max(a + 1, Math.floor((k + 1) * hop * fps));
    rawMotion.push(mean(motionFrames.slice(a, b)));
  }
  const radius = Math.max(1, Math.round((opts.smoothSec ?? 1) / hop));
  const motion = smooth(rawMotion, radius);
  const rawEnergy = Array.from({ length: count }, (_, k) =>
    sampleAt(analysis.energy.values, analysis.energy.hopSec, (k + 0.5) * hop - offsetSec),
  );
  const energy = smooth(rawEnergy, radius);
  const maxLag = Math.round((opts.maxLagSec ?? 0.5) / hop);
  let best = Number.NaN;
  let bestLag = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const m: number[] = [];
    const e: number[] = [];
    for (let k = 0; k < count; k++) {
      const j = k - lag;
      if (j < 0 || j >= count) continue;
      m.push(motion[k]!);
      e.push(energy[j]!);
    }
    const c = pearson(m, e);
    if (!Number.isNaN(c) && (Number.isNaN(best) || c > best)) {
      best = c;
      bestLag = lag;
    }
  }
  const m: number[] = [];
  const e: number[] = [];
  for (let k = 0; k < count; k++) {
    const j = k - bestLag;
    if (j >= 0 && j < count) {
      m.push(motion[k]!);
      e.push(energy[j]!);
    }
  }
  const maxM = Math.max(1e-9, ...motion);
  return {
    hopSec: hop,
    motion: motion.map((x) => round4(x / maxM)),
    energy: energy.map(round4),
    correlation: best,
    spearman: Number.isNaN(best) ? Number.NaN : spearman(m, e),
    lagSec: round4(bestLag * hop),
  };
}

/** Mean frame change (0…1) mapped to 0…1 intensity; 0.03 mean luma change per frame is already lively. */
export function motionIntensity(motion: number): number {
  return clamp01(1 - Math.exp(-motion / 0.03));
}

/**
 * Heuristic visual intensity of a shot, the mood proxy used without a vision model: mostly motion, then
 * saturation, brightness and warmth (calm shots tend to be still, dim, muted and cool).
 */
export function arousalOf(m: {
  motion: number;
  brightness: number;
  saturation: number;
  warmth: number;
}): number {
  return clamp01(
    0.55 * motionIntensity(m.motion) + 0.15 * m.saturation + 0.15 * m.brightness + 0.15 * m.warmth,
  );
}

/** Splits the video at the detected boundaries and measures each shot and the music under it. */
export function measureShots(
  v: DecodedVideo,
  cuts: DetectedCut[],
  motionFrames: number[],
  integrity: IntegrityResult,
  analysis: AudioAnalysis,
  offsetSec: number,
): ShotMeasure[] {
  const n = v.frames.length;
  const bounds = [0, ...cuts.map((c) => c.frame).filter((f) => f > 0 && f < n), n];
  // Energy relative to this song's own range: analysers scale loudness differently, and "loud" means
  // loud for this song.
  const sorted = [...analysis.energy.values].sort((x, y) => x - y);
  const lo = sorted[Math.floor(0.05 * (sorted.length - 1))] ?? 0;
  const hi = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 1;
  const relative = (e: number) => (hi - lo >= 0.05 ? clamp01((e - lo) / (hi - lo)) : e);
  const shots: ShotMeasure[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const a = bounds[s]!;
    const b = bounds[s + 1]!;
    if (b <= a) continue;
    const fr = v.frames.slice(a, b);
    const startSec = a / v.fps;
    const endSec = b / v.fps;
    const songFrom = startSec - offsetSec;
    const songTo = endSec - offsetSec;
    const energySamples: number[] = [];
    for (let t = songFrom; t < songTo; t += analysis.energy.hopSec)
      energySamples.push(sampleAt(analysis.energy.values, analysis.energy.hopSec, t));
    let section: { label: string; overlap: number } | undefined;
    for (const sec of analysis.sections) {
      const overlap = Math.min(sec.end, songTo) - Math.max(sec.start, songFrom);
      if (overlap > 0 && (!section || overlap > section.overlap)) section = { label: sec.label, overlap };
    }
    const measure = {
      brightness: round4(mean(fr.map((f) => f.luma))),
      saturation: round4(mean(fr.map((f) => f.saturation))),
      warmth: round4(clamp01(0.5 + 0.5 * mean(fr.map((f) => f.warmth)) * 2)),
      motion: round4(mean(motionFrames.slice(Math.min(b - 1, a + 1), b))),
    };
    const share = (flags: boolean[]) => flags.slice(a, b).filter(Boolean).length / (b - a);
    shots.push({
      index: shots.length,
      startSec: round4(startSec),
      endSec: round4(endSec),
      ...(section ? { sectionLabel: section.label } : {}),
      ...(energySamples.length ? { musicEnergy: round4(relative(mean(energySamples))) } : {}),
      ...measure,
      arousal: round4(arousalOf(measure)),
      blackShare: round4(share(integrity.black)),
      frozenShare: round4(share(integrity.frozen)),
    });
  }
  return shots;
}

/**
 * How well the shots' visual intensity follows the music's energy: duration-weighted correlation across
 * shots (NaN with fewer than three shots or flat music).
 */
export function moodEnergyCorrelation(shots: ShotMeasure[]): number {
  const withEnergy = shots.filter((s) => s.musicEnergy !== undefined);
  return pearson(
    withEnergy.map((s) => s.arousal),
    withEnergy.map((s) => s.musicEnergy!),
    withEnergy.map((s) => s.endSec - s.startSec),
  );
}

/** Coefficient of variation of shot lengths (0 when there are fewer than two shots). */
export function shotLengthCv(shots: ShotMeasure[]): number {
  if (shots.length < 2) return 0;
  const lens = shots.map((s) => s.endSec - s.startSec);
  const m = mean(lens);
  const sd = Math.sqrt(mean(lens.map((l) => (l - m) ** 2)));
  return m > 0 ? round4(sd / m) : 0;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
