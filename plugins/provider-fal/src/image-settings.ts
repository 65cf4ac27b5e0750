import { imageSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import { FalImageModel } from './image-catalogue.js';

/**
 * The image side of config `providers.fal`, checked when the provider is made. The section is shared with the
 * video models' settings, so other keys pass through untouched; only a misspelt `image…` key is refused.
 */
export const FalImageSettings = imageSettingsSchema({
  /** Default image model from the catalogue (else seedream-4). */
  imageModel: z.string().min(1).optional(),
  /** Catalogue overrides by model id (endpoints, sizes, prices); a full entry adds a model. */
  imageModels: z.record(z.string(), FalImageModel.partial()).optional(),
  imageConcurrency: z.number().int().positive().optional(),
  imageRpm: z.number().int().positive().optional(),
  /** How often a queued image request is checked, ms (default 1000). */
  imagePollIntervalMs: z.number().int().positive().optional(),
  /** How long a queued image may take before the wait is given up (retryable: it is resumed), ms. */
  imageTimeoutMs: z.number().int().positive().optional(),
  /** Where fal's requests go instead of https://queue.fal.run (a proxy or gateway); else FAL_BASE_URL. */
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Let the SDK retry 429/5xx with its own backoff (default false: the pipeline retries). */
  sdkRetries: z.boolean().optional(),
});
export type FalImageSettings = z.infer<typeof FalImageSettings>;
