/**
 * One lattice a steady song: a machine-timed song (a MIDI render, a click-tracked or generated song)
 * keeps one beat period and one phase from start to end, but the beat tracker's dynamic programme
 * follows the louder onsets, and a passage whose groove accents another part of the beat (a drum
 * machine's B pattern on the sixteenths, a break with the bass on the off-beats) can pull it a
 * quarter or half beat off for a few bars. joinPhaseSlips (beats.ts) undoes clean half-beat slips;
 * this finds the song's lattice (period and phase) from the beats themselves and puts back on it the
 * passages that left it, whatever their offset, when the lattice holds most of the song.
 */
import { medianGap } from './beats.js';

export interface LatticeResult {
  beats: number[];
  /** Beats put back on the lattice (0: the grid was kept). */
  moved: number;
}

/** The circular distance between two phases (0…0.5). */
const apart = (a: number, b: number) => Math.abs(((((a - b) % 1) + 1.5) % 1) - 0.5);

/** Onset evidence at a frame, to judge a passage's own beats against the lattice's points there. */
export interface LatticeEvidence {
  /** The phase evidence (bass and full band; `phaseEvidence`). */
  phase: (t: number) => number;
  /** The full band's log onsets alone: asked too where the grid is less steady. */
  onset: (t: number) => number;
}

/**
 * The grid with its off-lattice passages moved onto the lattice. A grid is only touched when it is
 * steady (STEADY_SHARE of its intervals within STEADY_TOL of the median), at least ON_SHARE of its
 * beats sit on one lattice within ON_TOL of a period. Then every passage off it between lattice beats
 * goes back: one of MIN_RUN beats or more when it holds one offset (a slip; a tempo drifting away stays),
 * a shorter one whatever its offsets. A song's first or last passage goes back when it holds one offset
 * for EDGE_RUN beats (shorter, it may be the tempo settling). Given `evidence`, any other passage goes
 * back when the lattice points land on onsets at least as strong as the passage's own beats: the tracker
 * drifted off and back (an intro off the beat, a passage sliding a fifth to half a beat late), not the
 * music's tempo. A grid less steady than STEADY_SHARE but at least LOOSE_SHARE (a grid at half tempo that
 * slips a beat at every change of groove) has only such passages moved, where both kinds of evidence agree.
 */
export function holdLattice(beats: number[], evidence?: LatticeEvidence): LatticeResult {
  const n = beats.length;
  if (n < MIN_BEATS) return { beats, moved: 0 };
  const median = medianGap(beats) ?? 0;
  if (!(median > 0)) return { beats, moved: 0 };
  const gaps = beats.slice(1).map((b, i) => b - (beats[i] as number));
  let steady = 0;
  for (const g of gaps) if (Math.abs(g / median - 1) < STEADY_TOL) steady++;
  const loose = steady < STEADY_SHARE * gaps.length;
  if (loose && !(evidence && steady >= LOOSE_SHARE * gaps.length)) return { beats, moved: 0 };
  const { period, phase } = fitLattice(beats, median);
  const ph = beats.map((b) => (b / period) % 1);
  const on = ph.map((p) => apart(p, phase) < ON_TOL);
  if (on.filter(Boolean).length < ON_SHARE * n) return { beats, moved: 0 };
  // A time's place on the lattice, in lattice points.
  const at = (t: number) => t / period - phase;
  // The passages off the lattice.
  const out: number[] = [];
  let moved = 0;
  let i = 0;
  while (i < n) {
    if (on[i]) {
      out.push(beats[i] as number);
      i++;
      continue;
    }
    let j = i;
    while (j < n && !on[j]) j++;
    // A song's first or last passage is moved too when it holds one offset for longer (EDGE_RUN): a
    // slip the tracker made in the intro and never undid (practice MIDI: 94 beats on the off-beat before
    // 190 on the beat). A shorter one, or one whose offset drifts, may be the tempo settling.
    const inside = i > 0 && j < n;
    // A few beats off it between lattice beats go back whatever their offsets: the tracker took a
    // syncopated push for the beat (practice MIDI: the fourth beat of every bar 0.17 early for 8 bars).
    const short = inside && j - i < MIN_RUN;
    // The lattice points strictly between the lattice beats on either side; at a song's ends, those
    // within the passage's first or last beat (the grid is extended later).
    const k0 = i > 0 ? Math.round(at(beats[i - 1] as number)) + 1 : Math.ceil(at(beats[0] as number));
    const k1 = j < n ? Math.round(at(beats[j] as number)) - 1 : Math.floor(at(beats[n - 1] as number));
    const byShape = !loose && (short || (j - i >= (inside ? MIN_RUN : EDGE_RUN) && slipped(ph.slice(i, j))));
    if (
      byShape ||
      (evidence && latticeExplains(beats.slice(i, j), { k0, k1, phase, period }, evidence, loose))
    ) {
      for (let k = k0; k <= k1; k++) out.push((k + phase) * period);
      moved += j - i;
    } else {
      for (let k = i; k < j; k++) out.push(beats[k] as number);
    }
    i = j;
  }
  return moved ? { beats: out, moved } : { beats, moved: 0 };
}

/**
 * Whether lattice points k0…k1 land on onsets at least LATTICE_EVIDENCE times as strong as the passage's
 * beats: by the phase evidence, and on a less steady grid (`loose`) by the full band's onsets as well.
 */
