import { InputError, SectionLabel } from '@beatframe/core';

/** A tempo change at the start of `bar` (0-based, counted over the whole song). */
export interface TempoPoint {
  bar: number;
  bpm: number;
  /** true: the tempo glides linearly (per beat) from the previous point to this one; false: it jumps here. */
  ramp?: boolean;
}

export type Groove = 'pop' | 'four-on-the-floor' | 'rock' | 'syncopated' | 'ambient';

export interface SectionSpec {
  label: SectionLabel;
  bars: number;
  /** Sections with the same group play the same chords, drums and melody. Defaults to the label. */
  group?: string;
  /** 0…1: loudness, brightness and density. Defaults per label (chorus loud, intro quiet). */
  intensity?: number;
  /** One lyric line per lead phrase (2 bars); used for the LRC file only, the synth does not sing. */
  lyrics?: string[];
}

export interface SongSpec {
  title: string;
  artist?: string;
  /** Seeds the melody, chord and pattern choices. */
  seed?: number;
  /** Beats per minute (beats = the counted beat: quarter notes in 4/4 and 3/4, dotted quarters in 6/8). */
  tempo: number | TempoPoint[];
  /** Time signature, e.g. '4/4', '3/4', '6/8', '12/8'. Default '4/4'. */
  meter?: string;
  /** Share of the beat taken by the first of two eighth notes: 0.5 straight, 0.62–0.67 swung. Simple meters only. */
  swing?: number;
  /** e.g. 'A minor', 'C major', 'F# minor', 'Eb major', 'D dorian'. Default 'A minor'. */
  key?: string;
  groove?: Groove;
  sections: SectionSpec[];
}

export interface ResolvedMeter {
  numerator: number;
  denominator: number;
  /** Counted beats per bar: 4 in 4/4, 3 in 3/4, 2 in 6/8 (dotted quarters), 4 in 12/8. */
  beatsPerBar: number;
  /** The notated denominator (8 in 6/8). */
  beatUnit: number;
  /** Eighth notes per counted beat: 2 in simple meters, 3 in compound ones. */
  subdivision: 2 | 3;
  compound: boolean;
}

export function parseMeter(meter: string): ResolvedMeter {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(meter);
  if (!m) throw new InputError(`meter "${meter}" is not a time signature like 4/4, 3/4 or 6/8`);
  const numerator = Number(m[1]);
  const denominator = Number(m[2]);
  if (![2, 4, 8].includes(denominator) || numerator < 2 || numerator > 12) {
    throw new InputError(`meter ${meter} is not supported (numerator 2–12, denominator 2, 4 or 8)`);
  }
  const compound = denominator === 8 && numerator % 3 === 0 && numerator >= 6;
  if (denominator === 8 && !compound) {
    throw new InputError(`meter ${meter} is not supported: x/8 meters must be compound (6/8, 9/8, 12/8)`);
  }
  return {
    numerator,
    denominator,
    beatsPerBar: compound ? numerator / 3 : numerator,
    beatUnit: denominator,
    subdivision: compound ? 3 : 2,
    compound,
  };
}

const NOTE_PC: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };
const MODES: Record<string, number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
};

export interface ResolvedKey {
  name: string;
  /** Pitch class of the tonic, 0 = C. */
  tonic: number;
  mode: string;
  /** Semitone offsets of the seven scale degrees. */
  scale: number[];
}

export function parseKey(key: string): ResolvedKey {
  const m = /^\s*([a-g])([#b]?)\s*(major|minor|dorian|mixolydian|maj|min|m)?\s*$/i.exec(key);
  if (!m) throw new InputError(`key "${key}" is not a key like "A minor" or "Eb major"`);
  const accidental = m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0;
  const tonic = (NOTE_PC[m[1]!.toLowerCase()]! + accidental + 12) % 12;
  const modeWord = (m[3] ?? 'major').toLowerCase();
  const mode = modeWord === 'maj' ? 'major' : modeWord === 'min' || modeWord === 'm' ? 'minor' : modeWord;
  return { name: key.trim(), tonic, mode, scale: MODES[mode]! };
}

/** The section labels, core's own list (the analysis and the truth files speak the same words). */
const LABELS: readonly SectionLabel[] = SectionLabel.options;

export const DEFAULT_INTENSITY: Record<SectionLabel, number> = {
  intro: 0.3,
  verse: 0.55,
  'pre-chorus': 0.7,
  chorus: 0.95,
  bridge: 0.6,
  instrumental: 0.85,
  breakdown: 0.4,
  solo: 0.85,
  outro: 0.3,
  silence: 0,
};

/** Throws an InputError with a one-line message when the spec cannot be rendered. */
export function validateSpec(spec: SongSpec): void {
  if (!spec || typeof spec !== 'object') throw new InputError('song spec must be an object');
  if (typeof spec.title !== 'string' || !spec.title) throw new InputError('song spec needs a title');
  const meter = parseMeter(spec.meter ?? '4/4');
  parseKey(spec.key ?? 'A minor');
  if (spec.swing !== undefined && !(spec.swing >= 0.5 && spec.swing < 0.8)) {
    throw new InputError(`swing ${spec.swing} is out of range (0.5 straight … 0.8)`);
  }
  if (spec.swing !== undefined && spec.swing !== 0.5 && meter.compound) {
    throw new InputError(`swing applies to simple meters only, not ${spec.meter}`);
  }
  if (!Array.isArray(spec.sections) || spec.sections.length === 0) {
    throw new InputError('song spec needs at least one section');
  }
  let totalBars = 0;
  spec.sections.forEach((s, i) => {
    if (!LABELS.includes(s.label)) throw new InputError(`section ${i + 1}: unknown label "${s.label}"`);
    if (!Number.isInteger(s.bars) || s.bars < 1 || s.bars > 256) {
      throw new InputError(`section ${i + 1} (${s.label}): bars must be a whole number 1–256, got ${s.bars}`);
    }
    if (s.intensity !== undefined && !(s.intensity >= 0 && s.intensity <= 1)) {
      throw new InputError(`section ${i + 1} (${s.label}): intensity must be 0…1, got ${s.intensity}`);
    }
    totalBars += s.bars;
  });
  const points: TempoPoint[] = typeof spec.tempo === 'number' ? [{ bar: 0, bpm: spec.tempo }] : spec.tempo;
  if (!Array.isArray(points) || points.length === 0) throw new InputError('song spec needs a tempo');
  points.forEach((p, i) => {
    if (!(p.bpm >= 30 && p.bpm <= 300)) throw new InputError(`tempo ${p.bpm} bpm is out of range (30–300)`);
    if (i === 0 && p.bar !== 0) throw new InputError('the first tempo point must be at bar 0');
    if (i > 0 && !(p.bar > points[i - 1]!.bar))
      throw new InputError('tempo points must be in increasing bars');
    if (p.bar >= totalBars && i > 0)
      throw new InputError(`tempo point at bar ${p.bar} is past the song's end`);
    if (!Number.isInteger(p.bar))
      throw new InputError(`tempo point bars must be whole numbers, got ${p.bar}`);
  });
}
