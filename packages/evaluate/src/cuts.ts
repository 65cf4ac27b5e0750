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
 * returns within three frames, or within half a second after a brightening flash) is not a cut, and a flash
 * transition (through white into the next shot) is one cut, at its whitest frame. A gradual transition (dissolve, fade, wipe) is a place where
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

  // Steps that only change brightness, judged once for every step large enough to be a cut.
  const level = new Uint8Array(n);
  for (let i = 1; i < n; i++) if (d[i]! >= minHard && levelStep(v, i)) level[i] = 1;

  const found: DetectedCut[] = [];
  // Frames inside a flash (from the flash to the picture's return): no gradual transition is measured from them.
  const flashed = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    const di = d[i]!;
    // Inside a flash found earlier, the decay's steps are not cuts; nor is a change of brightness alone.
    if (di < minHard || flashed[i] || level[i]) continue;
    const around: number[] = [];
    for (let k = Math.max(1, i - win); k <= Math.min(n - 1, i + win); k++)
      if (Math.abs(k - i) > 1) around.push(d[k]!);
    const typical = median(around);
    if (di < ratio * typical + 0.02) continue;
    // Strongest step among direct neighbours wins (a cut encoded over two frames counts once).
    // A brightness step next to it (a beat flash decaying after the cut) is not a rival.
    const rival = (k: number) => (k > 0 && k < n && d[k]! >= minHard && !level[k] ? d[k]! : 0);
    if (rival(i - 1) > di || rival(i + 1) >= di) continue;
    // Flash or single glitch frame: the frame before comes back within three frames. A flash that
    // brightens and decays (a beat flash effect) may take up to half a second to give the picture back.
    let flash = false;
    const brighter = v.frames[i]!.luma - v.frames[i - 1]!.luma > 0.1;
    const look = brighter ? Math.max(3, Math.round(0.5 * fps)) : 3;
    for (let k = i + 1; k <= Math.min(n - 1, i + look) && !flash; k++)
      if (frameDistance(v, i - 1, k) < (k - i <= 3 ? 0.35 : 0.45) * di && samePicture(v, i - 1, k)) {
        flash = true;
        // The decay runs on a little past the return.
        for (let q = i; q < Math.min(n, k + 4); q++) flashed[q] = 1;
      }
    // …or this frame looks like one just before the previous: the end of a flash.
    for (let k = Math.max(0, i - 4); k <= i - 2; k++)
      if (frameDistance(v, k, i) < 0.35 * di && samePicture(v, k, i)) flash = true;
    if (flash) continue;
    found.push({ frame: i, timeSec: i / fps, kind: 'hard', strength: round3(di) });
  }
  const hard = collapseWhiteFlashes(v, found);

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

/**
 * A step that only changes brightness: the grey thumbnails before and after are the same picture up to a
 * gain and an offset (correlation ≥ 0.85, both with structure) and the mean moves by most of the change. A
 * white layer fading in or out (a beat flash decaying over the frames after a cut, a flash's ramp) is
 * such a step at every frame; a cut, even between shots of one scene, changes the picture itself
 * (the demo's cuts correlate 0.17–0.67, its flash decays 0.91–0.998).
 */
function levelStep(v: DecodedVideo, i: number): boolean {
  const s = thumbStats(v.thumbs[i - 1]!, v.thumbs[i]!);
  return s.correlation >= 0.85 && Math.abs(s.meanShift) >= 0.6 * s.meanAbsDiff;
}

/**
 * The picture a flash gives back is the one it covered: colours alike is not enough (night shots of one
 * film share a palette, and a cut into a beat flash from one to the next looked like a flash), the grey
 * thumbnails must correlate too. A picture with no structure (black, white) is judged by colour alone.
 */
function samePicture(v: DecodedVideo, i: number, j: number): boolean {
  const c = thumbStats(v.thumbs[i]!, v.thumbs[j]!).correlation;
  return Number.isNaN(c) || c >= 0.7;
}

/** Correlation of two grey thumbnails (NaN when either has no structure), their mean shift and mean |difference|. */
function thumbStats(
  a: Uint8Array,
  b: Uint8Array,
): { correlation: number; meanShift: number; meanAbsDiff: number } {
  const len = a.length;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < len; k++) {
    ma += a[k]!;
    mb += b[k]!;
  }
  ma /= len;
  mb /= len;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let raw = 0;
  for (let k = 0; k < len; k++) {
    const x = a[k]! - ma;
    const y = b[k]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
    raw += Math.abs(b[k]! - a[k]!);
  }
  const flat = 2.5 * 2.5 * len; // a standard deviation under 2.5 grey levels: no structure to compare
  const correlation = saa < flat || sbb < flat ? Number.NaN : sab / Math.sqrt(saa * sbb);
  return { correlation, meanShift: mb - ma, meanAbsDiff: raw / len };
}

/**
 * A flash transition (white rising to a peak where the shot changes, then falling back) has a large step on
 * its way up, at the switch and on its way down, and each passes the hard-cut test. They are one cut, at the
 * whitest frame (where the renderers switch shots): the steps within reach of a flat white peak that stands
 * well above the frames either side are folded into it.
 */
function collapseWhiteFlashes(v: DecodedVideo, hard: DetectedCut[]): DetectedCut[] {
  const n = v.frames.length;
  const reach = Math.max(3, Math.round(0.3 * v.fps)); // half the longest flash (half a beat at 50 bpm)
  const luma = (i: number) => v.frames[Math.max(0, Math.min(n - 1, i))]!.luma;
  const out: DetectedCut[] = [];
  for (const c of hard) {
    let p = c.frame;
    for (let k = c.frame - reach; k <= c.frame + reach; k++) if (k >= 0 && k < n && luma(k) >= luma(p)) p = k;
    const peak = v.frames[p]!;
    const white =
      peak.luma >= 0.75 &&
      peak.lumaStd <= 0.08 &&
      peak.luma - Math.max(luma(p - reach), luma(p + reach)) >= 0.2;
    if (!white) {
      out.push(c);
      continue;
    }
    const last = out.at(-1);
    if (last?.frame === p) last.strength = Math.max(last.strength, c.strength);
    else out.push({ ...c, frame: p, timeSec: p / v.fps });
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export { HIST_BINS };
