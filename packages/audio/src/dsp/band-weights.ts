/**
 * Weights for the mel bands' onsets by how periodic each band's onsets are. A singer (or a speaker) off the
 * drum grid fills the middle bands with onsets that repeat at no tempo; summed with equal weight they pull
 * the tempo reading and the tracker off the beat. Bands whose onsets repeat at some beat period keep
 * full weight; the least periodic fall towards FLOOR.
 */
import { lagSums } from './lag-sums.js';
import { MAX_BPM, MIN_BPM } from './tempo-range.js';

/** Weight of a band whose onsets repeat at no beat period (relative to the most periodic band's 1). */
const FLOOR = 0.25;
/** Bands at least this fraction as periodic as the best keep full weight (a clean mix changes little). */
const FULL = 0.5;

/**
 * `rise` holds each frame's positive band rises (frame-major: frame t, band b at t·bands + b). Returns one
 * weight per band: FLOOR + (1 − FLOOR) · periodicity / the best band's periodicity, where periodicity is the
 * peak normalised autocorrelation of the band's onsets over the beat periods (MIN_BPM…MAX_BPM).
 */
export function bandWeights(rise: Float32Array, frames: number, bands: number, hopSec: number): Float32Array {
  // Pairs of frames pooled by their maximum: half the work, and onsets ±1 frame apart still meet.
  const step = 2;
  const n = Math.floor(frames / step);
  const lo = Math.max(1, Math.floor(60 / MAX_BPM / (hopSec * step)));
  const hi = Math.min(n - 1, Math.ceil(60 / MIN_BPM / (hopSec * step)));
  const weights = new Float32Array(bands).fill(1);
  if (hi <= lo) return weights;
  const peaks = new Float64Array(bands);
  const x = new Float64Array(n);
  const sums = new Float64Array(hi + 1);
  for (let b = 0; b < bands; b++) {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.max(rise[i * step * bands + b] as number, rise[(i * step + 1) * bands + b] as number);
      x[i] = v;
      mean += v;
    }
    mean /= n;
    let r0 = 0;
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) - mean;
      r0 += (x[i] as number) ** 2;
    }
    if (!(r0 > 0)) continue;
    lagSums(x, lo, hi, sums);
    let peak = 0;
    for (let lag = lo; lag <= hi; lag++)
      peak = Math.max(peak, ((sums[lag] as number) / r0) * (n / (n - lag)));
    peaks[b] = peak;
  }
  let top = 0;
  for (const p of peaks) top = Math.max(top, p);
  if (!(top > 0)) return weights;
  for (let b = 0; b < bands; b++)
    weights[b] = Math.min(1, Math.max(FLOOR, (peaks[b] as number) / (FULL * top)));
  return weights;
}
