import {
  type Decision,
  digestOf,
  type PluginContext,
  type Revision,
  scrubSecrets,
  secretValues,
} from '@beatframe/core';

export type CrewRole = 'planner' | 'prompter' | 'editor';

const STAGE_OF: Record<CrewRole, Decision['stage']> = {
  planner: 'plan',
  prompter: 'prompt',
  editor: 'review',
};

export interface DecisionFacts {
  role: CrewRole;
  summary: string;
  input: unknown;
  output: unknown;
  model: string;
  ms: number;
  shotId?: string;
  stage?: Decision['stage'];
  tokens?: { input: number; output: number };
  costUsd?: number;
}

/** Sends one decision to the context's sink, scrubbed of secrets, with the digest of its input. */
export async function recordDecision(
  ctx: Pick<PluginContext, 'decisions' | 'env'>,
  d: DecisionFacts,
): Promise<void> {
  if (!ctx.decisions) return;
  const secrets = secretValues(ctx.env ?? process.env);
  await ctx.decisions.record({
    role: d.role,
    stage: d.stage ?? STAGE_OF[d.role],
    ...(d.shotId ? { shotId: d.shotId } : {}),
    summary: scrubSecrets(d.summary, secrets),
    inputDigest: digestOf(d.input),
    output: scrubSecrets(d.output, secrets),
    model: d.model,
    ...(d.tokens ? { tokens: d.tokens } : {}),
    ...(d.costUsd !== undefined ? { costUsd: d.costUsd } : {}),
    ms: Math.max(0, Math.round(d.ms)),
  });
}

/** Records the editor's revisions after an evaluation: the same decision whichever crew proposed them. */
export function recordRevisions(
  ctx: Pick<PluginContext, 'decisions' | 'env'>,
  input: unknown,
  revisions: Revision[],
  by: Pick<DecisionFacts, 'model' | 'ms' | 'tokens' | 'costUsd'>,
): Promise<void> {
  return recordDecision(ctx, {
    role: 'editor',
    stage: 'evaluate',
    summary: revisions.length
      ? `${revisions.length} revisions: ${revisions.map((r) => r.kind).join(', ')}`
      : 'no revisions',
    input,
    output: revisions,
    ...by,
  });
}

/** A decision sink that keeps decisions in memory, for tests and library callers. */
export function memoryDecisions(): {
  record(d: Omit<Decision, 'at'> & { at?: string }): void;
  list: Decision[];
} {
  const list: Decision[] = [];
  return { list, record: (d) => void list.push({ ...d, at: d.at ?? new Date().toISOString() }) };
}
