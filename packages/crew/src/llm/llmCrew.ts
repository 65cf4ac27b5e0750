import type { BeatframeConfig, Crew, Logger } from '@beatframe/core';
import type OpenAI from 'openai';
import { type LlmSettings, resolveLlmSettings } from './settings.js';

export interface LlmCrewOptions {
  env?: Record<string, string | undefined>;
  config?: Pick<BeatframeConfig, 'crew'>;
  logger?: Logger;
  /** Explicit settings (tests, library callers); otherwise from env and config. */
  settings?: Partial<LlmSettings>;
  /** A ready OpenAI client (e.g. with a custom fetch); otherwise one is built from the settings. */
  client?: OpenAI;
}

/**
 * The LLM crew on the OpenAI Agents SDK; any step that fails falls back to the heuristic crew,
 * logged. Settings are checked now (a missing key is a ConfigError at once); the SDK itself, a
 * second of start-up, loads on the first call, so commands that never plan do not pay for it.
 */
export function llmCrew(opts: LlmCrewOptions = {}): Required<Crew> {
  const settings = resolveLlmSettings(opts.env ?? process.env, opts.config, opts.settings);
  let crew: Promise<Required<Crew>> | undefined;
  const load = () => {
    crew ??= import('./agentsCrew.js').then((m) => m.buildLlmCrew(opts, settings));
    return crew;
  };
  return {
    name: 'llm',
    plan: async (input, ctx) => (await load()).plan(input, ctx),
    writePrompts: async (storyboard, input, ctx) => (await load()).writePrompts(storyboard, input, ctx),
    review: async (input, ctx) => (await load()).review(input, ctx),
    judgeContinuity: async (input, ctx) => (await load()).judgeContinuity(input, ctx),
    proposeRevisions: async (input, ctx) => (await load()).proposeRevisions(input, ctx),
    revisePromptAfterRefusal: async (input, ctx) => (await load()).revisePromptAfterRefusal(input, ctx),
  };
}
