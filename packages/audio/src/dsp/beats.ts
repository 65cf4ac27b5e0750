/**
 * Tempo and beat tracking on an onset envelope.
 *
 * Tempo: windowed autocorrelation (a tempogram) with a log-Gaussian prior around 120 bpm; a Viterbi
 * path through the tempogram gives a local beat period that may drift or jump (tempo changes).
 * Beats: Ellis' (2007) dynamic programme, with the expected inter-beat interval taken from the local
 * period instead of one global tempo, so the grid bends with the music.
 */
import { MAX_BPM, MIN_BPM } from './tempo-range.js';

export interface TempoTrack {
  /** Beat period in frames at every onset frame. */
  periodAt: Float32Array;
  /** Median tempo, beats per minute. */
  bpm: number;
  /** 0…1: how much the winning period stands out of the tempogram. */
  confidence: number;
}

const PRIOR_BPM = 120;
const PRIOR_OCTAVES = 1.0;
const WINDOW_SEC = 8;
const STEP_SEC = 1;
const STATES = 120;

/**
 * The autocorrelation (lags 0…maxLag, each the mean over its overlapping pairs) of many windows at once:
 * the tempogram's windows overlap by 7 of their 8 s, so per lag one running sum of x[i]·x[i-lag] over the
 * whole envelope is read at each window's ends, a fraction of the work of summing every window anew (the
 * corpus bench's table is identical).
 */
function windowAutocorr(x: Float32Array, starts: number[], ends: number[], maxLag: number): Float64Array[] {
  const n = x.length;
  const out = starts.map(() => new Float64Array(maxLag + 1));
  // Four lags per pass over x (one load of x[i] for four products): the running sums are the plain
  // loop's, term for term, so the result is bit for bit the same.
  const cums = [0, 1, 2, 3].map(() => new Float64Array(n + 1));
  const [c0, c1, c2, c3] = cums as [Float64Array, Float64Array, Float64Array, Float64Array];
  for (let lag = 0; lag <= maxLag; lag += 4) {
    const lags = Math.min(4, maxLag - lag + 1);
    for (let k = 0; k < lags; k++) {
      const cum = cums[k] as Float64Array;
      const l = lag + k;
      cum.fill(0, 0, Math.min(n, l) + 1);
      // Each lag's first terms, up to where all four lags have one.
      for (let i = l; i < Math.min(n, lag + 3); i++)
        cum[i + 1] = (cum[i] as number) + (x[i] as number) * (x[i - l] as number);
    }
    if (lags === 4)
      for (let i = lag + 3; i < n; i++) {
        const v = x[i] as number;
        c0[i + 1] = (c0[i] as number) + v * (x[i - lag] as number);
        c1[i + 1] = (c1[i] as number) + v * (x[i - lag - 1] as number);
        c2[i + 1] = (c2[i] as number) + v * (x[i - lag - 2] as number);
        c3[i + 1] = (c3[i] as number) + v * (x[i - lag - 3] as number);
      }
    else
      for (let k = 0; k < lags; k++) {
        const cum = cums[k] as Float64Array;
        const l = lag + k;
        for (let i = Math.max(l, lag + 3); i < n; i++)
          cum[i + 1] = (cum[i] as number) + (x[i] as number) * (x[i - l] as number);
      }
    for (let k = 0; k < lags; k++) {
      const cum = cums[k] as Float64Array;
      const l = lag + k;
      for (let w = 0; w < starts.length; w++) {
        const a = (starts[w] as number) + l;
        const b = ends[w] as number;
        (out[w] as Float64Array)[l] =
          a < b ? ((cum[b] as number) - (cum[a] as number)) / Math.max(1, b - a) : 0;
      }
    }
  }
  return out;
}

/** Linear interpolation of an array at a fractional index. */
function at(a: Float64Array, i: number): number {
  const j = Math.floor(i);
  if (j < 0 || j + 1 >= a.length) return 0;
  const f = i - j;
  return (a[j] as number) * (1 - f) + (a[j + 1] as number) * f;
}

