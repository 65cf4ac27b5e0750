import { z } from 'zod';

/** One word of a lyric line, timed when the source knows word timing (Suno aligned lyrics, enhanced LRC). */
export const LyricWord = z.object({
  text: z.string(),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
});
export type LyricWord = z.infer<typeof LyricWord>;

export const LyricLine = z.object({
  text: z.string(),
  /** Seconds from the start of the song; absent for plain-text lyrics until they are aligned. */
  start: z.number().nonnegative().optional(),
  end: z.number().nonnegative().optional(),
  words: z.array(LyricWord).optional(),
  /** Section tag from the lyrics source, e.g. "[Chorus]". */
  section: z.string().optional(),
});
export type LyricLine = z.infer<typeof LyricLine>;

export const Lyrics = z.object({
  lines: z.array(LyricLine),
  /** 'none': plain text; 'line': per-line times; 'word': per-word times. */
  timing: z.enum(['none', 'line', 'word']),
  source: z.enum(['lrc', 'text', 'suno-aligned', 'user']).optional(),
});
export type Lyrics = z.infer<typeof Lyrics>;

export const SongSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string() }),
  z.object({ kind: z.literal('url'), url: z.string() }),
  z.object({ kind: z.literal('suno'), id: z.string(), url: z.string().optional() }),
]);
export type SongSource = z.infer<typeof SongSource>;

/** A song after ingest: normalised audio on disk plus whatever metadata the source had. */
export const Song = z.object({
  title: z.string(),
  artist: z.string().optional(),
  /** Suno style tags or genre words, e.g. ["synthwave", "female vocals"]. */
  styleTags: z.array(z.string()).default([]),
  lyrics: Lyrics.optional(),
  coverImagePath: z.string().optional(),
  /** The audio file the video's sound is taken from, untouched. */
  audioPath: z.string(),
  durationSec: z.number().positive(),
  source: SongSource,
});
export type Song = z.infer<typeof Song>;

export const SectionLabel = z.enum([
  'intro',
  'verse',
  'pre-chorus',
  'chorus',
  'bridge',
  'instrumental',
  'breakdown',
  'solo',
  'outro',
  'silence',
]);
export type SectionLabel = z.infer<typeof SectionLabel>;

export const Section = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  label: SectionLabel,
  /** Mean loudness of the section relative to the song, 0 (quietest) … 1 (loudest). */
  energy: z.number().min(0).max(1),
  /** Sections with the same group id repeat the same material (verse 1 and verse 2 share it). */
  group: z.string().optional(),
});
export type Section = z.infer<typeof Section>;

export const Curve = z.object({
  /** Seconds between values. */
  hopSec: z.number().positive(),
  values: z.array(z.number()),
});
export type Curve = z.infer<typeof Curve>;

/**
 * What the music tells the edit. Times are in seconds from the start of the audio file.
 * Produced by @beatframe/audio; every later stage reads it.
 */
export const AudioAnalysis = z.object({
  version: z.literal(1),
  durationSec: z.number().nonnegative(),
  /** Median tempo in beats per minute (0 for silence). */
  bpm: z.number().nonnegative(),
  tempoConfidence: z.number().min(0).max(1),
  meter: z.object({ beatsPerBar: z.number().int().positive(), beatUnit: z.number().int().positive() }),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()),
  sections: z.array(Section),
  /** Loudness curve normalised to 0…1, for pacing and intensity. */
  energy: Curve,
  /** Onset strength envelope normalised to 0…1. */
  onset: Curve.optional(),
  key: z.string().optional(),
  /** Onset strength at each beat, 0…1 (same length as `beats`): strong beats make better cuts. */
  beatStrengths: z.array(z.number().min(0).max(1)).optional(),
  /** Local tempo in bpm over time (follows tempo changes). */
  tempoCurve: Curve.optional(),
  /** 0…1: how clearly the meter (beats per bar, binary vs compound) stands out. */
  meterConfidence: z.number().min(0).max(1).optional(),
  /** The runner-up reading (another tempo octave or a 2:3 level): the safer grid when confidence is low. */
  alternative: z
    .object({
      bpm: z.number().nonnegative(),
      /**
       * 0…1: how nearly it ties the chosen reading (1: as likely). Relative only: whether the song has a
       * steady beat at all is `tempoConfidence` (an ambient pad can have 1 here beside 0.03 there).
       */
      confidence: z.number().min(0).max(1),
      beats: z.array(z.number()),
    })
    .optional(),
});
export type AudioAnalysis = z.infer<typeof AudioAnalysis>;
