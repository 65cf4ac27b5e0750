import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';

/** Config `providers.openrouter`, checked when the provider is made (a typo fails at once, on one line). */
export const OpenRouterSettings = providerSettingsSchema({
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** Default model, an OpenRouter video model id (else alibaba/wan-2.6). */
  model: z.string().min(1).optional(),
  /** USD per second by model id, for budgets (the clip records the cost OpenRouter reports). */
  prices: z.record(z.string(), z.number().nonnegative()).optional(),
  /** Where requests go instead of https://openrouter.ai/api/v1; else OPENROUTER_BASE_URL. */
  baseUrl: z.url().optional(),
  apiKeyEnv: z.string().min(1).optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Keep the sound the model makes (default false: the song is the soundtrack, and silent clips cost less). */
  audio: z.boolean().optional(),
  /** How long the live models listing is reused, ms (default 10 minutes). */
  listingTtlMs: z.number().int().nonnegative().optional(),
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  downloadAttempts: z.number().int().positive().optional(),
});
export type OpenRouterSettings = z.infer<typeof OpenRouterSettings>;

/** Where OpenRouter is reached by default (trailing slashes dropped: the client joins paths onto the base URL as it is). */
export const OPENROUTER_CONNECTION = {
  apiKeyEnv: 'OPENROUTER_API_KEY',
  baseUrlEnv: 'OPENROUTER_BASE_URL',
  host: 'openrouter.ai',
  trimSlash: true,
};
