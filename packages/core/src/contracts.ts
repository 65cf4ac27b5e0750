import type { Logger } from './logger.js';
import type { Clip, ClipRequest, ProviderJobRef, ProviderJobStatus } from './schemas/clip.js';
import type { EvaluationReport, Revision } from './schemas/evaluation.js';
import type { AudioAnalysis, Song } from './schemas/music.js';
import type { DecisionSink, ProjectOptions } from './schemas/project.js';
import type { PromptStyle } from './schemas/prompt-style.js';
import type { ImageRequest, Still } from './schemas/still.js';
import type { Shot, Storyboard } from './schemas/storyboard.js';
import type { Timeline } from './schemas/timeline.js';

/** What every plugin call gets: logging, cancellation, decisions, and the plugin's own settings. */
export interface PluginContext {
  logger: Logger;
  signal?: AbortSignal;
  decisions?: DecisionSink;
  /** The environment secrets are read from (process.env by default; tests pass their own). */
  env?: Record<string, string | undefined>;
}

export interface ProviderCapabilities {
  /** Allowed clip lengths, seconds. */
  durations: number[];
  /** Allowed "WIDTHxHEIGHT" sizes. */
  sizes: string[];
  aspects: Array<'16:9' | '9:16' | '1:1'>;
  imageToVideo: boolean;
  remix: boolean;
  maxPromptChars: number;
  /** Models the provider offers; the first is the default. */
  models: string[];
  /** Does the clip carry its own audio track? */
  audio: boolean;
  /** Price of one request in USD (user-maintained tables for paid providers). */
  usdFor(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number;
  /** Jobs in flight at once, and submissions per minute. */
  concurrency: number;
  rpm: number;
  /** One line on how to write prompts for this model, for the prompt engineer. */
  promptGuide?: string;
  /**
   * How a model (the default when none is named) wants its prompt written, from its catalogue entry: the pipeline
   * rewrites each shot's prompt into it (crew `adaptPrompt`). Undefined: the prompt is sent as the crew wrote it.
   */
  promptStyleOf?(model?: string): PromptStyle | undefined;
  /**
   * What a model (the default when none is named) does with a start image and a last frame: `lastFrame` when it
   * can end on a given still (first + last frame), and the clip lengths it then makes (Veo 3.1 makes 8 s only).
   * Undefined: no last frame.
   */
  framesOf?(model?: string): { lastFrame: boolean; lastFrameDurations?: number[] } | undefined;
  /** Does the API take a seed? False for Veo, OpenAI Videos and people: a new seed would not change the clip. */
  seeds?: boolean;
  /**
   * Free and deterministic (the same request makes the same clip, at no cost), like the offline generator:
   * a preview asks for its clips at the preview's size, and the final makes them again at full size.
   */
  deterministic?: boolean;
  /**
   * The clips are the user's own files, not generated (the folder provider): the editor does not check them
   * against a request (the compositor fits them; a new take would be the same file), continuity does not judge
   * them, and the studio does not offer the provider as a model.
   */
  userClips?: boolean;
  /**
   * Makes its clips on this machine's CPU (the offline generator, one clip a core): work the pipeline runs beside
   * generation (the render's pre-work) takes one of its slots, so no more CPU-heavy processes run than it allows.
   */
  cpuBound?: boolean;
  /**
   * How often to poll a job when no setting says (the pipeline's default is 5000 ms: remote models take minutes
   * and dislike eager polling). Generators on this machine, done in seconds, say 500.
   */
  pollIntervalMs?: number;
}

export interface ProviderStatusInfo {
  /** Is everything it needs (keys, endpoint, folders) present? */
  configured: boolean;
  /** When not configured: what is missing, e.g. "set OPENAI_API_KEY". */
  hint?: string;
}

export interface VideoProvider {
  name: string;
  /** Other names it answers to (e.g. "sora" for openai-videos). */
  aliases?: string[];
  /** One line for `beatframe providers`, honest about what it is. */
  description: string;
  capabilities: ProviderCapabilities;
  status(ctx: PluginContext): ProviderStatusInfo;
  /** Starts a job. The caller persists the returned reference before polling it. */
  submit(req: ClipRequest, ctx: PluginContext): Promise<ProviderJobRef>;
  poll(ref: ProviderJobRef, ctx: PluginContext): Promise<ProviderJobStatus>;
  /** Writes the finished clip to `dest` (atomically) and returns it, verified. */
  download(ref: ProviderJobRef, dest: string, ctx: PluginContext): Promise<Clip>;
  remix?(ref: ProviderJobRef, prompt: string, ctx: PluginContext): Promise<ProviderJobRef>;
  cancel?(ref: ProviderJobRef, ctx: PluginContext): Promise<void>;
  /** Releases what the provider holds open between calls (a browser); it opens again on the next call. */
  close?(): Promise<void>;
}

/** A provider package's default export: settings in, provider out. */
export type VideoProviderFactory = (settings?: Record<string, unknown>) => VideoProvider;

export interface ImageCapabilities {
  /** Models the provider offers; the first is the default. */
  models: string[];
  /** The "WIDTHxHEIGHT" sizes the default model makes (a request gets the one nearest in aspect). */
  sizes: string[];
  /** Reference images one request takes (0: text only). */
  maxReferenceImages: number;
  /** Whether a seed makes the same still again. */
  seed: boolean;
  maxPromptChars: number;
  /** Price of one still in USD (user-maintained tables for paid providers). */
  usdFor(req: Pick<ImageRequest, 'size' | 'model' | 'referenceImagePaths'>): number;
  concurrency: number;
  rpm: number;
}

/** What an image provider's calls get: a video provider's context, plus where to store a job before polling. */
export interface ImageContext extends PluginContext {
  /**
   * Called with the job's reference as soon as a queued vendor has accepted it, before any polling: the caller
   * stores it, so that a restarted worker finishes the job with `resume` instead of paying for a second one.
   * Synchronous APIs (the still is the response) never call it.
   */
  onJob?(ref: ProviderJobRef): void | Promise<void>;
}

/**
 * An image model (keyframes, character and location references), beside VideoProvider. Errors are the same
 * classified ProviderErrors (retryable, quota, auth, content-policy, retired, fatal).
 */
export interface ImageProvider {
  name: string;
  aliases?: string[];
  description: string;
  capabilities: ImageCapabilities;
  status(ctx: PluginContext): ProviderStatusInfo;
  /** Makes one still and writes it to `dest` (atomically, verified as an image). */
  generate(req: ImageRequest, dest: string, ctx: ImageContext): Promise<Still>;
  /** Finishes a job an earlier process started (its stored reference) without submitting again. */
  resume?(ref: ProviderJobRef, dest: string, ctx: ImageContext): Promise<Still>;
}

/** An image plugin's export: settings in, provider out (named `image` beside the video factory). */
export type ImageProviderFactory = (settings?: Record<string, unknown>) => ImageProvider;

export interface RenderContext extends PluginContext {
  /** `label` names the step ("bundle", "overlays: 12/40", "encode"): `make --profile` adds up time per step. */
  onProgress?(fraction: number, label?: string): void;
  /** Working folder for temporary files. */
  workDir?: string;
  /** Parallel jobs the renderer may use. */
  concurrency?: number;
  /** Folder that relative `src` paths in the timeline resolve against (the timeline file's); cwd if unset. */
  baseDir?: string;
}

export interface RenderResult {
  path: string;
  durationSec: number;
  frames: number;
  width: number;
  height: number;
  elapsedMs: number;
  /** Features of the timeline this renderer could not honour, said out loud. */
  unsupported?: string[];
}

export interface Renderer {
  name: string;
  description: string;
  render(timeline: Timeline, outPath: string, ctx: RenderContext): Promise<RenderResult>;
  /**
   * Optional work ahead of the render that needs no clip, run while the clips are still being made: given a
   * draft timeline (size, length, cards, captions, style; no items), e.g. draw the text overlays into a
   * cache. Idempotent; anything it did not finish, `render` does. Says how much it did, for the log.
   */
  prepare?(draft: Timeline, ctx: RenderContext): Promise<{ summary: string }>;
}

export type RendererFactory = (settings?: Record<string, unknown>) => Renderer;

export interface PlanInput {
  song: Song;
  analysis: AudioAnalysis;
  options: ProjectOptions;
  provider: Pick<VideoProvider, 'name' | 'capabilities'>;
}

export interface ClipReview {
  action: 'accept' | 'regenerate' | 'remix';
  reasons: string[];
  /** For regenerate and remix: the revised prompt. */
  prompt?: string;
  score?: number;
}

/** A clip made from a keyframe, to be compared with it and with the characters' reference stills. */
export interface ContinuityInput {
  shot: Shot;
  storyboard: Storyboard;
  clipPath: string;
  /** The still the clip was started from. */
  keyframePath: string;
  /** The reference stills of the characters (at most three are shown). */
  referenceImagePaths: string[];
  /** The measured distance of the clip's first frames from the keyframe (0 same … 1), for the record. */
  measured?: { distance: number; threshold: number };
}

/** A vision editor's continuity verdict: whether the clip keeps its keyframe's subject, wardrobe, place and look. */
export interface ContinuityVerdict {
  holds: boolean;
  reasons: string[];
  /** 0 (another picture) … 1 (the keyframe set in motion). */
  score?: number;
  /** Who judged (the model's name). */
  by: string;
}

/** What the editor reviews: one take of a shot, with what was asked of the provider. */
export interface ReviewInput {
  shot: Shot;
  clip: Clip;
  storyboard: Storyboard;
  framePaths: string[];
  /** 1 for the first take of the shot, 2 for the first regeneration, … */
  attempt: number;
  /** Takes allowed per shot (options.maxAttemptsPerShot); at the last one the editor accepts. */
  maxAttempts?: number;
  /** What was asked of the provider, so the editor can check the clip against it. */
  expected?: { width?: number; height?: number; seconds?: number; maxPromptChars?: number };
  /** Whether the provider can remix a finished clip (capabilities.remix). */
  canRemix?: boolean;
}

/** What the editor reads after a failing evaluation: the report and the shots as they were generated. */
export interface RevisionInput {
  report: EvaluationReport;
  storyboard: Storyboard;
  shots: Shot[];
}

/** A prompt a provider refused under its content policy, for the prompt engineer to rewrite. */
export interface RefusalInput {
  shot: Shot;
  /** The prompt the provider refused. */
  prompt: string;
  /** The provider's error message. */
  error: string;
  storyboard?: Storyboard;
  /** The provider's prompt limit; without it the new prompt stays within max(prompt length, 400). */
  maxPromptChars?: number;
}

/**
 * The crew: planner, prompt engineer, editor. LLM-backed or heuristic, same outputs. The last two members are
 * optional (@beatframe/crew's crews have both): without them the pipeline softens refused prompts itself and
 * regenerates the shots an evaluation's issues name.
 */
export interface Crew {
  name: string;
  plan(input: PlanInput, ctx: PluginContext): Promise<Storyboard>;
  writePrompts(storyboard: Storyboard, input: PlanInput, ctx: PluginContext): Promise<Shot[]>;
  review(input: ReviewInput, ctx: PluginContext): Promise<ClipReview>;
  /**
   * The editor after a failing evaluation: the shots to generate again, each a `regenerate` Revision with its
   * revised prompt. Timeline revisions (recut, transition) need the timeline and come from @beatframe/evaluate.
   */
  proposeRevisions?(input: RevisionInput, ctx: PluginContext): Promise<Revision[]>;
  /** The prompt engineer after a content-policy refusal: the prompt rewritten so that it passes. */
  revisePromptAfterRefusal?(input: RefusalInput, ctx: PluginContext): Promise<string>;
  /**
   * Continuity by eye (a vision model): undefined when the crew has none (the heuristic crew) or its model
   * failed, and the pipeline then measures the drift from the keyframe itself.
   */
  judgeContinuity?(input: ContinuityInput, ctx: PluginContext): Promise<ContinuityVerdict | undefined>;
}
