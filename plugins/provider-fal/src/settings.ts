import { catalogueOverrides, providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import type { FalModel } from './catalogue.js';
import { FalImageSettings } from './image-settings.js';

/** Config `providers.fal` (its videos and its image models), checked when the provider is made. */
export const FalSettings = providerSettingsSchema({
  ...FalImageSettings.shape,
  /** Default model id from the catalogue (else kling-2.5-turbo-pro). */
  model: z.string().min(1).optional(),
  /** Catalogue overrides by model id (endpoints, durations, sizes, prices); a full entry adds a model. */
  models: catalogueOverrides<FalModel>().optional(),
  /** Where fal's requests go instead of https://queue.fal.run (a proxy or gateway); else FAL_BASE_URL. */
  baseUrl: z.url().optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Let the SDK retry 429/5xx with its own backoff (default false: the pipeline retries, honouring Retry-After). */
  sdkRetries: z.boolean().optional(),
  /** Download attempts (a corrupt file or an expired result URL is fetched again). */
  downloadAttempts: z.number().int().positive().optional(),
});
export type FalSettings = z.infer<typeof FalSettings>;
