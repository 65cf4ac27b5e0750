import { catalogueOverrides, providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import type { VeoModel } from './catalogue.js';
import type { GeminiImageModel } from './image.js';

/** Where the Gemini API is reached, for Veo's videos and Gemini's images alike. */
export const GEMINI_CONNECTION = {
  apiKeyEnv: 'GEMINI_API_KEY',
  baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL',
  host: 'generativelanguage.googleapis.com',
};

/** Config `providers.veo` (Veo's videos and Gemini's image models), checked when the provider is made. */
export const VeoSettings = providerSettingsSchema({
  /** Default model (else veo-3.1-fast-generate-preview). */
  model: z.string().min(1).optional(),
  /** Catalogue overrides by model id: prices, durations, sizes; a full entry adds a model. */
  models: catalogueOverrides<VeoModel>().optional(),
  /** Base URL (a proxy or gateway); else GOOGLE_GEMINI_BASE_URL (or `baseUrlEnv`), else Google's. */
  baseUrl: z.url().optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Keep the sound Veo generates (default true); false strips it after download. */
  audio: z.boolean().optional(),
  /** Per-request timeout, ms. */
  timeoutMs: z.number().int().positive().optional(),
  /** Timeout of one video download, ms (the SDK's timeout covers reading the body too). */
  downloadTimeoutMs: z.number().int().positive().optional(),
  /** The SDK's own retries (default 0: the pipeline's retry policy rules, with RetryInfo delays). */
  sdkRetries: z.number().int().nonnegative().optional(),
  /** Download attempts (a corrupt file or an expired storage link is fetched again). */
  downloadAttempts: z.number().int().positive().optional(),
  /** The image model for keyframes and references (else Gemini's default). */
  imageModel: z.string().min(1).optional(),
  /** Image catalogue overrides by model id. */
  imageModels: catalogueOverrides<GeminiImageModel>().optional(),
});
export type VeoSettings = z.infer<typeof VeoSettings>;