function latticeExplains(
  passage: number[],
  { k0, k1, phase, period }: { k0: number; k1: number; phase: number; period: number },
  evidence: LatticeEvidence,
  loose: boolean,
): boolean {
  if (k1 < k0 || passage.length === 0) return false;
  const holds = (at: (t: number) => number) => {
    let own = 0;
    for (const b of passage) own += at(b);
    let lat = 0;
    for (let k = k0; k <= k1; k++) lat += at((k + phase) * period);
    return lat / (k1 - k0 + 1) >= LATTICE_EVIDENCE * (own / passage.length);
  };
  return holds(evidence.phase) && (!loose || holds(evidence.onset));
}
/**
 * Session 32, train material (664 songs): at 1, four songs better and none worse (the real recordings'
 * agreement with music-tempo 0.706 → 0.707); 0.9 and 0.8 also moved off-beat-majority songs' last
 * on-beat passages onto the off-beat.
 */
const LATTICE_EVIDENCE = 1;

/**
 * Whether a passage's phases (on the lattice's period) hold one offset, as a slip does: RUN_HOLD of them
 * within RUN_TOL of their circular mean. A tempo that drifts away from the lattice changes its offset
 * beat by beat and is left alone.
 */
function slipped(phases: number[]): boolean {
  let x = 0;
  let y = 0;
  for (const p of phases) {
    x += Math.cos(2 * Math.PI * p);
    y += Math.sin(2 * Math.PI * p);
  }
  const centre = Math.atan2(y, x) / (2 * Math.PI);
  return phases.filter((p) => apart(p, centre) < RUN_TOL).length >= RUN_HOLD * phases.length;
}

/**
 * The period near `median` (within ±1 %) whose lattice gathers the most beats within FIT_TOL, and that
 * lattice's phase, both refined by least squares over the beats on it. A passage slipped by a quarter
 * beat would pull a plain circular mean towards it; counting the beats near each candidate phase follows
 * the majority.
 */
function fitLattice(beats: number[], median: number): { period: number; phase: number } {
  let best = { count: -1, period: median, phase: 0 };
  const hist = new Int32Array(PHASE_BINS);
  const reach = Math.round(FIT_TOL * PHASE_BINS);
  for (let u = -PERIOD_SEARCH; u <= PERIOD_SEARCH + 1e-9; u += PERIOD_STEP) {
    const period = median * (1 + u);
    hist.fill(0);
    for (const b of beats) {
      const bin = Math.floor(((b / period) % 1) * PHASE_BINS) % PHASE_BINS;
      hist[bin] = (hist[bin] as number) + 1;
    }
    // The beats within about FIT_TOL of each bin, from the phase histogram.
    for (let c = 0; c < PHASE_BINS; c++) {
      let count = 0;
      for (let d = -reach; d <= reach; d++) count += hist[(c + d + PHASE_BINS) % PHASE_BINS] as number;
      if (count > best.count) best = { count, period, phase: (c + 0.5) / PHASE_BINS };
    }
  }
  // Refine both by least squares over the beats on the lattice: beat = (k + phase) × period.
  const { period: p0, phase: f0 } = best;
  let n = 0;
  let sk = 0;
  let sb = 0;
  let skk = 0;
  let skb = 0;
  for (const b of beats) {
    if (apart((b / p0) % 1, f0) >= FIT_TOL) continue;
    const k = Math.round(b / p0 - f0);
    n++;
    sk += k;
    sb += b;
    skk += k * k;
    skb += k * b;
  }
  const den = n * skk - sk * sk;
  if (n < 2 || !(den > 0)) return { period: p0, phase: f0 };
  const period = (n * skb - sk * sb) / den;
  const origin = (sb - period * sk) / n;
  return { period, phase: (((origin / period) % 1) + 1) % 1 };
}

/** Shorter songs give no lattice to trust. */
const MIN_BEATS = 32;
/** A steady grid: 90 % of its intervals within 6 % of the median (a slip adds one odd interval). */
const STEADY_TOL = 0.06;
const STEADY_SHARE = 0.9;
/**
 * Session 32, train material: 0.6–0.75 took back the slips of a march at half tempo (strut 218: AMLt 0.52
 * → 1.00); 0.6 also a rock waltz's (98: 0.73 → 0.95); 0.5 moved a 12/8 blues' grid onto its off-beat
 * eighths (AMLt 0.91 → 0.07). The full band alone, asked as well, kept a swing's passages on its beat
 * from being moved onto its swung "let" (simutrans' Stephenson Blues).
 */
const LOOSE_SHARE = 0.6;
/** A beat within a tenth of a period of the lattice is on it (a frame's jitter is 0.02–0.04 of a beat). */
const ON_TOL = 0.1;
/** Narrower than ON_TOL: a passage a fifth of a beat off must not share the lattice's count. */
const FIT_TOL = 0.05;
/**
 * The lattice must hold half the beats. A song that alternates two grooves (verse and chorus, A and B
 * patterns) has the slipped one nearly as long as the other: fitted on the train material (session 29),
 * 0.6 moved no passage of the keyboard styles' train half, 0.5 moved the two whose B groove had pulled
 * the grid off (beat F 0.839 → 0.850 over 78 songs) and hurt no train song anywhere.
 */
const ON_SHARE = 0.5;
/** Shorter passages off the lattice inside a song are fills, pushes or a lost beat, not a slip: they go back. */
const MIN_RUN = 8;
/** Four bars of 4/4 at least at a song's start or end. */
const EDGE_RUN = 16;
const RUN_TOL = 0.08;
const RUN_HOLD = 0.8;
const PERIOD_SEARCH = 0.01;
const PERIOD_STEP = 0.0005;
const PHASE_BINS = 40;
