/** The beat level: tracking at the comb's reading, then at the level the drum pattern points to (octave.ts). */
import {
  joinPhaseSlips,
  meanOf,
  medianGap,
  type TempoTrack,
  trackBeats,
  trackTempo,
  trimBeats,
} from './beats.js';
import { holdLattice } from './lattice.js';
import {
  beatEveryPointAndAHalf,
  compoundEighths,
  dividesInThree,
  halfOfTriple,
  harmonicHalfBar,
  harmonicPeriodTwo,
  octaveEvidence,
  octaveFactor,
  tooSlowGrid,
} from './octave.js';
import {
  chooseBeatPhase,
  dottedReading,
  isCombPeak,
  OCTAVE_DOUBT,
  onSwungLet,
  phaseEvidence,
  shiftGrid,
  type TempoAcfs,
  type TempoReading,
  tempoAcfs,
} from './reading.js';

export interface LevelledTrack {
  reading: TempoReading;
  tempo: TempoTrack;
  /** Tracked and phased beats (frames). */
  beats: number[];
  /** The free tempo path's bpm when it strayed from the reading and the beats were tracked on a held one. */
  strayedTo?: number;
  /** Beats of passages off the song's lattice that were put back on it (holdLattice). */
  relatticed?: number;
}

/**
 * Tracks the beat at the comb's reading, then again at half or double tempo when the drum pattern says
 * so; the comb's reading becomes the alternative and the backbeat gain the confidence.
 */
export function trackAtLevel(
  f: LevelFeatures,
  comb: TempoReading,
  /** The comb's autocorrelations (`chooseTempo` took them; computed here when not given). */
  acfs: TempoAcfs = tempoAcfs(f.onset, f.lowOnset, f.hopSec),
): LevelledTrack {
  // Every grid tracked on a held path goes in the audit log (a level rule may have judged it, then moved on).
  const held: string[] = [];
  const track: Track = (bpm, strayMax) => {
    const t = trackAt(f, bpm, strayMax);
    if (t.strayedTo)
      held.push(`path strayed to ${t.strayedTo.toFixed(1)}, held to the reading: ${bpm.toFixed(1)}`);
    if (t.relatticed)
      held.push(`${t.relatticed} beats off the song's lattice put back on it at ${bpm.toFixed(1)} bpm`);
    return t;
  };
  const dotted = pointAndAHalf(f, dottedLevel(f, comb, acfs, track), track);
  const level = held.length
    ? { ...dotted, reading: { ...dotted.reading, steps: [...(dotted.reading.steps ?? []), ...held] } }
    : dotted;
  // Judged on the final grid only: an intermediate level's points fall elsewhere in the beat.
  if (!onSwungLet(level.beats, f.onset)) return level;
  const beats = shiftGrid(level.beats, 1 / 3, level.tempo.periodAt, f.beatOnset.length);
  const steps = [...(level.reading.steps ?? []), 'on the swung let: moved by 1/3'];
  return { ...level, reading: { ...level.reading, steps }, beats };
}

/**
 * The beat tracked at a tempo the user gave (they know their song's tempo: the DAW's project, Suno's
 * metadata): no level rule second-guesses it, and the path is held to it, so the grid keeps that level
 * while following the song's own drift (HELD_SPREAD).
 */
export function trackAtGivenTempo(f: LevelFeatures, bpm: number): LevelledTrack {
  const support = phaseEvidence(f.beatOnset, f.lowBeatOnset);
  const held = beatsOnPath(f, trackTempo(f.beatOnset, f.hopSec, bpm, HELD_SPREAD), support);
  return { reading: { bpm, confidence: 1, alternativeBpm: 0, steps: [`tempo given: ${bpm}`] }, ...held };
}

/** The octave level (octaveLevel), then a dotted reading's straight beat (dottedReading). */
type Track = (bpm: number, strayMax?: number) => Omit<LevelledTrack, 'reading'>;

