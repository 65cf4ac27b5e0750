/**
 * The metrical reading a listener taps: which tempo octave (or 2:3 level) and which phase.
 *
 * The tempogram's best period is only a candidate: fast binary songs also repeat at 3 eighths (read as
 * compound at two thirds of the tempo), swing repeats at the swung eighth, and an off-beat skank is
 * the loudest onset of a reggae bar. Here every related period (×½, ×⅔, ×1, ×3⁄2, ×2) is scored by a
 * comb over its metrical multiples in the full-band and the bass-band autocorrelation, with a
 * log-Gaussian prior for the tempo people tap; the phase is then chosen by the bass-band onsets
 * (kick, bass) rather than by the loudest ones.
 */
import { meanOf, medianGap } from './beats.js';
import { lagSums } from './lag-sums.js';
import { backbeat } from './octave.js';
import { MAX_BPM, MIN_BPM } from './tempo-range.js';

/** Normalised autocorrelation (lag 0 = 1) up to maxLag. */
export function globalAcf(x: Float32Array, maxLag: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(maxLag + 1);
  lagSums(x, 0, maxLag, out);
  for (let lag = 0; lag <= Math.min(maxLag, n - 1); lag++) out[lag] = (out[lag] as number) / (n - lag);
  const z = out[0] || 1;
  for (let lag = 0; lag <= maxLag; lag++) out[lag] = (out[lag] as number) / z;
  return out;
}

/** Peak of a around fractional lag (±2 % tolerance for slight tempo drift). */
function peakNear(a: Float64Array, lag: number): number {
  const r = Math.max(1, Math.round(lag * 0.02));
  const c = Math.round(lag);
  let m = Number.NEGATIVE_INFINITY;
  for (let i = c - r; i <= c + r; i++) if (i > 0 && i < a.length) m = Math.max(m, a[i] as number);
  return Number.isFinite(m) ? m : 0;
}

function maxAround(x: Float32Array, center: number, r: number): number {
  let m = 0;
  const c = Math.round(center);
  for (let i = Math.max(0, c - r); i <= Math.min(x.length - 1, c + r); i++) m = Math.max(m, x[i] as number);
  return m;
}

export interface PhaseChoice {
  beats: number[];
  /** Fraction of a beat the grid was moved by (0 = kept). */
  shift: number;
  /** The phase came from the song's first attack against the onsets' (near-tied) evidence. */
  byStart?: boolean;
}

/** The mean of an onset envelope, or 1 where it is silent, to scale envelopes against each other. */
function meanOrOne(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s / Math.max(1, x.length) || 1;
}

/**
 * The bass band's share of the phase evidence (the full band has the rest; each scaled by its mean),
 * fitted on the train slice. The bass finds the beat under an off-beat skank; game and pop bass lines
 * that run on the off-beats argue for less (bench/diag-phase-blocks.ts: 0.5 puts the truth's beat first
 * in 7 more of the 75 practice MIDI songs), but 0.5–0.65 lost beats on the fast mma classes.
 */
const PHASE_LOW = 0.75;

/** The phase evidence at a frame: bass and full band onsets. */
export function phaseEvidence(onset: Float32Array, lowOnset: Float32Array): (t: number) => number {
  const mo = meanOrOne(onset);
  const ml = meanOrOne(lowOnset);
  return (t) =>
    (PHASE_LOW * maxAround(lowOnset, t, 1)) / ml + ((1 - PHASE_LOW) * maxAround(onset, t, 1)) / mo;
}

/**
 * Keeps the tracked grid or moves it by ¼, ⅓, ½, ⅔ or ¾ of a beat, whichever puts the bass-band onsets
 * (and, less, the full-band ones) on the beats. Shifts need a clear margin: a kept grid is the default.
 * The quarters are for a grid at half tempo on the off-beat eighths (salsa's montuno is loudest there).
 */
