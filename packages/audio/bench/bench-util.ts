/** Small helpers the audio benches and diagnostics share. */

/** One song's scores as bench/mir-eval.ts returns them. */
export interface BeatRow {
  beatF: { ours: number };
  amlt: { ours: number };
  downbeatF?: number;
}

/** The largest value of `x` within ±`r` frames of `c`. */
export function maxAround(x: Float32Array, c: number, r: number): number {
  let m = 0;
  for (let i = Math.max(0, Math.round(c) - r); i <= Math.min(x.length - 1, Math.round(c) + r); i++)
    m = Math.max(m, x[i] as number);
  return m;
}

/** The largest autocorrelation within ±2 % of a lag (at least ±1 frame), 0 at most. */
export function acfPeak(a: Float64Array, lag: number): number {
  const r = Math.max(1, Math.round(lag * 0.02));
  let m = 0;
  for (let i = Math.round(lag) - r; i <= Math.round(lag) + r; i++)
    if (i > 0 && i < a.length) m = Math.max(m, a[i] as number);
  return m;
}

/**
 * Prints each song below 0.95 beat F (every song with BENCH_ALL=1) after its `meta` line, then the mean
 * beat F and AMLt of every group `groupsOf` puts it in, as `<title> <group> (<n>): …`.
 */
export function reportGroups(
  title: string,
  rows: BeatRow[],
  meta: string[],
  groupsOf: (i: number) => string[],
): void {
  const by: Record<string, { n: number; f: number; am: number; down: number }> = {};
  rows.forEach((r, i) => {
    for (const k of groupsOf(i)) {
      by[k] ??= { n: 0, f: 0, am: 0, down: 0 };
      const b = by[k];
      b.n++;
      b.f += r.beatF.ours;
      b.am += r.amlt.ours;
      b.down += r.downbeatF ?? 0;
    }
    if (r.beatF.ours < 0.95 || process.env.BENCH_ALL === '1')
      console.log(
        `${meta[i]}  F ${r.beatF.ours.toFixed(3)}  AMLt ${r.amlt.ours.toFixed(3)}  downF ${(r.downbeatF ?? 0).toFixed(3)}`,
      );
  });
  for (const [k, b] of Object.entries(by))
    console.log(
      `${title} ${k.padEnd(8)} (${b.n}): beat F ${(b.f / b.n).toFixed(3)}  AMLt ${(b.am / b.n).toFixed(3)}  downbeat F ${(b.down / b.n).toFixed(3)}`,
    );
}

/** Points inside the truth's span (±0.1 s) and how many of them lie within `tol` of a true time. */
export function onTruth(points: number[], truth: number[], tol = 0.07): { hit: number; n: number } {
  const lo = (truth[0] ?? 0) - 0.1;
  const hi = (truth.at(-1) ?? 0) + 0.1;
  const inSpan = points.filter((p) => p >= lo && p <= hi);
  const hit = inSpan.filter((p) => truth.some((t) => Math.abs(t - p) <= tol)).length;
  return { hit, n: inSpan.length };
}