function dottedLevel(f: LevelFeatures, comb: TempoReading, acfs: TempoAcfs, track: Track): LevelledTrack {
  const first = octaveLevel(f, comb, track);
  const median = medianGap(first.beats);
  if (!median || first.beats.length < 16) return first;
  // A grid at the dotted notes of a straight beat (or its compound reading): the bar says where the beat is.
  const bpm = dottedReading(acfs, 60 / (median * f.hopSec), f.hopSec);
  if (!bpm) return first;
  return {
    reading: moved(first.reading, bpm, first.reading.confidence, 'dotted reading'),
    ...track(bpm),
  };
}

/** A grid every two triplets of a swung or compound beat: the beat is every 1.5 points (beatEveryPointAndAHalf). */
function pointAndAHalf(f: LevelFeatures, level: LevelledTrack, track: Track): LevelledTrack {
  if (!beatEveryPointAndAHalf(level.beats, f.beatOnset)) return level;
  const bpm = (level.reading.bpm * 2) / 3;
  return {
    reading: moved(level.reading, bpm, level.reading.confidence, 'beat every 1.5 points'),
    ...track(bpm),
  };
}

/** The beat tracked at `bpm` (the tracker's own choice when 0) and phased. */
function trackAt(f: LevelFeatures, bpm: number, strayMax = STRAY_MAX): Omit<LevelledTrack, 'reading'> {
  const env = f.beatOnset;
  const support = phaseEvidence(env, f.lowBeatOnset);
  const free = beatsOnPath(f, trackTempo(env, f.hopSec, bpm || undefined), support);
  // A path that strays from the reading by more than a drift but less than a related level may be
  // following other onsets (a voice off the grid over soft music): the reading came from the whole song's
  // metrical evidence. The path is held to it when the beats on the held path land on stronger onsets
  // (bass and full band) than the free path's; otherwise the free path found the music's own tempo (a
  // real recording read 9 % fast, whose path strayed towards its beat).
  const stray = bpm ? Math.abs(free.tempo.bpm / bpm - 1) : 0;
  if (!(stray > STRAY_MIN && stray < strayMax)) return free;
  const held = beatsOnPath(f, trackTempo(env, f.hopSec, bpm, HELD_SPREAD), support);
  return meanOf(held.beats, support) > meanOf(free.beats, support)
    ? { ...held, strayedTo: free.tempo.bpm }
    : free;
}

/** Beats tracked on a tempo path (or `given` on it), phased, and their half-beat slips joined. */
function beatsOnPath(
  f: LevelFeatures,
  tempo: TempoTrack,
  support: (t: number) => number,
  given?: number[],
): Omit<LevelledTrack, 'reading'> {
  const env = f.beatOnset;
  const tracked = given ?? trackedAlongPath(env, tempo.periodAt);
  // The phase is chosen on the grid as tracked, then the passages that slipped from it are joined to it:
  // joined first, an intro on the other phase turned the song's first attack into an off-beat one and the
  // start-on-a-beat tie-break moved the whole song (a real recording, ufoai's Enemy Unknown).
  const phase = chooseBeatPhase(tracked, env, f.lowBeatOnset, tempo.periodAt, f.highBeatOnset, f.hopSec);
  // Then the passages that left the song's lattice by any other offset go back onto it.
  const lattice = holdLattice(joinPhaseSlips(phase.beats, tempo.periodAt, support), {
    phase: support,
    onset: phaseEvidence(f.onset, f.onset),
  });
  return { tempo, beats: lattice.beats, ...(lattice.moved ? { relatticed: lattice.moved } : {}) };
}

/**
 * The beats the DP lays along a tempo path. A grid with more beats than the path holds (over its span)
 * slipped between a groove's beat and its off-beat, half a beat at a time (casio's German march: path
 * 174.9 bpm, beats 179.1 on average), so it is tracked again with a DP four times as strict about the
 * period, kept when that removes most of the extra beats. Where the music itself runs faster than the
 * path, both DPs follow it and the first grid stays.
 */
