import { z } from 'zod';
import { Aspect } from './storyboard.js';

/** What the generate stage asks of a video provider for one shot. */
export const ClipRequest = z.object({
  shotId: z.string().optional(),
  /** The shot's position in the storyboard (0-based), for providers that map clips by order. */
  shotIndex: z.number().int().nonnegative().optional(),
  prompt: z.string().min(1),
  /** Must be one of the provider's allowed durations (the prompt engineer snaps it). */
  seconds: z.number().positive(),
  /** "WIDTHxHEIGHT", one of the provider's sizes. */
  size: z.string().regex(/^\d+x\d+$/),
  aspect: Aspect.optional(),
  model: z.string().optional(),
  /** A still image the clip starts from (image-to-video), a local path. */
  imagePath: z.string().optional(),
  /** A still the clip should end on (first/last-frame interpolation), for models that offer it. */
  lastFramePath: z.string().optional(),
  /** Images of subjects or style the clip must keep (reference-to-video), for models that offer it. */
  referenceImagePaths: z.array(z.string()).optional(),
  negativePrompt: z.string().optional(),
  seed: z.number().int().optional(),
  /** Musical context: only offline generators use it; remote models get it through the prompt. */
  music: z
    .object({
      bpm: z.number().nonnegative(),
      energy: z.number().min(0).max(1),
      section: z.string().optional(),
      mood: z.string().optional(),
      palette: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ClipRequest = z.infer<typeof ClipRequest>;

/**
 * A provider's job, persisted before it is polled, so that a restarted worker polls it again
 * instead of submitting (and paying) twice. `data` holds whatever the provider needs to resume.
 */
export const ProviderJobRef = z.object({
  provider: z.string(),
  jobId: z.string(),
  model: z.string().optional(),
  submittedAt: z.string(),
  seconds: z.number().positive(),
  size: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type ProviderJobRef = z.infer<typeof ProviderJobRef>;

export const ProviderErrorKind = z.enum(['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal']);
export type ProviderErrorKind = z.infer<typeof ProviderErrorKind>;

export const ProviderErrorInfo = z.object({
  kind: ProviderErrorKind,
  message: z.string(),
  retryAfterSec: z.number().nonnegative().optional(),
  code: z.string().optional(),
  /** A person must act first (a captcha, a two-factor code, a login or a site that changed): pause, do not retry. */
  needsPerson: z.boolean().optional(),
  /** A screenshot of what the provider saw when it stopped (web providers). */
  screenshot: z.string().optional(),
});
export type ProviderErrorInfo = z.infer<typeof ProviderErrorInfo>;

export const ProviderJobStatus = z.object({
  state: z.enum(['queued', 'running', 'done', 'failed']),
  /** 0…1 when the provider reports it. */
  progress: z.number().min(0).max(1).optional(),
  error: ProviderErrorInfo.optional(),
});
export type ProviderJobStatus = z.infer<typeof ProviderJobStatus>;

/** A generated (or hand-supplied) clip on disk, verified with ffprobe. */
export const Clip = z.object({
  shotId: z.string().optional(),
  path: z.string(),
  durationSec: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  hasAudio: z.boolean(),
  provider: z.string(),
  model: z.string().optional(),
  jobId: z.string().optional(),
  costUsd: z.number().nonnegative().default(0),
  /** Seconds of the user's own GPU the clip took (local models: their cost is time, not money). */
  gpuSeconds: z.number().nonnegative().optional(),
  thumbnailPath: z.string().optional(),
});
export type Clip = z.infer<typeof Clip>;