export function chooseBeatPhase(
  beats: number[],
  onset: Float32Array,
  lowOnset: Float32Array,
  periodAt: Float32Array,
  highOnset?: Float32Array,
  /** Seconds a frame: with it, a grid slow enough to be at half tempo may move a quarter by the full band. */
  hopSec?: number,
): PhaseChoice {
  if (beats.length < 8) return { beats, shift: 0 };
  const ev = phaseEvidence(onset, lowOnset);
  // The evidence at each candidate shift, measured once (the quarter check and the tie-break reuse them).
  const scores = new Map(
    [0, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4].map((phi) => [phi, evidenceAt(beats, periodAt, ev, phi)] as const),
  );
  const score = (phi: number) => scores.get(phi) as number;
  const base = score(0);
  let best = { phi: 0, s: base };
  // A quarter shift says the grid and its midpoints were both off the beat (a half-tempo grid on the
  // off-beat eighths): the grid's double must gain as much as a shift needs, not only the grid.
  const doubleBase = base + score(1 / 2);
  for (const phi of [1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4]) {
    const s = score(phi);
    if (phi % 0.5 === 0.25 && s + score((phi + 1 / 2) % 1) < QUARTER_DOUBLE * doubleBase) continue;
    if (s > best.s) best = { phi, s };
  }
  const quarter = hopSec ? fullBandQuarter(beats, onset, periodAt, hopSec, score) : undefined;
  if (quarter !== undefined)
    return { beats: shiftGrid(beats, quarter, periodAt, onset.length), shift: quarter };
  if (best.phi === 0 || best.s < base * (best.phi === 1 / 2 ? HALF_SHIFT_GAIN : SHIFT_GAIN)) {
    // A song starts on a beat: when its first attack falls on the grid's off-beat and the off-beat's
    // onsets are not far weaker, the grid is on the off-beat eighths (drums as loud between the beats).
    const first = firstPhase(beats, onset);
    if (first < 0.5 - FIRST_TOL || first > 0.5 + FIRST_TOL || score(1 / 2) < base * PHASE_TIE)
      return { beats, shift: 0 };
    best = { phi: 1 / 2, s: base };
  }
  const byStart = best.s === base;
  const shifted = shiftGrid(beats, best.phi, periodAt, onset.length);
  // The bass outweighs the drums in the evidence; a bass line on the off-beats (or anticipating the beat)
  // then pulls the grid off a kick/snare backbeat that sits on it. A shift that takes that backbeat away
  // is not made.
  if (
    !byStart &&
    highOnset &&
    backbeat(beats, lowOnset, highOnset) - backbeat(shifted, lowOnset, highOnset) > BACKBEAT_KEEP
  )
    return { beats, shift: 0 };
  return { beats: shifted, shift: best.phi, byStart };
}

/**
 * How much more onset evidence a quarter shift must put on the grid's double (points and midpoints)
 * than it had. Session 29, on the train material (664 songs): the three salsa grids at half tempo on
 * the off-beat eighths, which the shift rightly moves, gained 2.05–2.14 times; a rock groove at half
 * tempo on its beat whose bass runs on the eighths between (casio's Rock2) gained 1.34 and was moved
 * off the beat (AMLt 0).
 */
const QUARTER_DOUBLE = 1.6;

/**
 * How much more full-band onset a grid's quarters (¼ and ¾ of its beat) must carry than its points and
 * midpoints for a quarter shift against the bass. A half-tempo grid on the off-beat eighths of a trance
 * groove (kick on the beat, bass and open hat on the off-beats): the bass holds the grid there, but the
 * whole band's onsets sit on the quarters. Session 37, the tracked grids of the train material: the two such
 * grids (a trance project re-timed to 154 and 196 bpm) 1.32 and 1.36; every other grid slow enough to be
 * at half tempo (MAX_BPM / 2 or slower) at most 1.03 (salsa at half tempo on its beat). Faster grids
 * cannot be at half tempo, and bebop's swung eighths near ¾ of the beat reach 1.30 there.
 */
const FULL_QUARTER = 1.15;

/**
 * The quarter shift (¼ or ¾, the one with more evidence) the full band alone asks for of a grid that can
 * be at half tempo, else undefined.
 */
function fullBandQuarter(
  beats: number[],
  onset: Float32Array,
  periodAt: Float32Array,
  hopSec: number,
  score: (phi: number) => number,
): number | undefined {
  const gap = medianGap(beats);
  if (!gap || 60 / (gap * hopSec) > MAX_BPM / 2) return undefined;
  const at = (phi: number) => evidenceAt(beats, periodAt, (t) => maxAround(onset, t, 1), phi);
  if (at(1 / 4) + at(3 / 4) < FULL_QUARTER * (at(0) + at(1 / 2))) return undefined;
  return score(1 / 4) >= score(3 / 4) ? 1 / 4 : 3 / 4;
}