export function trackedAlongPath(env: Float32Array, periodAt: Float32Array): number[] {
  const loose = trimBeats(trackBeats(env, periodAt), env, periodAt);
  const extra = beatsOverPath(loose, periodAt);
  if (!(extra > EXTRA_BEATS)) return loose;
  const tight = trimBeats(trackBeats(env, periodAt, STRICT_TIGHTNESS), env, periodAt);
  return Math.abs(beatsOverPath(tight, periodAt)) <= EXTRA_LEFT * extra ? tight : loose;
}

/**
 * Session 33, the train material (664 songs): grids over 0.3 % more beats than their path were tracked
 * again; 12 songs better (German march 175 AMLt 0.42 → 1.00, zoom jazz 141 0.53 → 1.00, freedoom's
 * Stalks 3 F 0.10 → 1.00, E1M5 0.70 → 0.93, a slow country ballad under the spoken layer 0.23 → 0.61),
 * two already wrong worse (0.12 and 0.08 → 0.00–0.02). 0.6 % left zoom jazz (0.41 % extra) behind; a
 * strict grid keeping 0.5 of the extra lost Stalks 3 (0.58), 0.7 read a jazz combo at 203 at another
 * octave (F 1.00 → 0.66); a DP tightness of 200 or 800 (the tracker's own is 100) gave back part of the
 * gains (arpeggio waltz 194, the slow country ballad, E1M5).
 */
const EXTRA_BEATS = 0.003;
const EXTRA_LEFT = 0.65;
const STRICT_TIGHTNESS = 400;

/** How many more beats than the tempo path holds the grid has over its span (0.02 = 2 % more). */
function beatsOverPath(beats: number[], periodAt: Float32Array): number {
  if (beats.length < 16) return 0;
  let held = 0;
  for (let t = Math.round(beats[0] as number); t < Math.round(beats.at(-1) as number); t++)
    held += 1 / (periodAt[t] as number);
  return held > 0 ? (beats.length - 1) / held - 1 : 0;
}

/**
 * Fitted on the train material (561 songs: corpus train slice, class renders, practice MIDI): 10 paths
 * strayed 3–25 % from their reading. The 5 whose reading was right were class renders under the spoken
 * layer, drawn 4.4–11 % towards the voice's syllable rate (106 bpm or its half); salsa 218, read at 3⁄2 of
 * its half tempo, strayed 14 % and was right to (the dotted-reading rule then finds its beat). On the
 * sanity recordings two paths strayed 4.4 %; the held beats landed on weaker onsets there and were
 * not taken (ufoai's PsymongR2, read 156 where music-tempo and aubio agree on 143).
 */
const STRAY_MIN = 0.04;
const STRAY_MAX = 0.12;
/**
 * A reading that is the comb's own peak (no ratio rule moved it) holds a path that strays further: it is
 * the whole song's evidence at that period, and a path 12–20 % off it wanders between the grooves of a
 * song's sections (train: slow country section songs at 73, read 143–147, whose paths ran to 168–170).
 * A reading a ratio rule derived (×3⁄2, ×⅓) is a guess at another level: salsa 218's path strayed 14 %
 * from its 3⁄2 reading towards the level the dotted-reading rule then finds.
 */
const STRAY_MAX_OWN = 0.2;
/** The held path's spread (octaves): a 5 % stray costs 1 in log salience (a window's salience × 0.37), every second. */
const HELD_SPREAD = 0.05;

interface LevelFeatures {
  onset: Float32Array;
  beatOnset: Float32Array;
  lowBeatOnset: Float32Array;
  highBeatOnset: Float32Array;
  hopSec: number;
  chroma: Float32Array;
  chromaHopSec: number;
  logMel: Float32Array;
  bands: number;
  lowOnset: Float32Array;
}

