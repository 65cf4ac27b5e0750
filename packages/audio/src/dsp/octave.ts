/**
 * Which metrical level of the tracked grid is the beat: evidence from the drum pattern, beyond the comb
 * (reading.ts). In backbeat music the beat level alternates low-band (kick) and high-band (snare)
 * accents from one beat to the next; a grid at double tempo puts weak off-beats between them instead,
 * and a grid at half tempo has midpoints as strong as its beats.
 */

function peak(x: Float32Array, center: number, r: number): number {
  let m = 0;
  const c = Math.round(center);
  for (let i = Math.max(0, c - r); i <= Math.min(x.length - 1, c + r); i++) m = Math.max(m, x[i] as number);
  return m;
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}

/** The grid with a point half-way between every two beats. */
export function doubleGrid(beats: number[]): number[] {
  const out: number[] = [];
  beats.forEach((b, i) => {
    out.push(b);
    const n = beats[i + 1];
    if (n !== undefined) out.push((b + n) / 2);
  });
  return out;
}

const BLOCK = 8;

/**
 * 0…1: how much of the change in balance between bass-band and high-band accents from one grid point to
 * the next is a flip between even and odd points (kick, snare, kick, snare): the even/odd difference over
 * twice the spread, in blocks of 8 points so a slip of the grid part-way through does not cancel it.
 * A grid at the eighths of such a groove scores low (the pattern repeats every 4 points, not 2).
 */
export function backbeat(grid: number[], low: Float32Array, high: Float32Array): number {
  if (grid.length < 4) return 0;
  const L = grid.map((b) => peak(low, b, 1));
  const H = grid.map((b) => peak(high, b, 1));
  const mL = mean(L) || 1;
  const mH = mean(H) || 1;
  const d = grid.map((_, i) => (L[i] as number) / mL - (H[i] as number) / mH);
  const blocks: number[] = [];
  for (let s = 0; s + 3 < d.length; s += BLOCK) {
    const blk = d.slice(s, s + BLOCK);
    const even = mean(blk.filter((_, i) => i % 2 === 0));
    const odd = mean(blk.filter((_, i) => i % 2 === 1));
    const mu = mean(blk);
    const sd = Math.sqrt(mean(blk.map((v) => (v - mu) ** 2)));
    blocks.push(sd > 1e-9 ? Math.abs(even - odd) / (2 * sd) : 0);
  }
  return mean(blocks);
}

/** 0…1: the weaker of the even and odd grid points' summed accents over the stronger (1 = all alike). */
export function evenness(grid: number[], env: Float32Array): number {
  let even = 0;
  let odd = 0;
  grid.forEach((b, i) => {
    if (i % 2) odd += peak(env, b, 1);
    else even += peak(env, b, 1);
  });
  return Math.min(even, odd) / Math.max(even, odd, 1e-9);
}

export interface OctaveEvidence {
  /** Backbeat at half tempo (the better of the two phases), at the grid, at double tempo. */
  backbeatHalf: number;
  backbeatBeat: number;
  backbeatDouble: number;
  /** Evenness of the grid and of its double (how strong the midpoints are beside the beats). */
  evenBeat: number;
  evenDouble: number;
  /** `harmonicHalfBar` of the grid (1 when unknown). */
  harmony: number;
}

export function octaveEvidence(
  beats: number[],
  env: Float32Array,
  low: Float32Array,
  high: Float32Array,
  harmony = 1,
): OctaveEvidence {
  const dbl = doubleGrid(beats);
  const halfA = beats.filter((_, i) => i % 2 === 0);
  const halfB = beats.filter((_, i) => i % 2 === 1);
  return {
    backbeatHalf: Math.max(backbeat(halfA, low, high), backbeat(halfB, low, high)),
    backbeatBeat: backbeat(beats, low, high),
    backbeatDouble: backbeat(dbl, low, high),
    evenBeat: evenness(beats, env),
    evenDouble: evenness(dbl, env),
    harmony,
  };
}

