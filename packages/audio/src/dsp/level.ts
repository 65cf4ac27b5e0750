/** The beat level: tracking at the comb's reading, then at the level the drum pattern points to (octave.ts). */
import { joinPhaseSlips, medianGap, type TempoTrack, trackBeats, trackTempo, trimBeats } from './beats.js';
import {
  compoundEighths,
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
  const level = dottedLevel(f, comb, acfs);
  // Judged on the final grid only: an intermediate level's points fall elsewhere in the beat.
  if (!onSwungLet(level.beats, f.onset)) return level;
  const beats = shiftGrid(level.beats, 1 / 3, level.tempo.periodAt, f.beatOnset.length);
  const steps = [...(level.reading.steps ?? []), 'on the swung let: moved by 1/3'];
  return { ...level, reading: { ...level.reading, steps }, beats };
}

/** The octave level (octaveLevel), then a dotted reading's straight beat (dottedReading). */
function dottedLevel(f: LevelFeatures, comb: TempoReading, acfs: TempoAcfs): LevelledTrack {
  const first = octaveLevel(f, comb);
  const median = medianGap(first.beats);
  if (!median || first.beats.length < 16) return first;
  // A grid at the dotted notes of a straight beat (or its compound reading): the bar says where the beat is.
  const bpm = dottedReading(acfs, 60 / (median * f.hopSec), f.hopSec);
  if (!bpm) return first;
  return {
    reading: moved(first.reading, bpm, first.reading.confidence, 'dotted reading'),
    ...trackAt(f, bpm),
  };
}

/** The beat tracked at `bpm` (the tracker's own choice when 0) and phased. */
function trackAt(f: LevelFeatures, bpm: number): Omit<LevelledTrack, 'reading'> {
  const env = f.beatOnset;
  const tempo = trackTempo(env, f.hopSec, bpm || undefined);
  const tracked = trimBeats(trackBeats(env, tempo.periodAt), env, tempo.periodAt);
  // The phase is chosen on the grid as tracked, then the passages that slipped from it are joined to it:
  // joined first, an intro on the other phase turned the song's first attack into an off-beat one and the
  // start-on-a-beat tie-break moved the whole song (a real recording, ufoai's Enemy Unknown).
  const phase = chooseBeatPhase(tracked, env, f.lowBeatOnset, tempo.periodAt);
  return { tempo, beats: joinPhaseSlips(phase.beats, tempo.periodAt, phaseEvidence(env, f.lowBeatOnset)) };
}

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

function octaveLevel(f: LevelFeatures, comb: TempoReading): LevelledTrack {
  let reading = comb;
  const env = f.beatOnset;
  const track = (bpm: number) => trackAt(f, bpm);
  let first = track(reading.bpm);
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
  const bpm = reading.bpm * level.factor;
  return {
    reading: moved(reading, bpm, Math.min(1, level.margin), `drum pattern, x${level.factor}`),
    ...track(bpm),
  };
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
