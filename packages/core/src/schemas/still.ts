import { z } from 'zod';

/** What a stage asks of an image provider: one still (a character reference, a location, a shot's keyframe). */
export const ImageRequest = z.object({
  /** What the still is for, e.g. "ref-character-1" or "key-s03": names it in logs, decisions and job records. */
  purpose: z.string().optional(),
  shotId: z.string().optional(),
  prompt: z.string().min(1),
  /**
   * The frame wanted, "WIDTHxHEIGHT" (the video's size). Image models make a few fixed sizes: the provider picks
   * its size nearest in aspect ratio, and the still says what it got; a video provider cover-fits it later.
   */
  size: z.string().regex(/^\d+x\d+$/),
  model: z.string().optional(),
  /** Images of the subjects and style the still must keep (character sheets, the artist's photo), local paths. */
  referenceImagePaths: z.array(z.string()).optional(),
  negativePrompt: z.string().optional(),
  seed: z.number().int().optional(),
});
export type ImageRequest = z.infer<typeof ImageRequest>;

/** A generated still on disk, verified with ffprobe. */
export const Still = z.object({
  purpose: z.string().optional(),
  shotId: z.string().optional(),
  path: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  provider: z.string(),
  model: z.string().optional(),
  jobId: z.string().optional(),
  seed: z.number().int().optional(),
  costUsd: z.number().nonnegative().default(0),
});
export type Still = z.infer<typeof Still>;
