/**
 * Song sections from bar-synchronous features.
 *
 * Each bar is described by the chroma of each of its beats (harmony in order) and by its timbre
 * (cepstrum of the log-mel spectrum). Boundaries come from a checkerboard novelty on the bar
 * self-similarity matrix combined with the novelty of its repetition structure (lag matrix). A dynamic
 * programme picks them among the novelty peaks (a bar either side, or the song's 4-bar grid line
 * nearby), with sections preferred a whole number of 4-bar phrases long counted from the previous
 * boundary: a 2-bar intro, a 6-bar bridge or a 2-bar tag moves the phrase grid for what follows.
 * Segments are then clustered by aligned similarity: one group = the same material = one label.
 */

export interface BarFeatures {
  /** Stacked beat chroma per bar (beatsPerBar × 12, each beat L2-normalised). */
  harmony: Float32Array[];
  /** Timbre vector per bar (z-normalised over the song). */
  timbre: Float32Array[];
  /** Mean loudness per bar in dB. */
  loudness: number[];
}

export interface Segment {
  startBar: number;
  endBar: number; // exclusive
  group: number;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/** Cosine similarity of every pair of bars, harmony and timbre apart (computed once, mixed per use). */
function barSimilarities(f: BarFeatures): { harmony: Float64Array; timbre: Float64Array } {
  const n = f.harmony.length;
  const harmony = new Float64Array(n * n);
  const timbre = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const h = cosine(f.harmony[i] as Float32Array, f.harmony[j] as Float32Array);
      const t = cosine(f.timbre[i] as Float32Array, f.timbre[j] as Float32Array);
      harmony[i * n + j] = harmony[j * n + i] = h;
      timbre[i * n + j] = timbre[j * n + i] = t;
    }
  }
  return { harmony, timbre };
}

/** The bar self-similarity matrix with timbre weighted `timbreWeight` against harmony. */
function mixSimilarity(
  parts: { harmony: Float64Array; timbre: Float64Array },
  n: number,
  timbreWeight: number,
): Float32Array[] {
  return Array.from({ length: n }, (_, i) =>
    Float32Array.from(
      { length: n },
      (_, j) =>
        (1 - timbreWeight) * (parts.harmony[i * n + j] as number) +
        timbreWeight * (0.5 + 0.5 * (parts.timbre[i * n + j] as number)),
    ),
  );
}

/** Foote's checkerboard novelty with a Gaussian-tapered kernel of half-width `half` bars. */
function footeNovelty(S: Float32Array[], half: number): Float64Array {
  const n = S.length;
  const out = new Float64Array(n);
  const sigma = half / 2;
  for (let i = 1; i < n; i++) {
    let s = 0;
    let w = 0;
    for (let a = -half; a < half; a++) {
      for (let b = -half; b < half; b++) {
        const x = i + a;
        const y = i + b;
        if (x < 0 || y < 0 || x >= n || y >= n) continue;
        const g = Math.exp(-((a + 0.5) ** 2 + (b + 0.5) ** 2) / (2 * sigma * sigma));
        const sign = a < 0 === b < 0 ? 1 : -1;
        s += sign * g * ((S[x] as Float32Array)[y] as number);
        w += g;
      }
    }
    out[i] = w > 0 ? Math.max(0, s / w) : 0;
  }
  return out;
}

/**
 * Serrà's structure features: each bar's row of the lag matrix (similarity to the bars `l` later),
 * smoothed; a boundary is where that repetition pattern changes.
 */