/**
 * How much more onset evidence than the grid's own a half-beat shift needs (other shifts: SHIFT_GAIN).
 * The tracker follows the whole band and the evidence leans on the bass (PHASE_LOW), so a grid on the
 * drums' beat over a bass line on the off-beats is the costly mistake. Session 33, the train material
 * (664 songs): the half shifts that took a right grid onto the off-beat (an 8-beat ballad and a digital
 * rock style under a pumping bass) gained 1.31 and 1.48 times; those that took an off-beat grid onto the
 * beat gained 1.54 and more (a game tune at 1.29 is still moved, by its first attack: `firstPhase`).
 */
const HALF_SHIFT_GAIN = 1.5;
/** How much more onset evidence than the grid's own a ¼, ⅓, ⅔ or ¾ shift needs. */
const SHIFT_GAIN = 1.25;

/**
 * How much more backbeat (`backbeat`, octave.ts) the tracked grid must have than the shifted one to stay.
 * Fitted on the train material (bench/diag-backbeat-phase.ts): the two wrong shifts, game tunes with the
 * bass on the off-beats or just before the beat, lost 0.38 and 0.70; the right ones lost at most 0.31
 * (a bolero under the spoken layer; 0.24 for a bebop grid at half tempo). A narrow margin, so only a
 * backbeat that clearly leaves with the shift holds the grid.
 */
const BACKBEAT_KEEP = 0.35;

/** The mean of `evidence` at every beat moved `phi` of its interval later. */
function evidenceAt(
  beats: number[],
  periodAt: Float32Array,
  evidence: (t: number) => number,
  phi: number,
): number {
  return meanOf(
    beats.map((b, i) => b + phi * beatInterval(beats, i, periodAt)),
    evidence,
  );
}

/** The interval after beat i (after the last beat, the tracker's period there). */
function beatInterval(beats: number[], i: number, periodAt: Float32Array): number {
  const b = beats[i] as number;
  return (beats[i + 1] ?? b + (periodAt[Math.round(b)] ?? 40)) - b;
}

/** The grid moved by `phi` of each beat's interval, without points past the last of `frames`. */
export function shiftGrid(beats: number[], phi: number, periodAt: Float32Array, frames: number): number[] {
  return beats.map((b, i) => b + phi * beatInterval(beats, i, periodAt)).filter((b) => b < frames - 1);
}

/**
 * A swing or shuffle grid tracked on its swung "let" (⅔ through the beat) has the beat ⅓ after each point
 * and nothing ⅔ after it or half-way; on the beat it is the other way round. Fitted on the train slice,
 * the classes and the practice MIDI (bench/diag-swing.ts, 561 songs): the onsets ⅓ after the points at
 * least LET_THIRD of the points' own and LET_RATIO times those at ⅔, with at most LET_HALF of them
 * half-way (a grid at half tempo has its other beat there), matched the two shuffles on the let (12/8 at
 * 120 and 153) and nothing else.
 */
const LET_THIRD = 0.2;
const LET_RATIO = 1.4;
const LET_HALF = 0.15;

/** Whether the grid sits on the swung eighths of a swing or shuffle beat (the beat is ⅓ of a period later). */
export function onSwungLet(beats: number[], onset: Float32Array): boolean {
  if (beats.length < 16) return false;
  const at = (q: number) => {
    let v = 0;
    for (let i = 0; i + 1 < beats.length; i++) {
      const b = beats[i] as number;
      v += maxAround(onset, b + q * ((beats[i + 1] as number) - b), 1);
    }
    return v;
  };
  const own = at(0);
  if (!(own > 0)) return false;
  const third = at(1 / 3);
  return third >= LET_THIRD * own && third >= LET_RATIO * at(2 / 3) && at(1 / 2) <= LET_HALF * own;
}

/**
 * The off-beat's phase score within this share of the grid's counts as a near tie (fitted on the train
 * slice; 0.5 gained 0.011 AMLt on the practice MIDI but agreed less with both peers on real recordings).
 */
const PHASE_TIE = 0.6;
/** How near the grid's off-beat (in beats) the song's first attack must fall. */
const FIRST_TOL = 0.15;