/**
 * `globalBpm`, when given, is the reading chosen from metrical evidence (reading.ts); the local path is
 * then held closer to it so a strong sub-beat or 2:3 pulse cannot take over.
 */
function statePeriods(hopSec: number): Float64Array {
  return Float64Array.from({ length: STATES }, (_, k) => {
    const bpm = MIN_BPM * (MAX_BPM / MIN_BPM) ** (k / (STATES - 1));
    return 60 / bpm / hopSec;
  });
}

interface Tempogram {
  centers: number[];
  salience: Float64Array[];
  /** Prior-weighted salience summed over windows. */
  total: Float64Array;
}

function tempogram(onset: Float32Array, hopSec: number, periods: Float64Array, stepSec: number): Tempogram {
  const n = onset.length;
  const prior = Float64Array.from(periods, (p) => {
    const bpm = 60 / (p * hopSec);
    const o = Math.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES;
    return Math.exp(-0.5 * o * o);
  });
  const maxLag = Math.ceil((periods[0] as number) * 2) + 2;
  const win = Math.min(n, Math.round(WINDOW_SEC / hopSec));
  const step = Math.max(1, Math.round(stepSec / hopSec));
  const centers: number[] = [];
  for (let c = Math.floor(win / 2); c <= Math.max(Math.floor(win / 2), n - Math.ceil(win / 2)); c += step)
    centers.push(c);
  const starts = centers.map((c) => Math.max(0, c - Math.floor(win / 2)));
  const acfs = windowAutocorr(
    onset,
    starts,
    starts.map((s) => Math.min(n, s + win)),
    maxLag,
  );
  const salience: Float64Array[] = [];
  const total = new Float64Array(STATES);
  for (const acf of acfs) {
    const zero = (acf[0] as number) || 1;
    const s = new Float64Array(STATES);
    for (let k = 0; k < STATES; k++) {
      const p = periods[k] as number;
      // The beat lag plus a little of its double: a true beat level repeats at two beats as well,
      // a sub-beat pulse does not always.
      s[k] = Math.max(0, (at(acf, p) + 0.5 * at(acf, 2 * p)) / zero);
    }
    salience.push(s);
    for (let k = 0; k < STATES; k++)
      total[k] = (total[k] as number) + (s[k] as number) * (prior[k] as number);
  }
  return { centers, salience, total };
}

/** How much the best period stands out of the summed tempogram (0 = no periodicity, 1 = one clear period). */
function clarity(total: Float64Array): number {
  const sorted = Array.from(total).sort((a, b) => b - a);
  const mean = sorted.reduce((a, b) => a + b, 0) / STATES;
  return Math.max(0, Math.min(1, ((sorted[0] ?? 0) - mean) / ((sorted[0] ?? 0) + 1e-9)));
}

/**
 * The tempogram clarity of an onset envelope on coarser windows (every 2 s): a cheap confidence that a
 * steady beat is there at all, independent of which envelope the tracker follows.
 */
export function tempoClarity(onset: Float32Array, hopSec: number): number {
  if (onset.length < 8) return 0;
  return clarity(tempogram(onset, hopSec, statePeriods(hopSec), 2).total);
}

/**
 * How much the onsets repeat a bar later: the largest normalised autocorrelation of the (mean-removed)
 * envelope at 2, 3 or 4 beats of the grid's median period. Music with a steady beat repeats its bar
 * (train songs 0.17 and up, median 0.7); pads, speech and notes played freely do not (0.01–0.07), even
 * where the tempogram finds some period in them (bench/diag-steady.ts).
 */