/** Fitted on the train slice: how much stronger the backbeat must be at the other level, and its floor. */
const BACKBEAT_RATIO = 2;
const BACKBEAT_GAIN = 0.3;
/** Halving also needs chords moving every 8 grid points (train: ≤ 0.17 at the eighths, ≥ 0.5 at the beat). */
const HARMONY_HALF = 0.35;
/** Double tempo needs midpoints at least this strong beside the beats (else they are off-beats). */
const EVEN_DOUBLE = 0.5;
const MIN_BPM = 40;
const MAX_DOUBLE_BPM = 210;

/**
 * ×½ when the backbeat alternates at every other beat rather than at every beat and the chords last 8
 * beats (a slow song read at its eighths; a half-time feel keeps 4-beat chords), ×2 when the backbeat
 * alternates between the beats and strong midpoints (a fast song read at half), else ×1. `doubted`:
 * the comb could not tell the reading from its half and took the faster one by default; then 8-beat
 * chords and no more backbeat at the beat than at the half are enough. `margin` is the backbeat gain.
 */
export function octaveFactor(
  e: OctaveEvidence,
  bpm: number,
  doubted = false,
): { factor: 0.5 | 1 | 2; margin: number } {
  const wins = (other: number) =>
    other >= BACKBEAT_RATIO * e.backbeatBeat && other - e.backbeatBeat >= BACKBEAT_GAIN;
  const half = wins(e.backbeatHalf) || (doubted && e.backbeatHalf >= e.backbeatBeat);
  if (bpm / 2 >= MIN_BPM && e.harmony < HARMONY_HALF && half)
    return { factor: 0.5, margin: Math.max(0, e.backbeatHalf - e.backbeatBeat) };
  if (bpm * 2 <= MAX_DOUBLE_BPM && e.evenDouble >= EVEN_DOUBLE && wins(e.backbeatDouble))
    return { factor: 2, margin: e.backbeatDouble - e.backbeatBeat };
  return { factor: 1, margin: 0 };
}

/**
 * 0…1: chord change half-way between the strongest changes, over the strongest (grid points mod 8,
 * 4-point windows each side). Near 1 when chords move every 4 grid points (a bar at the beat level),
 * near 0 when they move every 8 (a bar at the eighths of a slow song, or two bars).
 */
export function harmonicHalfBar(
  grid: number[],
  chroma: Float32Array,
  chromaHopSec: number,
  hopSec: number,
): number {
  const frames = Math.floor(chroma.length / 12);
  if (grid.length < 24 || frames < 2) return 1;
  const span = (a: number, b: number) => {
    const out = new Float64Array(12);
    const t0 = Math.max(0, Math.min(frames - 1, Math.floor(((grid[a] as number) * hopSec) / chromaHopSec)));
    const t1 = Math.max(t0 + 1, Math.min(frames, Math.ceil(((grid[b] as number) * hopSec) / chromaHopSec)));
    for (let t = t0; t < t1; t++)
      for (let c = 0; c < 12; c++) out[c] = (out[c] as number) + (chroma[t * 12 + c] as number);
    const mu = mean(Array.from(out));
    return out.map((v) => Math.max(0, v - mu));
  };
  const sums = new Float64Array(8);
  const counts = new Float64Array(8);
  for (let i = 4; i + 4 < grid.length; i++) {
    const a = span(i - 4, i);
    const b = span(i, i + 4);
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let c = 0; c < 12; c++) {
      d += (a[c] as number) * (b[c] as number);
      na += (a[c] as number) ** 2;
      nb += (b[c] as number) ** 2;
    }
    sums[i % 8] = (sums[i % 8] as number) + (na > 0 && nb > 0 ? 1 - d / Math.sqrt(na * nb) : 0);
    counts[i % 8] = (counts[i % 8] as number) + 1;
  }
  const m = Array.from(sums, (s, k) => s / Math.max(1, counts[k] as number));
  let best = 0;
  for (let k = 1; k < 8; k++) if ((m[k] as number) > (m[best] as number)) best = k;
  return (m[best] as number) > 1e-9 ? (m[(best + 4) % 8] as number) / (m[best] as number) : 1;
}