/**
 * Where the song's first strong attack (a third of the loud onsets' level) falls within the grid's
 * beat, 0…1, as the circular mean over the grid's first 16 beats (one early beat may be misplaced).
 */
export function firstPhase(beats: number[], onset: Float32Array): number {
  const sorted = Float32Array.from(onset).sort();
  const thr = 0.3 * (sorted[Math.floor(sorted.length * 0.95)] as number);
  let t = 0;
  while (t < onset.length && (onset[t] as number) < thr) t++;
  let x = 0;
  let y = 0;
  for (let k = 0; k + 1 < Math.min(beats.length, 17); k++) {
    const p = (beats[k + 1] as number) - (beats[k] as number);
    const a = (2 * Math.PI * (t - (beats[k] as number))) / p;
    x += Math.cos(a);
    y += Math.sin(a);
  }
  return (((Math.atan2(y, x) / (2 * Math.PI)) % 1) + 1) % 1;
}

export interface TempoReading {
  /** The tempo a listener most likely taps. */
  bpm: number;
  /** 0…1: how far the chosen reading beats its best related alternative. */
  confidence: number;
  /** The best related reading (×½, ×⅔, ×3⁄2, ×2): the safer level to cut on when confidence is low. */
  alternativeBpm: number;
  /** How the reading was reached, one entry a rule that moved it (the audit log shows them). */
  steps?: string[];
}

/**
 * The reading is the comb's own best peak: `chooseTempo` logs the peak first and then one step for each
 * rule that moved the reading off it (3⁄2, ⅓, the faster of a tie).
 */
export const isCombPeak = (r: TempoReading): boolean => (r.steps ?? []).length <= 1;

const GRID = 240;
// Comb weights over metrical multiples of the beat period (full band: 1, 2, 3, 4 beats; bass band:
// 1, 2 beats) and the tapping prior: fitted on the training slice of the mma corpus only, rounded,
// and checked by 4-fold cross-validation over groove families (tempo right in ~88 % of held-out folds).
const W_FULL: Array<[number, number]> = [
  [1, 1],
  [2, 0.6],
  [3, 0.5],
  [4, 0.4],
];
const W_LOW: Array<[number, number]> = [
  [1, -0.5],
  [2, -0.15],
];
const PRIOR_BPM = 140;
const PRIOR_OCTAVES = 1;
const PRIOR_WEIGHT = 0.6;
/** Below this confidence a reading at double tempo up to FAST_TAP_BPM wins (fitted on the train slice). */
export const OCTAVE_DOUBT = 0.2;
const FAST_TAP_BPM = 190;

/** Score of one beat period (frames). */
function readingScore(full: Float64Array, low: Float64Array, period: number, hopSec: number): number {
  const bpm = 60 / (period * hopSec);
  let s = 0;
  for (const [m, w] of W_FULL) s += w * peakNear(full, m * period);
  for (const [m, w] of W_LOW) s += w * peakNear(low, m * period);
  const o = Math.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES;
  return s - PRIOR_WEIGHT * 0.5 * o * o;
}

/** The best-scoring reading within ±3 % of `bpm` (none above MAX_BPM): a related level is rarely exact. */
function bestReadingNear(
  full: Float64Array,
  low: Float64Array,
  bpm: number,
  hopSec: number,
): { bpm: number; s: number } {
  let c = { bpm: 0, s: Number.NEGATIVE_INFINITY };
  for (const d of [0.97, 0.985, 1, 1.015, 1.03]) {
    const b = bpm * d;
    if (b > MAX_BPM) continue;
    const s = readingScore(full, low, 60 / b / hopSec, hopSec);
    if (s > c.s) c = { bpm: b, s };
  }
  return c;
}

/**
 * A rule that reads the beat at a level related to the comb's `bpm` (best within ±3 % of it) from the full
 * and bass bands' comb scores, or finds no reason to (undefined).
 */
type RelatedReading = (
  full: Float64Array,
  low: Float64Array,
  bpm: number,
  hopSec: number,
) => { bpm: number; s: number } | undefined;

