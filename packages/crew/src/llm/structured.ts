import { ConfigError, userMessage } from '@beatframe/core';
import {
  type Agent,
  type AgentInputItem,
  assistant,
  MaxTurnsExceededError,
  ModelBehaviorError,
  ModelRefusalError,
  type ModelResponse,
  type Runner,
  user,
} from '@openai/agents';
import { APIError } from 'openai';
import type { z } from 'zod';
import { describeInvalid } from './validation.js';

export type Tokens = { input: number; output: number };

export type StructuredOutcome<T> =
  | { ok: true; value: T; tokens: Tokens; attempts: number; feedback: string[] }
  | {
      ok: false;
      kind: 'invalid' | 'refusal' | 'api';
      error: string;
      tokens: Tokens;
      attempts: number;
      feedback: string[];
    };

function lastText(responses: ModelResponse[]): string | undefined {
  const last = responses[responses.length - 1];
  for (const item of [...(last?.output ?? [])].reverse()) {
    if (item.type !== 'message' || !('content' in item) || !Array.isArray(item.content)) continue;
    const text = item.content
      .map((c) => (c && typeof c === 'object' && 'text' in c && typeof c.text === 'string' ? c.text : ''))
      .join('');
    if (text) return text;
  }
  return undefined;
}

function addUsage(tokens: Tokens, responses: ModelResponse[], seen: WeakSet<object>): void {
  for (const r of responses) {
    if (seen.has(r)) continue;
    seen.add(r);
    tokens.input += r.usage?.inputTokens ?? 0;
    tokens.output += r.usage?.outputTokens ?? 0;
  }
}

/**
 * Runs an agent whose output is a zod schema. An answer that fails the schema (or `check`) is sent
 * back with the validation error and asked again, up to `retries` times; refusals and API failures
 * end the call. HTTP-level retries (429 with Retry-After, 5xx, timeouts) happen inside the OpenAI client.
 */
export async function runStructured<T>(opts: {
  runner: Runner;
  agent: Agent<unknown, z.ZodType<T>>;
  schema: z.ZodType<T>;
  input: string | AgentInputItem[];
  retries: number;
  check?: (value: T) => string | undefined;
  signal?: AbortSignal;
  baseURL?: string;
}): Promise<StructuredOutcome<T>> {
  let items: AgentInputItem[] = typeof opts.input === 'string' ? [user(opts.input)] : opts.input;
  const tokens: Tokens = { input: 0, output: 0 };
  const seen = new WeakSet<object>();
  const feedback: string[] = [];
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    let raw: string | undefined;
    let problem: string;
    try {
      const result = await opts.runner.run(opts.agent, items, {
        maxTurns: 2,
        ...(opts.signal ? { signal: opts.signal } : {}),
        errorHandlers: {
          invalidFinalOutput: ({ runData }) => {
            raw = lastText(runData.rawResponses);
            addUsage(tokens, runData.rawResponses, seen);
          },
        },
      });
      addUsage(tokens, result.rawResponses, seen);
      const value = result.finalOutput as T;
      raw = lastText(result.rawResponses) ?? JSON.stringify(value);
      const bad = opts.check?.(value);
      if (!bad) return { ok: true, value, tokens, attempts: attempt, feedback };
      problem = bad;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (err instanceof ModelRefusalError)
        return {
          ok: false,
          kind: 'refusal',
          error: `the model refused: ${err.refusal}`,
          tokens,
          attempts: attempt,
          feedback,
        };
      if (err instanceof MaxTurnsExceededError) problem = 'no JSON answer was given';
      else if (err instanceof ModelBehaviorError) problem = describeInvalid(raw, opts.schema);
      else if (err instanceof APIError && (err.status === 401 || err.status === 403))
        throw new ConfigError(
          `the model endpoint${opts.baseURL ? ` ${opts.baseURL}` : ''} refused the key in OPENAI_API_KEY (HTTP ${err.status})`,
          { cause: err },
        );
      else return { ok: false, kind: 'api', error: userMessage(err), tokens, attempts: attempt, feedback };
    }
    feedback.push(problem);
    items = [
      ...items,
      assistant(raw?.trim() ? raw : '(no answer)'),
      user(
        `That answer was invalid: ${problem}. Reply again with only the JSON object the schema describes, with that fixed.`,
      ),
    ];
  }
  return {
    ok: false,
    kind: 'invalid',
    error: feedback[feedback.length - 1] ?? 'invalid answer',
    tokens,
    attempts: opts.retries + 1,
    feedback,
  };
}