function structureNovelty(S: Float32Array[], maxLag: number, smooth: number): Float64Array {
  const n = S.length;
  const L = Array.from({ length: n }, (_, i) =>
    Float64Array.from({ length: maxLag }, (_, l) => {
      const j = i + l + 1;
      return j < n ? ((S[i] as Float32Array)[j] as number) : ((S[i] as Float32Array)[j - n] as number);
    }),
  );
  // Smooth along time so a repeated passage reads as a band.
  const Ls = L.map((_, i) => {
    const r = new Float64Array(maxLag);
    let c = 0;
    for (let k = Math.max(0, i - smooth); k <= Math.min(n - 1, i + smooth); k++) {
      const row = L[k] as Float64Array;
      for (let l = 0; l < maxLag; l++) r[l] = (r[l] as number) + (row[l] as number);
      c++;
    }
    for (let l = 0; l < maxLag; l++) r[l] = (r[l] as number) / c;
    return r;
  });
  const out = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const a = Ls[Math.max(0, i - smooth)] as Float64Array;
    const b = Ls[Math.min(n - 1, i + smooth - 1)] as Float64Array;
    let d = 0;
    for (let l = 0; l < maxLag; l++) d += ((a[l] as number) - (b[l] as number)) ** 2;
    out[i] = Math.sqrt(d);
  }
  return out;
}

function normalise(x: Float64Array): Float64Array {
  let mx = 0;
  for (const v of x) mx = Math.max(mx, v);
  return mx > 0 ? Float64Array.from(x, (v) => v / mx) : x;
}

/**
 * Timbre's share of the bar similarity the checkerboard novelty reads (0.4 in the grouping and the
 * repetition structure). At 0.4 a flat 4-bar checkerboard peaked on the true first bar of a section at 62% of 518
 * train boundaries, on timbre alone 70%, on harmony alone 41%. Chosen on 111 train section songs in
 * three plans (`bench/fast-bench.ts` BENCH_ODD, BENCH_PLAN3, BENCH_MORE_SECTIONS): anything from 0.6 to
 * 1 scored alike (HR3F 0.843–0.849, 0.816 at 0.4); 0.7 sits in the middle.
 */
const NOVELTY_TIMBRE = 0.7;
/** Timbre's share of the bar similarity that groups sections and reads the repetition structure. */
const GROUPING_TIMBRE = 0.4;
/** How much more novelty another phase of the 4-bar grid needs than the phase of the first bar. */
const PHRASE_ANCHOR = 1.2;
/** Weight of the novelty a bar off a boundary (1: a change felt a bar early or late counts fully). */
const GRID_POOL = 1;
/** A boundary needs at least this share of the novelty 4 bars either side (fitted on the train slice). */
const NEIGHBOUR = 0.85;
/** A novelty peak is the largest novelty within this many bars. */
const PEAK_RADIUS = 2;
/** Share of a peak's novelty a grid line 2 bars from it can be worth (the peak itself is nearer the truth). */
const FLANK2 = 0.9;
/** Cost of a boundary off the song's 4-bar grid: breaks ties towards the grid, no more. */
const OFF_GRID = 0.02;
/**
 * Cost of each boundary, as a share of the novelty threshold. This and PHRASE_COST_2 were refitted in
 * session 18 on 119 train section songs in three plans (regular, odd lengths, a 12-bar verse and 4-bar
 * bridge; `bench/fast-bench.ts` BENCH_ODD, BENCH_PLAN3, BENCH_MORE_SECTIONS): was 0.95 and 0.15.
 */
const BOUNDARY_COST = 0.8;
/** Cost of a section of 4 or 12 bars (8 and 16 are the common lengths). */
const PHRASE_COST_4 = 0.05;
/** Cost of a section whose length is a multiple of 2 bars but not of 4 (a 6-bar bridge, a 10-bar chorus). */
const PHRASE_COST_2 = 0.08;
/** Cost of a section of odd length (a pickup, a 5-bar phrase): only strong novelty pays for it. */
const PHRASE_COST_ODD = 0.3;
/** Most sections a song of up to MAX_SECTIONS × MAX_SECTION_BARS bars is split into (the 6–12). */
const MAX_SECTIONS = 12;
/** A longer piece may have one more section per this many bars (8 and 16 bars are the common lengths). */
const MAX_SECTION_BARS = 16;
/** A short intro (1–3 bars) needs at least this contrast with the 8 bars after it. */
const INTRO_CONTRAST = 0.12;