/** The comb's last step was its tie-break between a reading and its double (`chooseTempo`). */
const tookTheFaster = (r: TempoReading): boolean =>
  (r.steps ?? []).at(-1)?.startsWith('doubt, the faster') ?? false;

function octaveLevel(f: LevelFeatures, comb: TempoReading, track: Track): LevelledTrack {
  let reading = comb;
  const env = f.beatOnset;
  let first = track(reading.bpm, isCombPeak(comb) ? STRAY_MAX_OWN : STRAY_MAX);
  let median = medianGap(first.beats);
  let slowDoubled = false;
  // A grid slower than listeners tap with onsets on its quarters: the bar of a fast song. Its double is
  // then judged like any other grid below (and may double again).
  if (median && tooSlowGrid(first.beats, f.onset, 60 / (median * f.hopSec))) {
    reading = moved(reading, 2 * reading.bpm, reading.confidence, 'grid too slow, doubled');
    first = track(reading.bpm);
    median = medianGap(first.beats);
    slowDoubled = true;
  }
  if (!median || first.beats.length < 16) return { reading, ...first };
  const gridBpm = 60 / (median * f.hopSec);
  // The comb took the faster of a slow reading and its double; when the slow grid divides in three it is
  // a fast waltz's bar, and its beat is three to that grid, not two.
  if (
    tookTheFaster(comb) &&
    reading === comb &&
    dividesInThree(
      first.beats.filter((_, i) => i % 2 === 0),
      env,
      gridBpm / 2,
    )
  ) {
    const bpm = (reading.bpm * 3) / 2;
    return {
      reading: moved(reading, bpm, reading.confidence, 'its half divides in three, x3/2'),
      ...track(bpm),
    };
  }
  // A grid at every other beat of a fast waltz: its double is the beat (and is judged no further).
  if (halfOfTriple(first.beats, f.onset, f.chroma, f.chromaHopSec, f.hopSec, gridBpm)) {
    reading = moved(reading, 2 * reading.bpm, reading.confidence, 'half of a triple metre, doubled');
    return { reading, ...track(reading.bpm) };
  }
  // A grid at the eighths of a slow 6/8 or 12/8 (one figure on every point): the beat is every third point.
  if (!slowDoubled && compoundEighths(first.beats, f, gridBpm)) {
    const bpm = reading.bpm / 3;
    return { reading: moved(reading, bpm, reading.confidence, 'compound eighths, 1/3'), ...track(bpm) };
  }
  const harmony = harmonicHalfBar(first.beats, f.chroma, f.chromaHopSec, f.hopSec);
  const periodTwo = harmonicPeriodTwo(first.beats, f.chroma, f.chromaHopSec, f.hopSec);
  const e = octaveEvidence(first.beats, env, f.lowBeatOnset, f.highBeatOnset, harmony, periodTwo);
  // The comb's tie-break (the faster of two equal readings) gave this tempo.
  const doubted =
    reading === comb &&
    reading.confidence < OCTAVE_DOUBT &&
    Math.abs((2 * reading.alternativeBpm) / reading.bpm - 1) < 0.1;
  const level = octaveFactor(e, gridBpm, doubted);
  if (level.factor === 1) return { reading, ...first };
  // A halving may not undo the slow-grid doubling, nor land on a grid that is itself too slow (a fast
  // song's bar: quarter tempo is never what a listener taps).
  if (
    level.factor === 0.5 &&
    (slowDoubled ||
      tooSlowGrid(
        first.beats.filter((_, i) => i % 2 === 0),
        f.onset,
        gridBpm / 2,
      ))
  )
    return { reading, ...first };
  const factor = level.factor === 2 && dividesInThree(first.beats, env, gridBpm) ? 3 : level.factor;
  const bpm = reading.bpm * factor;
  const halved = moved(reading, bpm, Math.min(1, level.margin), `drum pattern, x${factor}`);
  const retracked = track(bpm);
  // A half grid tracked afresh may wander between the full grid's two parities (a swing groove whose
  // walking bass is as loud on every beat); the full grid held one, so its every other beat does too.
  if (factor === 0.5 && switchesParity(retracked.beats, first.beats, first.tempo.periodAt))
    return {
      reading: { ...halved, steps: [...(halved.steps ?? []), 'half grid switched parity: every other beat'] },
      ...everyOtherBeat(f, first),
    };
  return { reading: halved, ...retracked };
}

