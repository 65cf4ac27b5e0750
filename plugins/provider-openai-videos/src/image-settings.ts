import { imageSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import { OpenAIImageModel } from './image-catalogue.js';

/**
 * The image side of config `providers["openai-videos"]`, checked when the provider is made. The section is shared
 * with the Videos API's settings, so other keys pass through untouched; only a misspelt `image…` key is refused.
 */
export const OpenAIImageSettings = imageSettingsSchema({
  /** Default image model (else gpt-image-1.5). */
  imageModel: z.string().min(1).optional(),
  /** Catalogue overrides by model id (sizes, prices, reference limit); a full entry adds a model. */
  imageModels: z.record(z.string(), OpenAIImageModel.partial()).optional(),
  /** `quality` sent with every image: the price follows it (default medium). */
  imageQuality: z.enum(['low', 'medium', 'high']).optional(),
  imageConcurrency: z.number().int().positive().optional(),
  imageRpm: z.number().int().positive().optional(),
  /** API base URL ending in /v1; else OPENAI_BASE_URL (or `baseUrlEnv`), else OpenAI's. */
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Per-request timeout, ms (a high-quality image can take a minute or two). */
  timeoutMs: z.number().int().positive().optional(),
  /** The SDK's own retries; 0 so the pipeline's retry policy (and Retry-After) rules. */
  maxRetries: z.number().int().nonnegative().optional(),
});
export type OpenAIImageSettings = z.infer<typeof OpenAIImageSettings>;