const phraseCost = (len: number) =>
  len % 8 === 0 ? 0 : len % 4 === 0 ? PHRASE_COST_4 : len % 2 === 0 ? PHRASE_COST_2 : PHRASE_COST_ODD;

export interface SegmentOptions {
  /** Shortest section, bars. */
  minBars?: number;
  /** Novelty peak threshold (0…1 of the peak). */
  threshold?: number;
  /** Similarity above which two segments are the same material. */
  groupThreshold?: number;
}

export function segmentBars(f: BarFeatures, opts: SegmentOptions = {}): Segment[] {
  const n = f.harmony.length;
  if (n === 0) return [];
  if (n < 4) return [{ startBar: 0, endBar: n, group: 0 }];
  const minBars = opts.minBars ?? 4;
  const parts = barSimilarities(f);
  const S = mixSimilarity(parts, n, GROUPING_TIMBRE);
  // The checkerboard looks at timbre more than the grouping does: a section changes its instruments on
  // its first bar, while chord changes come every bar and blur where the change is.
  const foote = normalise(
    footeNovelty(mixSimilarity(parts, n, NOVELTY_TIMBRE), Math.min(4, Math.floor(n / 2))),
  );
  const struct = normalise(structureNovelty(S, Math.max(2, Math.min(n - 1, 48)), 2));
  // Near the ends the kernels see half a picture; taper so edge artefacts do not become boundaries.
  const edge = (i: number) => Math.min(1, Math.min(i, n - i) / 4);
  // Repetition structure needs a long song to say anything; short songs lean on the checkerboard.
  const ws = 0.4 * Math.min(1, n / 48);
  const nov = Float64Array.from(foote, (v, i) => ((1 - ws) * v + ws * (struct[i] as number)) * edge(i));
  // Sections mostly start on a 4-bar phrase grid. Songs start on a phrase: the grid anchored at the
  // first bar wins unless the novelty gathers clearly (PHRASE_ANCHOR times more) on another phase.
  let phase = 0;
  let phaseScore = -1;
  for (let o = 0; o < 4; o++) {
    let g = 0;
    for (let i = o; i < n; i += 4) g += nov[i] as number;
    if (o === 0) g *= PHRASE_ANCHOR;
    if (g > phaseScore) {
      phaseScore = g;
      phase = o;
    }
  }
  const onGrid = (i: number) => (((i - phase) % 4) + 4) % 4 === 0;
  const mean = nov.reduce((a, b) => a + b, 0) / n;
  const thr = Math.max(opts.threshold ?? 0.25, mean);
  // Novelty a bar either side counts for a boundary (a change felt a bar early or late).
  const pooled = (i: number) =>
    Math.max(nov[i] as number, GRID_POOL * (nov[i - 1] ?? 0), GRID_POOL * (nov[i + 1] ?? 0));
  const value = new Float64Array(n + 1);
  const edgeLo = Math.ceil(minBars / 2);
  const edgeHi = n - Math.ceil(minBars / 2);
  const dominated = (i: number, v: number) =>
    (i - 4 > 0 && NEIGHBOUR * pooled(i - 4) > v) || (i + 4 < n && NEIGHBOUR * pooled(i + 4) > v);
  // Each novelty peak (the largest within PEAK_RADIUS bars) can be one boundary: at the peak or a bar
  // either side (off the song's grid at a small cost), or on a grid line within 2 bars, where it is
  // worth the novelty a bar either side of that line (a change felt a bar or two early or late).
  const owner = new Int32Array(n + 1).fill(-1);
  const offer = (i: number, x: number, who: number) => {
    if (i < edgeLo || i > edgeHi || x <= (value[i] as number)) return;
    value[i] = x;
    owner[i] = who;
  };
  const gridValue = (i: number) => {
    const v = pooled(i);
    return v >= thr && !dominated(i, v) ? v : 0;
  };
  for (let p = 1; p < n; p++) {
    const v = nov[p] as number;
    if (v < thr) continue;
    let peak = true;
    for (let q = Math.max(1, p - PEAK_RADIUS); q <= Math.min(n - 1, p + PEAK_RADIUS) && peak; q++)
      if (q !== p && ((nov[q] as number) > v || (q < p && nov[q] === v))) peak = false;
    if (!peak || dominated(p, v)) continue;
    for (let d = -2; d <= 2; d++) {
      const i = p + d;
      if (onGrid(i)) offer(i, Math.abs(d) <= 1 ? gridValue(i) : Math.min(gridValue(i), FLANK2 * v), p);
      else if (Math.abs(d) <= 1) offer(i, (d === 0 ? v : GRID_POOL * v) - OFF_GRID, p);
    }
  }
  // Grid lines with novelty but no peak near them stand on their own.
  for (let i = edgeLo; i <= edgeHi; i++)
    if (onGrid(i) && (owner[i] as number) < 0) offer(i, gridValue(i), n + i);
  // A short intro unlike what follows starts the phrase grid after it.
  // It is worth the threshold plus its contrast, and its odd length costs nothing.
  let introBars = -1;
  let introContrast = INTRO_CONTRAST;
  for (let k = 1; k <= 3 && k + 8 <= n; k++) {
    const c =
      Math.min(blockMean(S, 0, k, 0, k), blockMean(S, k, k + 8, k, k + 8)) - blockMean(S, 0, k, k, k + 8);
    if (c > introContrast) {
      introContrast = c;
      introBars = k;
    }
  }
  if (introBars > 0 && (value[introBars] as number) < thr + introContrast) {
    value[introBars] = thr + introContrast;
    owner[introBars] = 2 * n + introBars;
  } else introBars = -1;
  const cand: number[] = [];
  for (let i = 1; i < n; i++) if ((value[i] as number) > 0) cand.push(i);
  // Sections mostly last a whole number of 4-bar phrases, counted from the previous boundary (so a
  // 2-bar intro or a 6-bar bridge moves the phrase grid for what follows). Dynamic programme over the
  // candidates: novelty of each boundary less its cost, less the phrase cost of each section's length
  // (the last section's end is where the recording stops, not a phrase).
  const pos = [0, ...cand, n];
  const m = pos.length;
  const best = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  const from = new Int32Array(m).fill(-1);
  best[0] = 0;
  const lambda = BOUNDARY_COST * thr;
  for (let j = 1; j < m; j++) {
    const pj = pos[j] as number;
    const last = j === m - 1;
    const gain = last ? 0 : (value[pj] as number) - lambda;
    for (let i = 0; i < j; i++) {
      if (best[i] === Number.NEGATIVE_INFINITY) continue;
      const pi = pos[i] as number;
      const len = pj - pi;
      if (i > 0 && !last && len < minBars) continue;
      if (i > 0 && !last && owner[pi] === owner[pj]) continue;
      if (len < Math.ceil(minBars / 2) && !(i === 0 && pj === introBars)) continue;
      const s = (best[i] as number) + gain - (last || (i === 0 && len === introBars) ? 0 : phraseCost(len));
      if (s > (best[j] as number)) {
        best[j] = s;
        from[j] = i;
      }
    }
  }
  const chosen: number[] = [];
  for (let j = from[m - 1] as number; j > 0; j = from[j] as number) chosen.push(pos[j] as number);
  chosen.sort((x, y) => x - y);
  const bounds = splitEdges([0, ...chosen.filter((c) => c > 0 && c < n), n], S);
  const grouped = (ungrouped: Segment[]) => groupSegments(ungrouped, S, f, opts.groupThreshold ?? 0.72);
  let segs = grouped(
    bounds.slice(0, -1).map((s, i) => ({ startBar: s, endBar: bounds[i + 1] as number, group: -1 })),
  );
  // A song has 6–12 sections (a long piece one more per MAX_SECTION_BARS bars): past that, the two
  // neighbours most alike become one until the rest fit.
  const most = Math.max(MAX_SECTIONS, Math.ceil(n / MAX_SECTION_BARS));
  while (segs.length > most) {
    let k = 0;
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i + 1 < segs.length; i++) {
      const a = segs[i] as Segment;
      const b = segs[i + 1] as Segment;
      const alike = blockMean(S, a.startBar, a.endBar, b.startBar, b.endBar);
      if (alike > best) {
        best = alike;
        k = i;
      }
    }
    const joined = segs.map((x) => ({ ...x, group: -1 }));
    (joined[k] as Segment).endBar = (joined[k + 1] as Segment).endBar;
    joined.splice(k + 1, 1);
    segs = grouped(joined);
  }
  return segs;
}

