import {
  type BeatframeConfig,
  type Crew,
  type CrewMode,
  type Logger,
  silentLogger,
  UsageError,
} from '@beatframe/core';
import type { OpenAI } from 'openai';
import { heuristicCrew } from './heuristic/crew.js';
import { llmCrew } from './llm/llmCrew.js';
import type { LlmSettings } from './llm/settings.js';

export interface CreateCrewOptions {
  /** auto: the LLM crew when OPENAI_API_KEY is set, else the heuristic crew. */
  mode?: CrewMode;
  env?: Record<string, string | undefined>;
  config?: Pick<BeatframeConfig, 'crew'>;
  logger?: Logger;
  settings?: Partial<LlmSettings>;
  client?: OpenAI;
}

/** The crew for a project: `--crew auto|llm|heuristic`. Both have every member of core's contract. */
export function createCrew(opts: CreateCrewOptions = {}): Required<Crew> {
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? 'auto';
  const logger = opts.logger ?? silentLogger();
  if (mode !== 'auto' && mode !== 'llm' && mode !== 'heuristic')
    throw new UsageError(`unknown crew "${String(mode)}"; use auto, llm or heuristic`);
  if (mode === 'heuristic' || (mode === 'auto' && !env.OPENAI_API_KEY && !opts.settings?.apiKey)) {
    if (mode === 'auto') logger.debug('no OPENAI_API_KEY: using the offline heuristic crew');
    return heuristicCrew();
  }
  return llmCrew({
    env,
    logger,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.client ? { client: opts.client } : {}),
  });
}
