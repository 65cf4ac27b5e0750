import { z } from 'zod';
import { Transition } from './timeline.js';

/** A shot boundary found in the rendered video: a hard cut, or the middle of a gradual transition. */
export const DetectedCut = z.object({
  frame: z.number().int().nonnegative(),
  timeSec: z.number().nonnegative(),
  kind: z.enum(['hard', 'gradual']),
  /** Frame distance at the cut, 0…1. */
  strength: z.number(),
  /** Gradual transitions: how many frames the change is spread over. */
  spanFrames: z.number().int().positive().optional(),
  onBeat: z.boolean().optional(),
  /** Signed distance to the nearest beat, seconds (cut minus beat). */
  beatDeltaSec: z.number().optional(),
});
export type DetectedCut = z.infer<typeof DetectedCut>;

/** A vision model's judgement of one shot. */
export const ShotVision = z.object({
  mood: z.string(),
  /** 0…1 how well the shot's mood fits its section, its lyrics and the style bible. */
  moodFit: z.number().min(0).max(1),
  contentFit: z.number().min(0).max(1).optional(),
  styleFit: z.number().min(0).max(1).optional(),
  notes: z.string().optional(),
  model: z.string().optional(),
});
export type ShotVision = z.infer<typeof ShotVision>;

/** One detected shot of the rendered video, measured. */
export const ShotMeasure = z.object({
  index: z.number().int().nonnegative(),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  /** The storyboard shot it shows, when a timeline or storyboard was given. */
  shotId: z.string().optional(),
  sectionLabel: z.string().optional(),
  /** Music energy under the shot, 0 (the song's quietest) … 1 (its loudest). */
  musicEnergy: z.number().optional(),
  brightness: z.number(),
  saturation: z.number(),
  /** Colour temperature proxy: 0 cool (blue) … 1 warm (red). */
  warmth: z.number(),
  /** Mean frame-to-frame change, 0…1. */
  motion: z.number(),
  /** Heuristic visual intensity 0…1 from motion, brightness, saturation and warmth. */
  arousal: z.number(),
  blackShare: z.number().optional(),
  frozenShare: z.number().optional(),
  vision: ShotVision.optional(),
});
export type ShotMeasure = z.infer<typeof ShotMeasure>;

export const EvaluationIssue = z.object({
  kind: z.string(),
  message: z.string(),
  shotId: z.string().optional(),
  atSec: z.number().optional(),
  severity: z.enum(['info', 'warn', 'error']).default('warn'),
});
export type EvaluationIssue = z.infer<typeof EvaluationIssue>;

/**
 * How well picture and music fit, measured on the rendered file. `score` is 0…1; `passed`
 * compares it (and the hard checks) with the configured thresholds. @beatframe/evaluate fills it.
 */
export const EvaluationReport = z.object({
  version: z.literal(1),
  videoPath: z.string(),
  score: z.number().min(0).max(1),
  passed: z.boolean(),
  metrics: z
    .object({
      cutCount: z.number(),
      cutsOnBeatShare: z.number(),
      cutsOnBeatChance: z.number(),
      motionEnergyCorrelation: z.number(),
      blackFrameShare: z.number(),
      frozenFrameShare: z.number(),
      duplicateFrameShare: z.number(),
      shotLengthCv: z.number(),
      audioDurationDiffSec: z.number(),
      audioOffsetSec: z.number(),
    })
    .partial()
    .catchall(z.number()),
  issues: z.array(EvaluationIssue).default([]),
  summary: z.string(),
  plotPath: z.string().optional(),
  /** The song the video was checked against. */
  songPath: z.string().optional(),
  /** Where the beats and energy came from: @beatframe/audio, a caller-given analysis, or the simple fallback. */
  analysisSource: z.enum(['audio', 'given', 'fallback']).optional(),
  /** Each score component 0…1 (beat, motion, mood, integrity, variety, audio); absent when not measurable. */
  components: z.record(z.string(), z.number()).optional(),
  /** Thresholds `passed` was decided with. */
  thresholds: z.record(z.string(), z.number()).optional(),
  /** Detected shot boundaries in the rendered file. */
  cuts: z.array(DetectedCut).optional(),
  /** Detected shots with their measured look and the music under them. */
  shots: z.array(ShotMeasure).optional(),
  /** Motion and music energy resampled to one hop, for plots (energy already shifted by the audio offset). */
  curves: z
    .object({ hopSec: z.number().positive(), motion: z.array(z.number()), energy: z.array(z.number()) })
    .optional(),
  /** Beat times (seconds, video time) the cuts were checked against. */
  beats: z.array(z.number()).optional(),
  /** Iteration round this render belongs to (0 = first render). */
  round: z.number().int().nonnegative().optional(),
  createdAt: z.string().optional(),
});
export type EvaluationReport = z.infer<typeof EvaluationReport>;

/**
 * One concrete change to make after an evaluation. Produced by @beatframe/evaluate's planRevisions (heuristic)
 * or by the crew's LLM editor; applied by the pipeline (recut and transition to the timeline, regenerate
 * through the generate stage).
 */
export const Revision = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('recut'),
    /** The timeline item whose start (its boundary with the previous item) moves. */
    itemId: z.string(),
    shotId: z.string().optional(),
    fromFrame: z.number().int().nonnegative(),
    toFrame: z.number().int().nonnegative(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('regenerate'),
    shotId: z.string(),
    /** The revised prompt to generate the shot with. */
    prompt: z.string().min(1),
    reason: z.string(),
    estimatedUsd: z.number().nonnegative().default(0),
  }),
  z.object({
    kind: z.literal('transition'),
    itemId: z.string(),
    shotId: z.string().optional(),
    transition: Transition,
    reason: z.string(),
  }),
]);
export type Revision = z.infer<typeof Revision>;