/** Bars shorter than this (seconds) may be half bars: a slow song tracked at twice its tempo. */
const SHORT_BAR_SEC = 1.8;
/** More sections than this on short bars: segment again on pairs of bars. */
const MANY_SECTIONS = 10;

/**
 * Sections of a song whose bars last `barSec`. A slow ballad tracked at twice its tempo has half bars, so
 * its phrases are 2 real bars and it splits into a dozen sections; on short bars with that many sections,
 * pairs of bars are segmented instead and kept when they give fewer sections.
 */
export function segmentSong(f: BarFeatures, barSec: number, opts: SegmentOptions = {}): Segment[] {
  const segs = segmentBars(f, opts);
  if (!(barSec < SHORT_BAR_SEC) || segs.length <= MANY_SECTIONS) return segs;
  const n = f.harmony.length;
  const pairs = Math.ceil(n / 2);
  const paired: BarFeatures = { harmony: [], timbre: [], loudness: [] };
  for (let p = 0; p < pairs; p++) {
    const a = 2 * p;
    const b = Math.min(n - 1, a + 1);
    const ha = f.harmony[a] as Float32Array;
    const hb = f.harmony[b] as Float32Array;
    const h = new Float32Array(ha.length + hb.length);
    h.set(ha);
    h.set(hb, ha.length);
    paired.harmony.push(h);
    const ta = f.timbre[a] as Float32Array;
    const tb = f.timbre[b] as Float32Array;
    paired.timbre.push(Float32Array.from(ta, (v, i) => (v + (tb[i] as number)) / 2));
    paired.loudness.push(((f.loudness[a] as number) + (f.loudness[b] as number)) / 2);
  }
  const coarse = segmentBars(paired, opts);
  if (coarse.length >= segs.length) return segs;
  return coarse.map((x) => ({ ...x, startBar: 2 * x.startBar, endBar: Math.min(n, 2 * x.endBar) }));
}