/**
 * Fitted on the train slice: the bass band's periodicity at 3⁄2 of the comb's tempo must be at least
 * BASS_RATIO times that at the tempo itself and above BASS_FLOOR (train: disco read at ⅔ 0.33 → 0.64, a
 * 3/4 jazz waltz read as 6/8 0.08 → 0.24; 12/8 ballads and blues ≤ 0.03 there, a 6/8 swing 0.82 → 0.27).
 * And the comb's reading must divide in three (session 32, the 15 train songs the rule moved: the ten
 * read at ⅔ of their beat repeat at a third of the period 0.32–0.83 and at half of it ≤ 0.05; a soul
 * groove and a game tune read right, whose bass figures repeat every 4⁄3 beats, 0.00–0.05 at a third and
 * 0.66–0.76 at half. A shuffle read right, Slow'n'Easy, divides in three and is still moved).
 */
const BASS_RATIO = 1.5;
const BASS_FLOOR = 0.15;

/** The reading at 3⁄2 of `bpm` (best within ±3 %) when the bass band says it is the beat, else undefined. */
const bassBeat: RelatedReading = (full, low, bpm, hopSec) => {
  const perFrame = (b: number) => 60 / b / hopSec;
  const c = bestReadingNear(full, low, bpm * 1.5, hopSec);
  if (!(c.bpm > 0)) return undefined;
  const here = peakNear(low, perFrame(bpm));
  // The bass may repeat only every other beat (half notes): 2 beats is 4⁄3 of the comb's period, no
  // multiple of it.
  const there = Math.max(peakNear(low, perFrame(c.bpm)), peakNear(low, 2 * perFrame(c.bpm)));
  if (!(there >= BASS_FLOOR && there >= BASS_RATIO * here)) return undefined;
  // ⅔ of a straight beat divides in three (its eighths); a straight reading whose bass figure repeats
  // at 3⁄2 of it (a soul bass line over 1½ beats) divides in two.
  return repeatsAtThirds(full, perFrame(bpm)) ? c : undefined;
};

/**
 * Whether a reading's period divides in three (its eighths at a third of it, as ⅔ of a straight beat's
 * period does), not in two, by the whole song's repetitions (octave.ts' `dividesInThree` asks the same of
 * a tracked grid's points): the full band repeats at a third of the period at least TERNARY_FLOOR and
 * more than THIRDS_OVER_HALF times as much as at half of it.
 */
function repeatsAtThirds(full: Float64Array, period: number): boolean {
  const third = peakNear(full, period / 3);
  return third >= TERNARY_FLOOR && third > THIRDS_OVER_HALF * peakNear(full, period / 2);
}

/**
 * Fitted on train, class and practice material (`bench/diag-bar.ts`): a reading of at least BAR_MIN_BPM
 * whose full band repeats at 2 or 4 beats of the 3⁄2 reading (4⁄3 or 8⁄3 of its own period, no multiple
 * of it) at least BAR_RATIO times as much as at 1 or 3 of its own periods. Compound readings that were
 * right scored up to 0.73; straight songs read as 12/8 0.89–2.1 (a game tune at 150, salsa at 218, a fast
 * waltz with 2-bar chords), and 0.55–0.78 for three more, left alone for the margin.
 */
const BAR_MIN_BPM = 90;
const BAR_RATIO = 0.8;
/** The full band's repetition at a third of the period, below which a reading does not divide in threes. */
const TERNARY_FLOOR = 0.2;
/**
 * Train material: readings at ⅔ of their beat repeat at a third 6 or more times as much as at half, the
 * straight readings right there 0.08 times or less. 1.5 missed a produced psytrance track (session 34,
 * LMMS' PpTrip: 16ths in the bass, 0.33 against 0.22, read at ⅔ of 140); 1 takes it and moves nothing
 * else in the 670 train songs.
 */
const THIRDS_OVER_HALF = 1;

/** Whether the whole band's repetitions (`full`, its autocorrelation) say `bpm` is ⅔ of a straight beat. */
export function barsAtThreeHalves(full: Float64Array, bpm: number, hopSec: number): boolean {
  if (bpm < BAR_MIN_BPM) return false;
  const p = 60 / bpm / hopSec;
  // Only a reading that divides in threes, as a compound beat does (a ballad read at double divides in
  // neither, and its 3⁄2 is no beat at all).
  if (!repeatsAtThirds(full, p)) return false;
  const own = Math.max(peakNear(full, p), peakNear(full, 3 * p));
  const other = Math.max(peakNear(full, (4 / 3) * p), peakNear(full, (8 / 3) * p));
  return other >= BAR_RATIO * own;
}

