import { z } from 'zod';
import { Aspect, Resolution } from './storyboard.js';

export const STAGES = [
  'ingest',
  'analyze',
  'plan',
  'prompt',
  'generate',
  'review',
  'edit',
  'render',
  'evaluate',
  'deliver',
] as const;
export const StageName = z.enum(STAGES);
export type StageName = z.infer<typeof StageName>;

export const StageStatus = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type StageStatus = z.infer<typeof StageStatus>;

export const ProjectStatus = z.enum(['queued', 'running', 'paused', 'failed', 'done']);
export type ProjectStatus = z.infer<typeof ProjectStatus>;

export const CrewMode = z.enum(['auto', 'llm', 'heuristic']);
export type CrewMode = z.infer<typeof CrewMode>;

export const Budget = z.object({
  /** Hard cap for this project, USD; generation stops and the project pauses at it. */
  maxUsd: z.number().nonnegative().optional(),
  /** What the plan is expected to cost before generation, USD. */
  estimateUsd: z.number().nonnegative().default(0),
  spentUsd: z.number().nonnegative().default(0),
});
export type Budget = z.infer<typeof Budget>;

/** The audio-reactive layer over the shots: spectrum bars, the waveform, a bass pulse, or none. */
export const VisualizerKind = z.enum(['none', 'bars', 'wave', 'pulse']);
export type VisualizerKind = z.infer<typeof VisualizerKind>;

/**
 * What kind of video: a music video of generated shots, or a lyric video (the song's cover art or a
 * generated scene behind large word-timed lyrics, the visualizer and the title card).
 */
export const VideoStyle = z.enum(['video', 'lyric']);
export type VideoStyle = z.infer<typeof VideoStyle>;

/** A tempo a user may give for their song (`ProjectOptions.bpm`, `--bpm`): what a listener could tap. */
export const GIVEN_BPM_RANGE = [30, 300] as const;
/** Whether `bpm` is a tempo a user may give (inside GIVEN_BPM_RANGE; NaN is not). */
export const isGivenBpm = (bpm: number): boolean => bpm >= GIVEN_BPM_RANGE[0] && bpm <= GIVEN_BPM_RANGE[1];

export const ProjectOptions = z.object({
  theme: z.string().default(''),
  provider: z.string().default('local'),
  model: z.string().optional(),
  crew: CrewMode.default('auto'),
  renderer: z.string().default('remotion'),
  aspect: Aspect.default('16:9'),
  resolution: Resolution.default('720p'),
  fps: z.number().int().positive().default(30),
  /** Where the final MP4 is delivered. */
  outPath: z.string().optional(),
  maxRounds: z.number().int().nonnegative().default(1),
  maxAttemptsPerShot: z.number().int().positive().default(2),
  captions: z.boolean().default(true),
  titleCard: z.boolean().default(true),
  visualizer: VisualizerKind.default('none'),
  style: VideoStyle.default('video'),
  /** Your own reference images (`--ref`): the artist ("character"), a style or a place; keyframes carry them. */
  refs: z.array(z.object({ path: z.string(), role: z.string().optional() })).optional(),
  /** The plugin whose image model makes reference stills and keyframes (default: the video provider's own). */
  imageProvider: z.string().optional(),
  /** false: no look-development stills or keyframes; every clip from text. */
  keyframes: z.boolean().optional(),
  /**
   * A quick look first: the same cut rendered at half size by the fastest renderer (ffmpeg). The final
   * render (this off, the chosen renderer, full size) follows on request from the same clips and cut.
   */
  preview: z.boolean().default(false),
  /**
   * The song's tempo when the user knows it (`--bpm`, 30–300): the beats are tracked at it instead of the
   * level the analysis would choose (a slow 6/8 it reads at its eighths, a fast waltz at its bar).
   */
  bpm: z.number().min(GIVEN_BPM_RANGE[0]).max(GIVEN_BPM_RANGE[1]).optional(),
});
export type ProjectOptions = z.infer<typeof ProjectOptions>;

export const StageState = z.object({
  name: StageName,
  status: StageStatus,
  progress: z.number().min(0).max(1).default(0),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
});
export type StageState = z.infer<typeof StageState>;

export const Project = z.object({
  id: z.string(),
  name: z.string(),
  status: ProjectStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  options: ProjectOptions,
  budget: Budget,
  stages: z.array(StageState),
  outputPath: z.string().optional(),
  error: z.string().optional(),
});
export type Project = z.infer<typeof Project>;

/** One agent (or heuristic) decision, kept for audit. */
export const Decision = z.object({
  projectId: z.string().optional(),
  stage: StageName.optional(),
  role: z.string(),
  shotId: z.string().optional(),
  /** What was decided, in one line a person can read. */
  summary: z.string(),
  /** sha256 of the input the decision was made from. */
  inputDigest: z.string().optional(),
  output: z.unknown().optional(),
  model: z.string().optional(),
  tokens: z.object({ input: z.number().int(), output: z.number().int() }).optional(),
  costUsd: z.number().nonnegative().optional(),
  ms: z.number().nonnegative().optional(),
  at: z.string(),
});
export type Decision = z.infer<typeof Decision>;

/** Where decisions go: the database in the pipeline, an array in tests, stderr in the CLI. */
export interface DecisionSink {
  record(decision: Omit<Decision, 'at'> & { at?: string }): void | Promise<void>;
}
