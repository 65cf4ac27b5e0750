import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import { OpenAIImageSettings } from './image-settings.js';

/** Where OpenAI is reached, for the video and the image provider alike (a gateway may stand in for it). */
export const OPENAI_CONNECTION = {
  apiKeyEnv: 'OPENAI_API_KEY',
  baseUrlEnv: 'OPENAI_BASE_URL',
  host: 'api.openai.com',
  via: 'a gateway',
};

/** Config `providers.openai-videos` (its videos and its image models), checked when the provider is made. */
export const OpenAIVideosSettings = providerSettingsSchema({
  ...OpenAIImageSettings.shape,
  /** API base URL ending in /v1; else OPENAI_BASE_URL (or `baseUrlEnv`), else OpenAI's. */
  baseUrl: z.url().optional(),
  /** Environment variable holding the base URL (default OPENAI_BASE_URL). */
  baseUrlEnv: z.string().min(1).optional(),
  /** Models offered, the first is the default (a gateway may offer others). */
  models: z.array(z.string().min(1)).optional(),
  prices: z
    .record(z.string(), z.object({ perSecond: z.number(), hdPerSecond: z.number().optional() }))
    .optional(),
  /** USD per second for models missing from the table. */
  defaultPerSecond: z.number().nonnegative().optional(),
  sizes: z.array(z.string()).optional(),
  /** Sizes per model, where a model offers fewer than `sizes`. */
  modelSizes: z.record(z.string(), z.array(z.string())).optional(),
  durations: z.array(z.number().positive()).optional(),
  /** Per-request timeout, ms. */
  timeoutMs: z.number().int().positive().optional(),
  /** The SDK's own retries; 0 so the pipeline's retry policy (and Retry-After) rules. */
  maxRetries: z.number().int().nonnegative().optional(),
  /** Download attempts when the bytes are corrupt. */
  downloadAttempts: z.number().int().positive().optional(),
  /** Fetch the thumbnail variant next to each clip. */
  thumbnails: z.boolean().optional(),
});
export type OpenAIVideosSettings = z.infer<typeof OpenAIVideosSettings>;
