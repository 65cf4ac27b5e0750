import { catalogueOverrides, providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import type { RunwayModel } from './catalogue.js';

/** Config `providers.runway`, checked when the provider is made. */
export const RunwaySettings = providerSettingsSchema({
  /** Default model (else gen4.5). */
  model: z.string().min(1).optional(),
  /** Catalogue overrides by model id (durations, sizes, prices); a full entry adds a model. */
  models: catalogueOverrides<RunwayModel>().optional(),
  /** API base URL (a proxy or gateway); else RUNWAYML_BASE_URL (or `baseUrlEnv`), else Runway's. */
  baseUrl: z.url().optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Ask models that can switch it (Veo 3.1 on Runway) for sound; default true. */
  audio: z.boolean().optional(),
  timeoutMs: z.number().int().positive().optional(),
  /** The SDK's own retries (default 0: the pipeline's retry policy and Retry-After rule). */
  maxRetries: z.number().int().nonnegative().optional(),
  /** Download attempts (a corrupt file or an expired output URL is fetched again). */
  downloadAttempts: z.number().int().positive().optional(),
});
export type RunwaySettings = z.infer<typeof RunwaySettings>;

/** Where Runway is reached by default. */
export const RUNWAY_CONNECTION = {
  apiKeyEnv: 'RUNWAYML_API_SECRET',
  baseUrlEnv: 'RUNWAYML_BASE_URL',
  host: 'api.dev.runwayml.com',
};
