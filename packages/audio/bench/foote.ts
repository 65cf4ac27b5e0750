/**
 * A textbook baseline segmenter (Foote 2000): 0.5 s frames of chroma and log-band energies, a cosine
 * self-similarity matrix, a Gaussian checkerboard kernel of ±8 s, novelty peaks as boundaries, and
 * segments labelled by clustering their mean feature vectors. Used only by the benchmark.
 */
import FFT from 'fft.js';

type Sec = [number, number, string];

export function footeSections(x: Float32Array, sr: number): Sec[] {
  const N = 4096;
  const hop = Math.round(sr / 2);
  const fft = new FFT(N);
  const spec = new Float64Array(2 * N);
  const frame = new Float64Array(N);
  const frames: number[][] = [];
  for (let s = 0; s + N <= x.length; s += hop) {
    for (let i = 0; i < N; i++)
      frame[i] = (x[s + i] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    fft.realTransform(spec, frame);
    const chroma = new Array(12).fill(0);
    const bands = new Array(12).fill(0);
    for (let k = 1; k < N / 2; k++) {
      const m = Math.hypot(spec[2 * k] as number, spec[2 * k + 1] as number);
      const hz = (k * sr) / N;
      if (hz > 60 && hz < 5000) chroma[((Math.round(69 + 12 * Math.log2(hz / 440)) % 12) + 12) % 12] += m;
      const band = Math.min(11, Math.max(0, Math.floor(Math.log2(hz / 40) * 1.5)));
      bands[band] += m * m;
    }
    const cs = chroma.reduce((a, b) => a + b, 0) || 1;
    frames.push([...chroma.map((c) => c / cs), ...bands.map((b) => Math.log10(b + 1e-6) / 10)]);
  }
  const n = frames.length;
  if (n < 8) return [[0, x.length / sr, 'A']];
  const cos = (a: number[], b: number[]) => {
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      d += (a[i] as number) * (b[i] as number);
      na += (a[i] as number) ** 2;
      nb += (b[i] as number) ** 2;
    }
    return d / Math.sqrt(na * nb || 1);
  };
  const S = frames.map((a) => frames.map((b) => cos(a, b)));
  const half = 16;
  const nov = new Array(n).fill(0);
  for (let i = half; i < n - half; i++) {
    let s = 0;
    for (let a = -half; a < half; a++)
      for (let b = -half; b < half; b++) {
        const g = Math.exp(-((a + 0.5) ** 2 + (b + 0.5) ** 2) / (2 * (half / 2) ** 2));
        s += (a < 0 === b < 0 ? 1 : -1) * g * ((S[i + a] as number[])[i + b] as number);
      }
    nov[i] = s;
  }
  const mean = nov.reduce((a, b) => a + b, 0) / n;
  const bounds = [0];
  for (let i = 1; i < n - 1; i++) {
    let isMax = true;
    for (let k = Math.max(0, i - 8); k <= Math.min(n - 1, i + 8); k++)
      if ((nov[k] as number) > (nov[i] as number)) isMax = false;
    if (isMax && (nov[i] as number) > mean * 1.2) bounds.push(i);
  }
  bounds.push(n);
  const segs = bounds.slice(0, -1).map((b, i) => {
    const e = bounds[i + 1] as number;
    const m = new Array(24).fill(0);
    for (let t = b; t < e; t++)
      for (let d = 0; d < 24; d++) m[d] += ((frames[t] as number[])[d] as number) / (e - b);
    return { b, e, m, label: -1 };
  });
  let next = 0;
  for (const s of segs) {
    const match = segs.find((o) => o.label >= 0 && cos(o.m, s.m) > 0.985);
    s.label = match ? match.label : next++;
  }
  return segs.map((s) => [(s.b * hop) / sr, (s.e * hop) / sr, String.fromCharCode(65 + s.label)]);
}
