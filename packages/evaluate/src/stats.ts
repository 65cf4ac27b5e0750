import { mulberry32 } from '@beatframe/core';
/** Small numeric helpers shared by the metrics. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : 0;
}

export function std(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return xs.length ? Math.sqrt(s / xs.length) : 0;
}

export function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

/** Pearson correlation; NaN when either side is (nearly) constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return Number.NaN;
  let sw = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    sw += w;
    ma += w * a[i]!;
    mb += w * b[i]!;
  }
  ma /= sw;
  mb /= sw;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += w * da * db;
    va += w * da * da;
    vb += w * db * db;
  }
  if (va <= 1e-12 * sw || vb <= 1e-12 * sw) return Number.NaN;
  return cov / Math.sqrt(va * vb);
}

function ranks(xs: ArrayLike<number>, n: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const r = new Array<number>(n).fill(0);
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && xs[idx[e + 1]!] === xs[idx[k]!]) e++;
    for (let q = k; q <= e; q++) r[idx[q]!] = (k + e) / 2;
    k = e + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  return pearson(ranks(a, n), ranks(b, n));
}

/** Centred moving average over `radius` values either side. */
export function smooth(xs: ArrayLike<number>, radius: number): number[] {
  const out = new Array<number>(xs.length);
  const pre = new Float64Array(xs.length + 1);
  for (let i = 0; i < xs.length; i++) pre[i + 1] = pre[i]! + xs[i]!;
  for (let i = 0; i < xs.length; i++) {
    const lo = Math.max(0, i - radius);
    const hi = Math.min(xs.length, i + radius + 1);
    out[i] = (pre[hi]! - pre[lo]!) / (hi - lo);
  }
  return out;
}

/** Linear-interpolated value of a curve sampled every `hop` seconds, at time t. */
export function sampleAt(values: ArrayLike<number>, hop: number, t: number): number {
  if (!values.length) return 0;
  const x = t / hop;
  if (x <= 0) return values[0]!;
  if (x >= values.length - 1) return values[values.length - 1]!;
  const i = Math.floor(x);
  const f = x - i;
  return values[i]! * (1 - f) + values[i + 1]! * f;
}

/** Deterministic PRNG (mulberry32) for shuffles and benches. */
export function rng(seed: number): () => number {
  return mulberry32(seed);
}