/** The reading at 3⁄2 of `bpm` when the whole band's bars say it is the beat, else undefined. */
const barBeat: RelatedReading = (full, low, bpm, hopSec) => {
  if (!barsAtThreeHalves(full, bpm, hopSec)) return undefined;
  const c = bestReadingNear(full, low, bpm * 1.5, hopSec);
  return c.bpm > 0 ? c : undefined;
};

/**
 * Fitted on the train families (a 12/8 ballad at 51 and blues at 56, a 6/8 swing at 51, all read at three
 * times the beat): the bass must repeat at 3 or 6 grid points at least COMPOUND_BASS times more than at 1, 2
 * or 4 of them (and above BASS_FLOOR), so the grid groups in threes…
 */
const COMPOUND_BASS = 2;
/**
 * …and the grid must not be a beat of its own: the full band repeats at 3 points more than twice as much
 * as at 1 (6/8 swing read at its eighths: 0.14 against 0.46; waltzes at their beat ≥ 0.64 of it), or the
 * bass pattern spans 6 points, not 3 (a 12/8 ballad's bass on beats 1 and 3: 0.70 against 0.10; a waltz's
 * bass on every bar line repeats at 3 as much as at 6).
 */
const COMPOUND_SELF = 0.5;
/**
 * The bass's repetition at 6 points against 3, below which the grid's groups of three make no compound
 * bar (`bench/diag-compound-beat.ts`, train material: right moves ≥ 1.05, pop spirituals whose bass
 * repeats every 3 eighths of a 4/4 bar 0.32–0.40).
 */
const COMPOUND_BAR = 0.5;

/**
 * The reading at ⅓ of `bpm` (best within ±3 %) when `bpm` is the triplet-eighth pulse of a slow compound
 * beat (6/8, 12/8 at 40–75 bpm), else undefined.
 */