export function barRepeat(onset: Float32Array, beatFrames: number[]): number {
  if (beatFrames.length < 8) return 0;
  const gaps = beatFrames
    .slice(1)
    .map((b, i) => b - (beatFrames[i] as number))
    .sort((a, b) => a - b);
  // On pairs of frames (their maximum): a note a frame early or late still meets its repeat.
  const period = (gaps[Math.floor(gaps.length / 2)] as number) / 2;
  const n = Math.floor(onset.length / 2);
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = Math.max(onset[2 * i] as number, onset[2 * i + 1] as number);
  // Less the local mean (±2 bars): a quiet passage next to a loud one would otherwise correlate at
  // every lag (speech after pads read as a steady beat).
  const half = Math.max(4, Math.round(4 * period));
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = (cum[i] as number) + (raw[i] as number);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    x[i] = (raw[i] as number) - ((cum[b] as number) - (cum[a] as number)) / (b - a);
  }
  const acf = (lag: number) => {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += (x[i] as number) * (x[i - lag] as number);
    return sum;
  };
  const zero = acf(0);
  if (!(zero > 0)) return 0;
  let best = 0;
  for (const k of [2, 3, 4]) {
    const lag = Math.round(k * period);
    // A lag either side: the median period is rounded and the tempo drifts a little.
    for (let l = lag - 1; l <= lag + 1; l++) if (l > 0 && l < n) best = Math.max(best, acf(l) / zero);
  }
  return best;
}

/** The local path's spread around a reading from metrical evidence, and around its own best period. */
const READING_SPREAD = 0.35;
const FREE_SPREAD = 0.6;

export function trackTempo(
  onset: Float32Array,
  hopSec: number,
  globalBpm?: number,
  /** How far (octaves, one standard deviation) the local path may stray from `globalBpm` at little cost. */
  spread = READING_SPREAD,
): TempoTrack {
  const n = onset.length;
  const periods = statePeriods(hopSec);
  const { centers, salience, total } = tempogram(onset, hopSec, periods, STEP_SEC);
  // Global estimate first; the local path is kept near it.
  let best = 0;
  for (let k = 1; k < STATES; k++) if ((total[k] as number) > (total[best] as number)) best = k;
  const confidence = clarity(total);

  // Viterbi over windows: emissions = log salience × prior centred on the global tempo,
  // transitions = squared change of log-period.
  const W = salience.length;
  const globalLog = globalBpm ? Math.log2(60 / globalBpm / hopSec) : Math.log2(periods[best] as number);
  const pathSpread = globalBpm ? spread : FREE_SPREAD;
  const emit = salience.map((s) => {
    let mx = 1e-9;
    for (let k = 0; k < STATES; k++) mx = Math.max(mx, s[k] as number);
    return Float64Array.from(s, (v, k) => {
      const o = (Math.log2(periods[k] as number) - globalLog) / pathSpread;
      return Math.log(1e-3 + v / mx) - 0.5 * o * o;
    });
  });
  const stepOct = Math.log2(MAX_BPM / MIN_BPM) / (STATES - 1);
  const sigma = 0.05; // octaves of tempo change per window step
  // Smooth drift is cheap; a sudden jump to any tempo is possible but costs a fixed penalty.
  const JUMP = -10;
  const trans = (d: number) => Math.max(JUMP, -0.5 * ((d * stepOct) / sigma) ** 2);
  const reach = Math.ceil((3 * sigma) / stepOct);
  let score = Float64Array.from(emit[0] ?? new Float64Array(STATES));
  const back: Int16Array[] = [];
  for (let w = 1; w < W; w++) {
    const next = new Float64Array(STATES);
    const bp = new Int16Array(STATES);
    const e = emit[w] as Float64Array;
    let jumpFrom = 0;
    for (let j = 1; j < STATES; j++) if ((score[j] as number) > (score[jumpFrom] as number)) jumpFrom = j;
    for (let k = 0; k < STATES; k++) {
      let bv = (score[jumpFrom] as number) + JUMP;
      let bk = jumpFrom;
      for (let j = Math.max(0, k - reach); j <= Math.min(STATES - 1, k + reach); j++) {
        const v = (score[j] as number) + trans(k - j);
        if (v > bv) {
          bv = v;
          bk = j;
        }
      }
      next[k] = bv + (e[k] as number);
      bp[k] = bk;
    }
    back.push(bp);
    score = next;
  }
  const path = new Int16Array(W);
  let k = 0;
  for (let j = 1; j < STATES; j++) if ((score[j] as number) > (score[k] as number)) k = j;
  path[W - 1] = k;
  for (let w = W - 1; w > 0; w--) {
    k = (back[w - 1] as Int16Array)[k] as number;
    path[w - 1] = k;
  }
  const periodAt = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    // Interpolate between window centres (log-period).
    let w = 0;
    while (w + 1 < W && (centers[w + 1] as number) <= t) w++;
    const c0 = centers[w] as number;
    const p0 = Math.log2(periods[path[w] as number] as number);
    if (w + 1 < W && t > c0) {
      const c1 = centers[w + 1] as number;
      const p1 = Math.log2(periods[path[w + 1] as number] as number);
      const f = Math.min(1, (t - c0) / (c1 - c0));
      periodAt[t] = 2 ** (p0 * (1 - f) + p1 * f);
    } else periodAt[t] = 2 ** p0;
  }
  const bpms = Array.from(path, (i) => 60 / ((periods[i] as number) * hopSec)).sort((a, b) => a - b);
  return { periodAt, bpm: bpms[Math.floor(bpms.length / 2)] ?? 0, confidence };
}

