import type { DetectedCut } from '@beatframe/core';
import type { DecodedVideo } from './decode.js';
import { HIST_BINS } from './decode.js';
import { median } from './stats.js';

export interface CutDetectionOptions {
  /** A hard cut's frame distance must exceed this, whatever the surroundings (0…1). */
  minHardDistance?: number;
  /** …and be this many times the typical distance around it (the adaptive part). */
  adaptiveRatio?: number;
  /** Window either side used for the typical distance, seconds. */
  windowSec?: number;
  /** A gradual transition must change the picture at least this much (histogram distance, 0…1). */
  minGradualDistance?: number;
  /** Span of a gradual transition looked for, seconds (either side of its middle). */
  gradualHalfSpanSec?: number;
}

/** Half the L1 distance of two normalised RGB histograms: 0 same colours … 1 no colour in common. */
export function histDistance(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / 6; // three channels, each half-L1 in 0…1
}

function thumbDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length / 255;
}

/** Distance of two frames 0…1: colour change and structure change, whichever says more. */
export function frameDistance(v: DecodedVideo, i: number, j: number): number {
  const h = histDistance(v.hist[i]!, v.hist[j]!);
  const p = thumbDistance(v.thumbs[i]!, v.thumbs[j]!);
  return Math.max(h, Math.min(1, 2.5 * p));
}

/**
 * Finds shot boundaries. A hard cut is a frame whose distance from the previous one is large in absolute
 * terms and large against the frames around it (so fast motion does not count); a flash (the picture
 * returns within three frames, or within half a second after a brightening flash) is not a cut. A gradual transition (dissolve, fade, wipe) is a place where
 * frames half a second apart differ a lot while no single step does: its middle is reported as the boundary.
 */
export function detectCuts(v: DecodedVideo, opts: CutDetectionOptions = {}): DetectedCut[] {
  const n = v.frames.length;
  const fps = v.fps;
  const minHard = opts.minHardDistance ?? 0.18;
  const ratio = opts.adaptiveRatio ?? 3;
  const win = Math.max(3, Math.round((opts.windowSec ?? 0.5) * fps));
  const d = new Float64Array(n);
  for (let i = 1; i < n; i++) d[i] = frameDistance(v, i - 1, i);

  const hard: DetectedCut[] = [];
  // Frames inside a flash (from the flash to the picture's return): no gradual transition is measured from them.
  const flashed = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    const di = d[i]!;
    // Inside a flash found earlier, the decay's steps are not cuts.
    if (di < minHard || flashed[i]) continue;
    const around: number[] = [];
    for (let k = Math.max(1, i - win); k <= Math.min(n - 1, i + win); k++)
      if (Math.abs(k - i) > 1) around.push(d[k]!);
    const typical = median(around);
    if (di < ratio * typical + 0.02) continue;
    // Strongest step among direct neighbours wins (a cut encoded over two frames counts once).
    if (d[i - 1]! > di || (i + 1 < n && d[i + 1]! >= di)) continue;
    // Flash or single glitch frame: the frame before comes back within three frames. A flash that
    // brightens and decays (a beat flash effect) may take up to half a second to give the picture back.
    let flash = false;
    const brighter = v.frames[i]!.luma - v.frames[i - 1]!.luma > 0.1;
    const look = brighter ? Math.max(3, Math.round(0.5 * fps)) : 3;
    for (let k = i + 1; k <= Math.min(n - 1, i + look) && !flash; k++)
      if (frameDistance(v, i - 1, k) < (k - i <= 3 ? 0.35 : 0.45) * di) {
        flash = true;
        // The decay runs on a little past the return.
        for (let q = i; q < Math.min(n, k + 4); q++) flashed[q] = 1;
      }
    // …or this frame looks like one just before the previous: the end of a flash.
    for (let k = Math.max(0, i - 4); k <= i - 2; k++) if (frameDistance(v, k, i) < 0.35 * di) flash = true;
    if (flash) continue;
    hard.push({ frame: i, timeSec: i / fps, kind: 'hard', strength: round3(di) });
  }

  // Gradual transitions: distance between frames `half` before and after, peaked, with no hard cut inside.
  const half = Math.max(2, Math.round((opts.gradualHalfSpanSec ?? 0.4) * fps));
  const minGradual = opts.minGradualDistance ?? 0.3;
  const wide = new Float64Array(n);
  for (let i = half; i + half < n; i++) {
    let a = i - half;
    let b = i + half;
    while (a > 0 && flashed[a] && i - a < 2 * half) a--;
    while (b < n - 1 && flashed[b] && b - i < 2 * half) b++;
    wide[i] = histDistance(v.hist[a]!, v.hist[b]!);
  }
  const gradual: DetectedCut[] = [];
  for (let i = half; i + half < n; i++) {
    const w = wide[i]!;
    if (w < minGradual) continue;
    let peak = true;
    for (let k = i - half; k <= i + half; k++) if (wide[k]! > w || (wide[k] === w && k < i)) peak = false;
    if (!peak) continue;
    if (hard.some((c) => Math.abs(c.frame - i) <= half + 1)) continue;
    // The change must be spread: no single step carries most of it (that would be a missed hard cut or motion).
    let maxStep = 0;
    let sumStep = 0;
    for (let k = i - half + 1; k <= i + half; k++) {
      const s = histDistance(v.hist[k - 1]!, v.hist[k]!);
      maxStep = Math.max(maxStep, s);
      sumStep += s;
    }
    if (maxStep > 0.5 * sumStep || sumStep < 0.8 * w) continue;
    // Span: frames around the middle where steps are above a third of the largest one.
    let a = i;
    let b = i;
    while (a - 1 > i - 3 * half && a > 1 && histDistance(v.hist[a - 2]!, v.hist[a - 1]!) > maxStep / 3) a--;
    while (b + 1 < Math.min(n, i + 3 * half) && histDistance(v.hist[b]!, v.hist[b + 1]!) > maxStep / 3) b++;
    gradual.push({
      frame: i,
      timeSec: i / fps,
      kind: 'gradual',
      strength: round3(w),
      spanFrames: Math.max(1, b - a + 1),
    });
  }
  return [...hard, ...gradual].sort((x, y) => x.frame - y.frame);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export { HIST_BINS };