const compoundBeat: RelatedReading = (full, low, bpm, hopSec) => {
  if (bpm / 3 < MIN_BPM) return undefined;
  const p = 60 / bpm / hopSec;
  const [l1, l2, l3, l4, l6] = [1, 2, 3, 4, 6].map((m) => peakNear(low, m * p)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const binary = Math.max(l1, l2, l4);
  const group = Math.max(l3, l6);
  if (group < BASS_FLOOR || group < COMPOUND_BASS * binary) return undefined;
  // A compound bar (two beats of three) repeats as a bar: a 3+3+2 figure over straight eighths repeats
  // at 3 points but not at 6.
  if (l6 < COMPOUND_BAR * l3) return undefined;
  const weakGrid = peakNear(full, p) < COMPOUND_SELF * peakNear(full, 3 * p);
  const twoBeatBass = l6 >= COMPOUND_BASS * l3;
  if (!weakGrid && !twoBeatBass) return undefined;
  return bestReadingNear(full, low, bpm / 3, hopSec);
};

/**
 * Fitted on the train material (`bench/diag-ratio.ts`): a 3+3+2 riff read at its dotted notes (a game
 * tune at 120 read at 160, 145 at 193) or a binary beat read as compound (180 at 120) repeats most at
 * 16⁄3 of the reading's period: the bar of the true beat, which is no multiple of it. The full and bass
 * bands must both repeat there at least DOTTED_RATIO times their most at 1–4 periods (read wrongly:
 * 1.11–1.26; read right: at most 0.80 over 170 train songs).
 */
const DOTTED_RATIO = 1;
const DOTTED_MIN_BPM = 100;
/**
 * A reading whose periods do not divide in three is still dotted when its bar ratio reaches this.
 * Session 36, the train songs of all sets and LMMS' train projects re-timed: a progressive-house pluck
 * in dotted eighths (re-timed to 102 and 115, read at 4⁄3) 1.19 and more; of the songs read right, none
 * above 1.04 (a salsa at 156).
 */
const DOTTED_BAR_ALONE = 1.1;

/**
 * The tempo when `bpm` (the tracked grid's) is a dotted or compound reading of a straight beat: the better
 * scoring of ⅔ and 4⁄3 of its period (best within ±3 %), else undefined.
 */
export function dottedReading({ full, low }: TempoAcfs, bpm: number, hopSec: number): number | undefined {
  if (!(bpm >= DOTTED_MIN_BPM)) return undefined;
  const p = 60 / bpm / hopSec;
  if (full.length - 1 < 5.5 * p) return undefined;
  const bar = (16 / 3) * p;
  const most = (a: Float64Array, ms: number[]) => Math.max(1e-6, ...ms.map((m) => peakNear(a, m * p)));
  const rFull = peakNear(full, bar) / most(full, [1, 2, 3, 4]);
  const rLow = peakNear(low, bar) / most(low, [1, 2, 4]);
  const r = Math.min(rFull, rLow);
  // Only a reading that divides in threes (a dotted quarter's eighths, a dotted eighth's sixteenths),
  // unless the true beat's bar clearly outrepeats every multiple of the reading (a dotted-eighth figure
  // with nothing between its notes).
  if (r < DOTTED_RATIO || (r < DOTTED_BAR_ALONE && !repeatsAtThirds(full, p))) return undefined;
  const faster = bestReadingNear(full, low, bpm * 1.5, hopSec);
  const slower = bestReadingNear(full, low, bpm * 0.75, hopSec);
  const c = faster.s >= slower.s ? faster : slower;
  return c.bpm > 0 ? c.bpm : undefined;
}

/** The full-band and bass-band autocorrelations every tempo reading is scored on (computed once a song). */
export interface TempoAcfs {
  full: Float64Array;
  low: Float64Array;
}

/** The autocorrelations of the onset envelopes up to 4.2 beats of the slowest tempo. */
export function tempoAcfs(onset: Float32Array, lowOnset: Float32Array, hopSec: number): TempoAcfs {
  const maxLag = Math.max(0, Math.min(onset.length - 1, Math.ceil((4.2 * 60) / MIN_BPM / hopSec)));
  return { full: globalAcf(onset, maxLag), low: globalAcf(lowOnset, maxLag) };
}

/**
 * The global tempo from the comb scores of every period between 40 and 220 bpm, with the tapping
 * prior; the alternative is the best of the related readings.
 */
export function chooseTempo(
  onset: Float32Array,
  lowOnset: Float32Array,
  hopSec: number,
  acfs: TempoAcfs = tempoAcfs(onset, lowOnset, hopSec),
): TempoReading {
  const { full, low } = acfs;
  if (full.length - 1 < 8) return { bpm: 0, confidence: 0, alternativeBpm: 0 };
  const perFrame = (bpm: number) => 60 / bpm / hopSec;
  let best = { bpm: 0, s: Number.NEGATIVE_INFINITY };
  for (let k = 0; k < GRID; k++) {
    const bpm = MIN_BPM * (MAX_BPM / MIN_BPM) ** (k / (GRID - 1));
    const s = readingScore(full, low, perFrame(bpm), hopSec);
    if (s > best.s) best = { bpm, s };
  }
  // Related readings: the other metrical levels a listener might tap.
  let alt = { bpm: 0, s: Number.NEGATIVE_INFINITY };
  for (const r of [0.5, 2 / 3, 1.5, 2]) {
    const bpm = best.bpm * r;
    if (bpm < MIN_BPM || bpm > MAX_BPM * 1.1) continue;
    // Best within ±3 % of the related tempo.
    for (const d of [0.97, 0.985, 1, 1.015, 1.03]) {
      const s = readingScore(full, low, perFrame(bpm * d), hopSec);
      if (s > alt.s) alt = { bpm: bpm * d, s };
    }
  }
  // A compound reading at two thirds of a binary beat: the full band repeats at 3 eighths as well as at
  // 2 (disco's even eighths, a waltz's comping), but the bass (kick, bass notes) repeats at the beat.
  // When the bass band repeats clearly more at 3⁄2 of the tempo, that is the beat.
  // The same from the whole band's bar-length repetitions (a riff over 2 or 4 beats): see barBeat.
  const steps = [`comb ${best.bpm.toFixed(1)}`];
  const byBass = bassBeat(full, low, best.bpm, hopSec);
  const faster = byBass ?? barBeat(full, low, best.bpm, hopSec);
  if (faster) {
    steps.push(`${byBass ? 'bass' : 'bars'} at 3/2: ${faster.bpm.toFixed(1)}`);
    const prev = best;
    best = faster;
    alt = prev;
  }
  // A slow compound beat read at its triplet eighths (three times the tempo): see compoundBeat.
  const slower = faster ? undefined : compoundBeat(full, low, best.bpm, hopSec);
  if (slower) {
    steps.push(`compound at 1/3: ${slower.bpm.toFixed(1)}`);
    const prev = best;
    best = slower;
    alt = prev;
  }
  const margin = Number.isFinite(alt.s) ? best.s - alt.s : 1;
  const confidence = Math.max(0, Math.min(1, margin / 0.5));
  // The comb cannot tell a fast beat from its half when the two score alike (a backbeat at half
  // tempo repeats as well as the beat): listeners tap the faster one up to about 190 bpm.
  const ratio = alt.bpm / best.bpm;
  if (confidence < OCTAVE_DOUBT && ratio > 1.9 && ratio < 2.1 && alt.bpm <= FAST_TAP_BPM) {
    steps.push(`doubt, the faster: ${alt.bpm.toFixed(1)}`);
    return { bpm: alt.bpm, confidence, alternativeBpm: best.bpm, steps };
  }
  return { bpm: best.bpm, confidence, alternativeBpm: alt.bpm, steps };
}

/** The related readings the runner-up can be, as its tempo over ours, and where each can start (in beats). */
const RELATED: Array<{ ratio: number; offsets: number[] }> = [
  { ratio: 1 / 3, offsets: [0, 1, 2] },
  { ratio: 1 / 2, offsets: [0, 1] },
  { ratio: 2 / 3, offsets: [0, 0.5, 1] },
  { ratio: 3 / 2, offsets: [0, 1 / 3] },
  { ratio: 2, offsets: [0] },
  { ratio: 3, offsets: [0] },
];

/** The simple ratio (⅓, ½, ⅔, 3⁄2, 2, 3) nearest to a measured one. */
export function relatedRatio(ratio: number): number {
  let best = RELATED[0] as (typeof RELATED)[number];
  for (const r of RELATED)
    if (Math.abs(Math.log(r.ratio / ratio)) < Math.abs(Math.log(best.ratio / ratio))) best = r;
  return best.ratio;
}

/**
 * The beat grid of a related reading (`ratio` = its tempo / ours): positions every 1/ratio beats of
 * our grid, interpolated between our beats, so it bends with the same tempo changes. The ratio is snapped
 * to the simple one it stands for (the comb's runner-up peak sits a few % off it, and an unsnapped grid
 * drifts across ours instead of meeting it every 2 or 3 beats). A slower grid starts where it meets
 * most `anchors` (our bar lines), then where `strength` (of a time) is greatest on average.
 */
export function alternativeGrid(
  beats: number[],
  ratio: number,
  pick: { anchors?: number[]; strength?: (t: number) => number } = {},
): number[] {
  if (beats.length < 2 || !(ratio > 0)) return [];
  const snapped = relatedRatio(ratio);
  const offsets = RELATED.find((r) => r.ratio === snapped)?.offsets ?? [0];
  const step = 1 / snapped;
  const anchors = new Set((pick.anchors ?? []).map((t) => Math.round(t * 1000)));
  const at = (x: number) => {
    const i = Math.min(beats.length - 2, Math.floor(x));
    const f = x - i;
    return (beats[i] as number) * (1 - f) + (beats[i + 1] as number) * f;
  };
  let best: number[] = [];
  let bestMet = -1;
  let bestStrength = Number.NEGATIVE_INFINITY;
  for (const o of offsets) {
    const out: number[] = [];
    let met = 0;
    let strength = 0;
    for (let x = o; x <= beats.length - 1 + 1e-9; x += step) {
      const t = at(x);
      out.push(t);
      if (Math.abs(x - Math.round(x)) < 1e-6 && anchors.has(Math.round(t * 1000))) met++;
      strength += pick.strength ? pick.strength(t) : 0;
    }
    // Mean strength: offsets that start later have a point fewer.
    const mean = strength / Math.max(1, out.length);
    if (met > bestMet || (met === bestMet && mean > bestStrength + 1e-12)) {
      bestMet = met;
      bestStrength = mean;
      best = out;
    }
  }
  return best;
}