/** Mean of S over the block rows [a0, a1) × columns [b0, b1). */
function blockMean(S: Float32Array[], a0: number, a1: number, b0: number, b1: number): number {
  let s = 0;
  for (let i = a0; i < a1; i++) for (let j = b0; j < b1; j++) s += (S[i] as Float32Array)[j] as number;
  return s / Math.max(1, (a1 - a0) * (b1 - b0));
}

/**
 * Short intros and outros (1–3 bars) fall under the peak picker's minimum spacing; split them off the
 * first and last sections when those bars are clearly unlike the rest of their section.
 */
function splitEdges(bounds: number[], S: Float32Array[], margin = 0.12): number[] {
  const out = [...bounds];
  const contrast = (a0: number, k: number, a1: number) => {
    const head = blockMean(S, a0, k, a0, k);
    const tail = blockMean(S, k, a1, k, a1);
    const cross = blockMean(S, a0, k, k, a1);
    return Math.min(head, tail) - cross;
  };
  const first = out[1] as number;
  let best = { k: -1, c: margin };
  for (let k = 1; k <= 3 && first - k >= 4; k++) {
    const c = contrast(0, k, first);
    if (c > best.c) best = { k, c };
  }
  if (best.k > 0) out.splice(1, 0, best.k);
  const end = out.at(-1) as number;
  const last = out.at(-2) as number;
  best = { k: -1, c: margin };
  for (let k = 1; k <= 3 && end - k - last >= 4; k++) {
    const c = contrast(last, end - k, end);
    if (c > best.c) best = { k: end - k, c };
  }
  if (best.k > 0) out.splice(out.length - 1, 0, best.k);
  return out;
}

