import type { ProviderErrorKind } from '@beatframe/core';

/**
 * What to do when a shot's generation fails: a pure function of the classified error and the shot's
 * history, so every rule has a unit test and the engine only carries the decision out.
 */

export interface FailureFacts {
  kind: ProviderErrorKind;
  message: string;
  retryAfterSec?: number | undefined;
  needsPerson?: boolean | undefined;
}

export interface ShotFacts {
  attempt: number;
  /** Resubmissions of this attempt after errors that created nothing at the provider. */
  retries: number;
  /** Did the provider accept the job (so a new attempt is a new request)? */
  submitted: boolean;
  /** What one take costs: a free one (a local render) may simply be tried again. */
  clipUsd?: number;
}

export interface PolicyOptions {
  provider: string;
  /** The last attempt number a shot may reach. */
  maxAttempt: number;
  /** Resubmissions of one attempt before giving up on ordinary transient errors. */
  maxSubmitRetries: number;
  /** Rate limits that name their wait may be retried this often (they clear by themselves). */
  maxRateLimitRetries: number;
  retryBaseSec: number;
}

export type FailureDecision =
  /** Nothing was created: the same attempt is submitted again after the wait. */
  | { action: 'retry'; afterSec: number; why: string }
  /**
   * A new attempt. `change` says what must differ from the failed request so that a paid one is never
   * repeated: `prompt` (soften it after a refusal) or `none` (the failed job was not charged).
   */
  | { action: 'retake'; afterSec: number; change: 'prompt' | 'none'; why: string }
  /** The account, not the shot, is the problem: stop spending until a person resumes. */
  | { action: 'pause-project'; reason: string; nextAttempt: boolean; why: string }
  | { action: 'pause-for-person'; why: string }
  | { action: 'fail-shot'; reason: string; why: string }
  | { action: 'fail-project'; reason: string; why: string };

export function backoffSec(n: number, baseSec: number): number {
  return Math.min(60, baseSec * 2 ** Math.max(0, n - 1));
}

export function decideOnFailure(err: FailureFacts, shot: ShotFacts, o: PolicyOptions): FailureDecision {
  const line = `${err.kind}: ${err.message}`;
  if (err.needsPerson) return { action: 'pause-for-person', why: 'a person must act before this can go on' };
  const lastAttempt = shot.attempt >= o.maxAttempt;
  switch (err.kind) {
    case 'retryable': {
      const afterSec = Math.max(err.retryAfterSec ?? 0, backoffSec(shot.retries + 1, o.retryBaseSec));
      if (!shot.submitted) {
        // A limit that says when to come back clears by itself: allow more waits than for other errors.
        const cap = err.retryAfterSec !== undefined ? o.maxRateLimitRetries : o.maxSubmitRetries;
        if (shot.retries >= cap)
          return {
            action: 'fail-shot',
            reason: `gave up after ${shot.retries} retries: ${err.message}`,
            why: `still failing after ${cap} waits`,
          };
        return {
          action: 'retry',
          afterSec,
          why: 'nothing was created at the provider; same request after the wait',
        };
      }
      if (lastAttempt)
        return { action: 'fail-shot', reason: line, why: `attempt ${shot.attempt} was the last` };
      // The provider failed its own job: vendors do not charge for those, so the same request is not paid twice.
      return { action: 'retake', afterSec, change: 'none', why: 'the provider failed the job (not charged)' };
    }
    case 'content-policy':
      if (lastAttempt)
        return { action: 'fail-shot', reason: line, why: `attempt ${shot.attempt} was the last` };
      return {
        action: 'retake',
        afterSec: 0,
        change: 'prompt',
        why: 'refused by the content policy: the same prompt would be refused again',
      };
    case 'quota':
      return {
        action: 'pause-project',
        reason: `provider ${o.provider}: quota exhausted (${err.message}); resume when it is restored`,
        nextAttempt: shot.submitted,
        why: 'the account is out of quota or credit: every shot would fail',
      };
    case 'auth':
      return {
        action: 'fail-project',
        reason: `provider ${o.provider}: ${err.message}`,
        why: 'the key was refused: no shot can succeed',
      };
    case 'retired':
      return {
        action: 'fail-project',
        reason: `provider ${o.provider}: ${err.message}`,
        why: 'the model is gone: switch provider or model',
      };
    default:
      // A free job that failed costs nothing to try again (a local render can fail on a busy machine).
      if (shot.submitted && !(shot.clipUsd && shot.clipUsd > 0) && !lastAttempt)
        return {
          action: 'retake',
          afterSec: 0,
          change: 'none',
          why: 'a free job failed: another take costs nothing',
        };
      // A paid request the provider cannot take fails again when resent unchanged.
      return { action: 'fail-shot', reason: line, why: 'the provider cannot take this request' };
  }
}