/**
 * How dearly the beat DP pays for an interval off the local period. Session 15 tried 200 (a song keeps
 * one phase through off-beat passages): practice MIDI +0.031 beat F / +0.032 AMLt and classes +0.002, but
 * the corpus train slice lost 0.012 beat F (a blupi song wholly on the off-beat), against the rule that
 * no train set may regress; 100 stays. Session 21 measured 200 and 400 again (train 0.954 / 0.958 beat F
 * against 0.959) and kept 100: a tight DP holds one phase by drifting off the beat wherever the period
 * estimate is a little off; `joinPhaseSlips` holds it by undoing the DP's half-beat slips instead.
 */
const TIGHTNESS = 100;

/** Ellis' beat DP with a time-varying period. Returns beat frame indices (fractional, refined). */
export function trackBeats(onset: Float32Array, periodAt: Float32Array, tightness = TIGHTNESS): number[] {
  const n = onset.length;
  if (n < 4) return [];
  let sd = 0;
  let mu = 0;
  for (let i = 0; i < n; i++) mu += onset[i] as number;
  mu /= n;
  for (let i = 0; i < n; i++) sd += ((onset[i] as number) - mu) ** 2;
  sd = Math.sqrt(sd / n) || 1;
  const local = Float32Array.from(onset, (v) => v / sd);
  const cum = new Float32Array(n);
  const back = new Int32Array(n).fill(-1);
  // The interval penalty by distance, for the current period: the period holds for long stretches of a
  // song, so it is recomputed only when the period changes (the same values as computing it per pair).
  let penalty = new Float64Array(0);
  let penaltyFor = Number.NaN;
  for (let t = 0; t < n; t++) {
    const p = periodAt[t] as number;
    const lo = Math.max(0, Math.floor(t - 2 * p));
    const hi = Math.min(t - 1, Math.ceil(t - p / 2));
    if (p !== penaltyFor) {
      penaltyFor = p;
      // Distances up to t − lo ≤ 2p + 1; the buffer only grows (a drifting period changes it every frame).
      const needed = Math.ceil(2 * p) + 2;
      if (needed > penalty.length) penalty = new Float64Array(needed * 2);
      for (let dist = 1; dist < needed; dist++) {
        const d = Math.log(dist / p);
        penalty[dist] = tightness * d * d;
      }
    }
    let best = -Infinity;
    let bi = -1;
    for (let tau = hi; tau >= lo; tau--) {
      const v = (cum[tau] as number) - (penalty[t - tau] as number);
      if (v > best) {
        best = v;
        bi = tau;
      }
    }
    // A beat may start a chain only if nothing good precedes it.
    if (bi >= 0 && best > 0) {
      cum[t] = (local[t] as number) + best;
      back[t] = bi;
    } else cum[t] = local[t] as number;
  }
  // End on the best-scoring frame within the last beat period.
  const lastP = periodAt[n - 1] as number;
  let end = n - 1;
  for (let t = n - 1; t >= Math.max(0, n - Math.ceil(lastP)); t--)
    if ((cum[t] as number) > (cum[end] as number)) end = t;
  const beats: number[] = [];
  for (let t = end; t >= 0; t = back[t] as number) {
    beats.push(t);
    if ((back[t] as number) < 0) break;
  }
  beats.reverse();
  return beats.map((b) => refinePeak(local, b));
}

