/**
 * `out[lag] = Σ x[j]·x[j + lag]` over j = 0 … n − lag − 1, for lag = lo … hi (clipped to n − 1), summed
 * in ascending j so the result is bit for bit the plain loop's. Four lags share one pass over x: each
 * x[j] is loaded once for four products, which makes the autocorrelations of the band weights and the
 * tempo comb about twice as fast.
 */
export function lagSums(x: Float32Array | Float64Array, lo: number, hi: number, out: Float64Array): void {
  const n = x.length;
  const top = Math.min(hi, n - 1);
  let lag = Math.max(0, lo);
  for (; lag + 3 <= top; lag += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = n - lag - 3;
    let j = 0;
    for (; j < end; j++) {
      const v = x[j] as number;
      s0 += v * (x[j + lag] as number);
      s1 += v * (x[j + lag + 1] as number);
      s2 += v * (x[j + lag + 2] as number);
      s3 += v * (x[j + lag + 3] as number);
    }
    // The last few pairs of the shorter lags.
    for (let k = j; k + lag < n; k++) s0 += (x[k] as number) * (x[k + lag] as number);
    for (let k = j; k + lag + 1 < n; k++) s1 += (x[k] as number) * (x[k + lag + 1] as number);
    for (let k = j; k + lag + 2 < n; k++) s2 += (x[k] as number) * (x[k + lag + 2] as number);
    out[lag] = s0;
    out[lag + 1] = s1;
    out[lag + 2] = s2;
    out[lag + 3] = s3;
  }
  for (; lag <= top; lag++) {
    let s = 0;
    for (let j = 0; j + lag < n; j++) s += (x[j] as number) * (x[j + lag] as number);
    out[lag] = s;
  }
}
