/** What happens when a shot fails: the failure policy's decision applied, prompt softening, budget alerts. */
import {
  BeatframeError,
  type Logger,
  ProjectOptions,
  ProviderError,
  type Shot,
  type Storyboard,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { applyFailureDecision } from './apply-failure.js';
import { checkBudgetAlerts, utcDay } from './budget.js';
import type { Engine } from './engine.js';
import { decideOnFailure } from './failure-policy.js';
import type { ProjectRow, ShotRow } from './store.js';

const EPS = 1e-9;
const MAX_SUBMIT_RETRIES = 5;
/** Rate limits that say when to come back: a per-minute storm must finish unattended. */
const MAX_RATE_LIMIT_RETRIES = 30;

export async function onShotError(
  this: Engine,
  p: ProjectRow,
  row: ShotRow,
  options: ProjectOptions,
  provider: VideoProvider,
  err: unknown,
  submitted: boolean,
  logger: Logger,
): Promise<void> {
  const pe = asProviderError(err);
  logger.warn({ kind: pe.kind, err: pe.message, submitted }, 'shot generation failed');
  await this.bus.publish({
    type: 'log',
    projectId: p.id,
    stage: 'generate',
    level: 'warn',
    message: `${row.id}: ${pe.kind}: ${pe.message}`,
  });
  const decision = decideOnFailure(
    pe,
    {
      attempt: row.attempt,
      retries: row.retries,
      submitted,
      clipUsd: provider.capabilities.usdFor(this.clipRequest(provider, options, row)),
    },
    {
      provider: provider.name,
      maxAttempt: options.maxAttemptsPerShot + 2,
      maxSubmitRetries: MAX_SUBMIT_RETRIES,
      maxRateLimitRetries: MAX_RATE_LIMIT_RETRIES,
      retryBaseSec: this.settings.retryBaseSec ?? 1,
    },
  );
  await this.decisionSink(p.id, 'generate').record({
    role: 'failure-policy',
    shotId: row.id,
    summary: `${row.id} attempt ${row.attempt}: ${pe.kind} → ${decision.action} (${decision.why})`,
    output: { kind: pe.kind, message: pe.message, decision },
  });
  await applyFailureDecision(decision, row, pe, provider.name, {
    setShot: (patch) => this.setShot(p.id, row.id, patch),
    enqueue: (attempt, delaySec) => this.enqueueShot(p.id, { id: row.id, attempt }, provider.name, delaySec),
    finishGenerate: () => this.maybeFinishGenerate(p.id),
    pauseProject: (reason) => this.pauseProject(p.id, reason),
    failProject: (reason) => this.failProject(p.id, reason),
    addScreenshot: (path) => this.addAsset(p.id, 'screenshot', path, row.id),
    revisePrompt: () => this.revisePrompt(p, row, provider, pe.message, logger),
  });
}

export async function revisePrompt(
  this: Engine,
  p: ProjectRow,
  row: ShotRow,
  provider: VideoProvider,
  error: string,
  logger: Logger,
): Promise<string> {
  const sink = this.decisionSink(p.id, 'generate');
  const crew = await this.crew(ProjectOptions.parse(p.options).crew).catch(() => undefined);
  if (crew?.revisePromptAfterRefusal) {
    const storyboard = await this.stageOutput<{ storyboard: Storyboard }>(p.id, 'prompt').then(
      (o) => o.storyboard,
      () => undefined,
    );
    try {
      return await crew.revisePromptAfterRefusal(
        {
          shot: row.shot as Shot,
          prompt: row.prompt,
          error,
          maxPromptChars: provider.capabilities.maxPromptChars,
          ...(storyboard ? { storyboard } : {}),
        },
        { logger, decisions: sink, env: this.env },
      );
    } catch (err) {
      logger.warn({ err: userMessage(err) }, 'the crew could not revise the prompt; softening it instead');
    }
  }
  const prompt = softenPrompt(row.prompt);
  await sink.record({
    role: 'pipeline',
    shotId: row.id,
    summary: `the provider refused the prompt (${error}); softened it for attempt ${row.attempt + 1}`,
    output: { prompt },
  });
  return prompt;
}

export async function budgetAlerts(
  this: Engine,
  projectId: string,
  projectSpent?: number,
  today?: number,
  refused = false,
) {
  const p = await this.projectRow(projectId);
  const cap = this.config.budget.dailyCapUsd;
  const candidates = [];
  if (p?.maxUsd != null)
    candidates.push({
      scope: 'project' as const,
      key: projectId,
      projectId,
      spentUsd: refused ? p.maxUsd : (projectSpent ?? p.spentUsd),
      capUsd: p.maxUsd,
    });
  if (cap !== undefined) {
    const day = utcDay();
    const [row] = await this.database.query<{ usd: number }>('SELECT usd FROM daily_spend WHERE day = $1', [
      day,
    ]);
    const spent = today ?? Number(row?.usd ?? 0);
    // A refusal means the cap is reached for practical purposes, whichever cap it was.
    const atCap = refused && (p?.maxUsd == null || (p.spentUsd ?? 0) + EPS < p.maxUsd);
    candidates.push({
      scope: 'daily' as const,
      key: day,
      projectId,
      spentUsd: atCap ? cap : spent,
      capUsd: cap,
    });
  }
  await checkBudgetAlerts(
    this.database,
    this.config.budget,
    this.logger.child({ projectId }),
    candidates,
    this.settings.fetch,
  );
}

export function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof BeatframeError && err.exitCode === 2)
    return new ProviderError('fatal', err.message, { cause: err });
  // Network failures and the like: worth another try.
  return new ProviderError('retryable', userMessage(err), { cause: err });
}

const RISKY =
  /\b(blood(y)?|gore|kill(s|ing|ed)?|weapons?|guns?|naked|nude|sexy|violent|violence|drugs?|dead|corpse|war)\b/gi;

/** Drops the words content filters trip on most often and asks for a safe rendition. */
export function softenPrompt(prompt: string): string {
  const cleaned = prompt
    .replace(RISKY, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return `${cleaned}${cleaned.endsWith('.') ? '' : '.'} Family-friendly, non-violent, tasteful.`;
}
