import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import { ReplicateModel } from './catalogue.js';

/** Config `providers.replicate`, checked when the provider is made (a typo fails at once, on one line). */
export const ReplicateSettings = providerSettingsSchema({
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** Default model id from the catalogue (else wan-2.2-fast). */
  model: z.string().min(1).optional(),
  /** Catalogue overrides by model id (model, `version` to pin, durations, sizes, prices); a full entry adds one. */
  models: z.record(z.string(), ReplicateModel.partial()).optional(),
  /** Where requests go instead of https://api.replicate.com/v1; else REPLICATE_BASE_URL. */
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** An HTTPS URL Replicate calls when a prediction completes (else REPLICATE_WEBHOOK_URL); polling goes on. */
  webhookUrl: z.url().optional(),
  /** Folder where finished outputs are fetched at once, before Replicate deletes them (an hour after). */
  cacheDir: z.string().min(1).optional(),
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  downloadAttempts: z.number().int().positive().optional(),
});
export type ReplicateSettings = z.infer<typeof ReplicateSettings>;

/** Where Replicate is reached by default (trailing slashes dropped: the client joins paths onto the base URL as it is). */
export const REPLICATE_CONNECTION = {
  apiKeyEnv: 'REPLICATE_API_TOKEN',
  baseUrlEnv: 'REPLICATE_BASE_URL',
  host: 'api.replicate.com',
  trimSlash: true,
};