/** Parabolic interpolation of a peak at integer index i (sub-frame precision). */
function refinePeak(x: Float32Array, i: number): number {
  if (i <= 0 || i >= x.length - 1) return i;
  const a = x[i - 1] as number;
  const b = x[i] as number;
  const c = x[i + 1] as number;
  const den = a - 2 * b + c;
  if (b < a || b < c || den === 0) return i;
  return i + Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
}

/** Drops beats in leading and trailing stretches where the onset envelope is nearly silent. */
export function trimBeats(beats: number[], onset: Float32Array, periodAt: Float32Array): number[] {
  if (beats.length < 3) return beats;
  const strength = beats.map((b) => {
    const p = periodAt[Math.round(b)] ?? 20;
    const lo = Math.max(0, Math.round(b - p / 2));
    const hi = Math.min(onset.length, Math.round(b + p / 2));
    let s = 0;
    for (let i = lo; i < hi; i++) s += onset[i] as number;
    return s;
  });
  const sorted = [...strength].sort((a, b) => a - b);
  const thr = 0.1 * (sorted[Math.floor(sorted.length / 2)] ?? 0);
  let first = 0;
  while (first < beats.length && (strength[first] as number) <= thr) first++;
  let last = beats.length - 1;
  while (last > first && (strength[last] as number) <= thr) last--;
  return beats.slice(first, last + 1);
}

/**
 * One phase a song: where a steady grid slips by half a beat (one interval of 1.5 periods, two of 0.75,
 * …, with steady intervals either side), the passages after the slip sit on the other half of the beat.
 * Music at a steady tempo keeps its beat through such a passage (the truth of every MIDI file does); the
 * DP followed louder off-beats for a while. The passages on the phase with fewer beats move half a period
 * back onto the others' phase. Only machine-steady grids (≥ SLIP_GRID_STEADY of the intervals steady) are
 * joined: in a played recording with rubato a missed slip would put every later passage on the wrong side.
 */
