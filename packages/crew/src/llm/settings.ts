import { type BeatframeConfig, ConfigError } from '@beatframe/core';
import type { CrewRole } from '../decisions.js';

/** Everything the LLM crew needs to reach a model, resolved from the environment and the config. */
export interface LlmSettings {
  apiKey: string;
  /** undefined: the OpenAI SDK's default (api.openai.com, or OPENAI_BASE_URL that it reads itself). */
  baseURL?: string;
  api: 'responses' | 'chat';
  models: Record<CrewRole, string>;
  timeoutMs: number;
  /** HTTP retries inside the OpenAI client (429 with Retry-After, 5xx, timeouts). */
  maxRetries: number;
  /** Re-asks after an answer that fails validation, before falling back to the heuristic crew. */
  validationRetries: number;
  tracing: boolean;
  prices: Record<string, { inputPerMTok: number; outputPerMTok: number }>;
}

const ROLE_ENV: Record<CrewRole, string> = {
  planner: 'BEATFRAME_PLANNER_MODEL',
  prompter: 'BEATFRAME_PROMPTER_MODEL',
  editor: 'BEATFRAME_EDITOR_MODEL',
};

/** The model a role uses when nothing else is set; the editor needs vision, which these all have. */
export const DEFAULT_MODEL = 'gpt-4.1-mini';

function intEnv(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export function resolveLlmSettings(
  env: Record<string, string | undefined>,
  config: Pick<BeatframeConfig, 'crew'> | undefined,
  overrides: Partial<LlmSettings> = {},
): LlmSettings {
  const apiKey = overrides.apiKey ?? env.OPENAI_API_KEY;
  if (!apiKey)
    throw new ConfigError('the LLM crew needs an API key: set the environment variable OPENAI_API_KEY');
  const crew = config?.crew;
  const baseURL = overrides.baseURL ?? (env.OPENAI_BASE_URL || undefined);
  const apiEnv = env.BEATFRAME_CREW_API;
  if (apiEnv && apiEnv !== 'responses' && apiEnv !== 'chat')
    throw new ConfigError(`BEATFRAME_CREW_API must be "responses" or "chat", got "${apiEnv}"`);
  // OpenAI itself speaks the Responses API; most other OpenAI-compatible servers only Chat Completions.
  const guessed = !baseURL || /(^|\.)openai\.com/.test(new URL(baseURL).hostname) ? 'responses' : 'chat';
  const api = overrides.api ?? (apiEnv as LlmSettings['api'] | undefined) ?? crew?.api ?? guessed;
  const fallbackModel = env.BEATFRAME_CREW_MODEL || DEFAULT_MODEL;
  const model = (role: CrewRole) =>
    overrides.models?.[role] ?? (env[ROLE_ENV[role]] || crew?.models?.[role] || fallbackModel);
  return {
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    api,
    models: { planner: model('planner'), prompter: model('prompter'), editor: model('editor') },
    timeoutMs: overrides.timeoutMs ?? intEnv(env, 'BEATFRAME_CREW_TIMEOUT_MS') ?? crew?.timeoutMs ?? 120_000,
    maxRetries: overrides.maxRetries ?? intEnv(env, 'BEATFRAME_CREW_MAX_RETRIES') ?? 3,
    validationRetries: overrides.validationRetries ?? 2,
    tracing: overrides.tracing ?? crew?.tracing ?? false,
    prices: { ...(crew?.prices ?? {}), ...(overrides.prices ?? {}) },
  };
}

/** USD per million tokens (input, output) of common models; the config's `crew.prices` wins. */
const BUILT_IN_PRICES: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
};

/** Cost of a call in USD, or undefined for a model whose price nobody told us (local models). */
export function costUsd(
  model: string,
  tokens: { input: number; output: number },
  prices: LlmSettings['prices'],
): number | undefined {
  const p =
    prices[model] ?? BUILT_IN_PRICES[model] ?? BUILT_IN_PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  if (!p) return undefined;
  return Math.round(((tokens.input * p.inputPerMTok + tokens.output * p.outputPerMTok) / 1e6) * 1e6) / 1e6;
}