/** A reading moved to `bpm` by a rule: the old one becomes the alternative, the rule joins the steps. */
function moved(from: TempoReading, bpm: number, confidence: number, rule: string): TempoReading {
  return {
    bpm,
    confidence,
    alternativeBpm: from.bpm,
    steps: [...(from.steps ?? []), `${rule}: ${bpm.toFixed(1)}`],
  };
}

/**
 * The half-tempo grid as every other beat of the full grid: the parity whose points land on the stronger
 * onsets (bass and full band), then phased and held on the song's lattice like any tracked grid.
 */
function everyOtherBeat(
  f: LevelFeatures,
  full: Omit<LevelledTrack, 'reading'>,
): Omit<LevelledTrack, 'reading'> {
  const support = phaseEvidence(f.beatOnset, f.lowBeatOnset);
  const even = full.beats.filter((_, i) => i % 2 === 0);
  const odd = full.beats.filter((_, i) => i % 2 === 1);
  const beats = meanOf(even, support) >= meanOf(odd, support) ? even : odd;
  const periodAt = Float32Array.from(full.tempo.periodAt, (p) => 2 * p);
  return beatsOnPath(f, { ...full.tempo, periodAt, bpm: full.tempo.bpm / 2 }, support, beats);
}

/**
 * Whether a half-tempo grid switches between the full grid's parities: most of its beats land on the full
 * grid's (within PARITY_MATCH of its period), the rarer parity holds PARITY_MINORITY of them, and it changes
 * parity more than once. Train material (711 songs, session 38): 51 grids were halved. One switched (a
 * jazz groove at 141: about 14 s on the even beats, 14 on the odd, then even and odd again; AMLt 0.47,
 * every other beat 0.84).
 * The rest held one parity (rarer share ≤ 0.05) or landed on the full grid too seldom: a hymn at 67 read at
 * 136, whose half grid met the full one's beats 49 % of the time (rarer parity 0.46). There the full grid
 * was the wrong one, and its every other beat fell from AMLt 0.88 to 0.33, so PARITY_MATCHED is not lower.
 */
export function switchesParity(half: number[], full: number[], periodAt: Float32Array): boolean {
  let matched = 0;
  let odd = 0;
  let flips = 0;
  let last = -1;
  let j = 0;
  for (const b of half) {
    while (j + 1 < full.length && Math.abs((full[j + 1] as number) - b) <= Math.abs((full[j] as number) - b))
      j++;
    const p = periodAt[Math.min(periodAt.length - 1, Math.max(0, Math.round(b)))] as number;
    if (!(Math.abs((full[j] as number) - b) <= PARITY_MATCH * p)) continue;
    matched++;
    odd += j % 2;
    if (last >= 0 && j % 2 !== last) flips++;
    last = j % 2;
  }
  const minority = Math.min(odd, matched - odd) / (matched || 1);
  return matched >= PARITY_MATCHED * half.length && minority >= PARITY_MINORITY && flips >= 2;
}
/** A half grid's beat within this share of the full grid's period of a full-grid beat lands on it. */
const PARITY_MATCH = 0.15;
/** Half of the half grid's beats must land on the full grid's for their parities to say anything. */
const PARITY_MATCHED = 0.5;
/** The rarer parity's share of the landed beats that makes a switch (the grid above: 0.20). */
const PARITY_MINORITY = 0.15;