export function joinPhaseSlips(
  beats: number[],
  periodAt: Float32Array,
  /**
   * How much a time sounds like a beat (bass and full-band onsets). A joined grid must keep JOIN_SUPPORT
   * of the grid's mean support, or the grid stays as it was.
   */
  support?: (t: number) => number,
): number[] {
  const n = beats.length;
  if (n < 16) return beats;
  const periodNear = (t: number) => periodAt[Math.min(periodAt.length - 1, Math.round(t))] as number;
  const per = (i: number) => periodNear(beats[i] as number);
  const dep = beats.slice(1).map((b, i) => (b - (beats[i] as number)) / per(i) - 1);
  const steady = (i: number) => i < 0 || i >= dep.length || Math.abs(dep[i] as number) < SLIP_STEADY;
  let steadyCount = 0;
  for (let i = 0; i < dep.length; i++) if (steady(i)) steadyCount++;
  if (steadyCount < SLIP_GRID_STEADY * dep.length) return beats;
  // Slips: [first interval of the slip, its sign]; the beats inside a slip of several steps are on
  // neither phase and go (the seams below refill them).
  const slips: Array<[number, number]> = [];
  const inSlip = new Uint8Array(n);
  for (let i = 0; i < dep.length; i++) {
    for (let w = 1; w <= 3 && i + w <= dep.length; w++) {
      let s = 0;
      for (let k = i; k < i + w; k++) s += dep[k] as number;
      if (Math.abs(Math.abs(s) - 0.5) > SLIP_TOL || steady(i) || steady(i + w - 1)) continue;
      if (![1, 2].every((k) => steady(i - k) && steady(i + w - 1 + k))) continue;
      slips.push([i, Math.sign(s)]);
      for (let k = i + 1; k < i + w; k++) inSlip[k] = 1;
      i += w - 1;
      break;
    }
  }
  if (!slips.length) return beats;
  // Each beat's phase class (flips at every slip) and the half-period shift onto the other class: undo
  // the last slip into its passage (before the first slip: make that slip early).
  const cls = new Uint8Array(n);
  const shift = new Int8Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < slips.length && (slips[j] as [number, number])[0] < i) j++;
    cls[i] = j % 2;
    shift[i] = j === 0 ? (slips[0] as [number, number])[1] : -(slips[j - 1] as [number, number])[1];
  }
  let ones = 0;
  for (const c of cls) ones += c;
  const keep = ones > n / 2 ? 1 : 0;
  const moved: number[] = [];
  for (let i = 0; i < n; i++) {
    if (inSlip[i]) continue;
    const b = beats[i] as number;
    moved.push(cls[i] === keep ? b : b + ((shift[i] as number) * per(i)) / 2);
  }
  moved.sort((a, b) => a - b);
  // Seams: a beat closer than half a period to the previous goes; a longer gap gets its beats back.
  const out: number[] = [];
  for (const b of moved) {
    const last = out.at(-1);
    if (last !== undefined) {
      const p = periodNear(last);
      if (b - last < p / 2) continue;
      // (A period under a frame is no period: nothing is filled.)
      if (p >= 1) for (let t = last + p; b - t > p / 2; t += p) out.push(t);
    }
    out.push(b);
  }
  if (support && meanOf(out, support) < JOIN_SUPPORT * meanOf(beats, support)) return beats;
  return out;
}

/** The mean of `f` over `times` (a grid's mean beat support). */
export function meanOf(times: number[], f: (t: number) => number): number {
  let s = 0;
  for (const t of times) s += f(t);
  return s / (times.length || 1);
}
/**
 * A join may cost the grid this much of its mean beat support and no more. The passages a good join
 * moves sit on their locally louder half, so it costs some (train and practice joins that hit the truth:
 * 0.85–1.24 of the support); a join that costs a quarter moved a right passage onto the off-beat (blupi
 * music000: 0.53, beat F 0.70 → 0.38; ufoai's Marine Fire Fight: 0.70, agreement with music-tempo 0.96
 * → 0.67).
 */
const JOIN_SUPPORT = 0.75;
/** An interval this far (share of the period) from the period is steady. */
const SLIP_STEADY = 0.1;
/** A slip's intervals add up to half a period, give or take this. */
const SLIP_TOL = 0.15;
/**
 * The share of steady intervals a grid needs to be joined. Session 21: 0.9 joins more real recordings
 * (ufoai/singularity) and their agreement with music-tempo fell (0.677 → 0.673 F); 0.95 and 0.98 do
 * not lower it, and 0.98 keeps most of the practice MIDI gain.
 */
const SLIP_GRID_STEADY = 0.98;

/** The median gap between consecutive times (the upper one of an even count), or undefined for fewer than two. */
export function medianGap(times: number[]): number | undefined {
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  return gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
}