/** Aligned similarity of two segments: the best mean diagonal of S over small offsets. */
function segmentSimilarity(a: Segment, b: Segment, S: Float32Array[]): number {
  const la = a.endBar - a.startBar;
  const lb = b.endBar - b.startBar;
  let best = 0;
  for (let o = -1; o <= 1; o++) {
    let s = 0;
    let c = 0;
    for (let k = 0; k < Math.max(la, lb); k++) {
      const i = a.startBar + (k % la);
      const j = b.startBar + ((k + o + lb) % lb);
      s += (S[i] as Float32Array)[j] as number;
      c++;
    }
    best = Math.max(best, c ? s / c : 0);
  }
  // Different lengths are less likely to be the same section.
  const ratio = Math.min(la, lb) / Math.max(la, lb);
  return best * (0.85 + 0.15 * ratio);
}

/**
 * Repeats of one section are much more alike than different sections, but how alike depends on the
 * recording (exact loops vs. live takes with new lyrics). The threshold goes in the widest gap of the
 * pairwise similarities between 0.55 and 0.9, when there is a clear one; else the default.
 */
function naturalBreak(sim: number[][], fallback: number): number {
  const values: number[] = [];
  for (let i = 0; i < sim.length; i++)
    for (let j = i + 1; j < sim.length; j++) values.push((sim[i] as number[])[j] as number);
  const inRange = values.filter((v) => v >= 0.5 && v <= 0.95).sort((a, b) => a - b);
  let best = { gap: 0.08, at: fallback };
  for (let k = 0; k + 1 < inRange.length; k++) {
    const lo = inRange[k] as number;
    const hi = inRange[k + 1] as number;
    const mid = (lo + hi) / 2;
    if (hi - lo > best.gap && mid >= 0.6 && mid <= 0.85) best = { gap: hi - lo, at: mid };
  }
  return best.at;
}

function groupSegments(segs: Segment[], S: Float32Array[], _f: BarFeatures, threshold: number): Segment[] {
  const n = segs.length;
  const sim = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      i === j ? 1 : segmentSimilarity(segs[i] as Segment, segs[j] as Segment, S),
    ),
  );
  const cut = naturalBreak(sim, threshold);
  // Average-linkage agglomerative clustering until no pair of clusters is similar enough.
  let clusters = segs.map((_, i) => [i]);
  for (;;) {
    let best = -1;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        let s = 0;
        for (const a of clusters[i] as number[])
          for (const b of clusters[j] as number[]) s += (sim[a] as number[])[b] as number;
        s /= (clusters[i] as number[]).length * (clusters[j] as number[]).length;
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    if (bi < 0 || best < cut) break;
    clusters[bi] = [...(clusters[bi] as number[]), ...(clusters[bj] as number[])];
    clusters = clusters.filter((_, k) => k !== bj);
  }
  // Group ids in order of first appearance.
  clusters.sort((a, b) => Math.min(...a) - Math.min(...b));
  clusters.forEach((c, g) => {
    for (const i of c) (segs[i] as Segment).group = g;
  });
  // Two short neighbours of the same material are one section split at a phrase (4 + 4 bars). Not the
  // first section: an intro often plays the verse's chords on other instruments, and the novelty that put
  // a boundary there heard the change (37 regular train section songs: the 4-bar intro went missing in 24, now 11).
  const merged: Segment[] = [];
  for (const s of segs) {
    const prev = merged.at(-1);
    if (prev && prev.startBar > 0 && prev.group === s.group && s.endBar - prev.startBar <= 16)
      prev.endBar = s.endBar;
    else merged.push({ ...s });
  }
  return merged;
}
