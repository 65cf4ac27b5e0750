// Krumhansl–Kessler key profiles (major, minor), C first.
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
const NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/** The best-correlating of the 24 major/minor keys for a song's summed chroma, e.g. "A minor". */
export function estimateKey(chromaSum: number[]): { key: string; confidence: number } | undefined {
  if (chromaSum.every((v) => v === 0)) return undefined;
  let best = { key: '', r: -Infinity };
  let second = -Infinity;
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [profile, mode] of [
      [MAJOR, 'major'],
      [MINOR, 'minor'],
    ] as const) {
      const rotated = Array.from({ length: 12 }, (_, i) => profile[(i - tonic + 12) % 12] as number);
      const r = pearson(chromaSum, rotated);
      if (r > best.r) {
        second = best.r;
        best = { key: `${NAMES[tonic]} ${mode}`, r };
      } else if (r > second) second = r;
    }
  }
  return { key: best.key, confidence: Math.max(0, Math.min(1, (best.r - second) * 5)) };
}
