import { describe, expect, it } from 'vitest';
import { decideOnFailure, type FailureFacts, type ShotFacts } from '../src/failure-policy.js';

const o = { provider: 'veo', maxAttempt: 4, maxSubmitRetries: 5, maxRateLimitRetries: 30, retryBaseSec: 1 };
const first: ShotFacts = { attempt: 1, retries: 0, submitted: false };
const decide = (e: Partial<FailureFacts> & Pick<FailureFacts, 'kind'>, s: Partial<ShotFacts> = {}) =>
  decideOnFailure({ message: 'm', ...e }, { ...first, ...s }, o);

describe('decideOnFailure', () => {
  it('a rate limit before anything was created retries the same request after the named wait', () => {
    expect(decide({ kind: 'retryable', retryAfterSec: 7 })).toMatchObject({ action: 'retry', afterSec: 7 });
    // Without a named wait: exponential backoff from the base.
    expect(decide({ kind: 'retryable' }, { retries: 2 })).toMatchObject({ action: 'retry', afterSec: 4 });
  });

  it('a per-minute storm is waited out far longer than an unnamed transient error', () => {
    expect(decide({ kind: 'retryable', retryAfterSec: 1 }, { retries: 20 }).action).toBe('retry');
    expect(decide({ kind: 'retryable' }, { retries: 5 })).toMatchObject({ action: 'fail-shot' });
    expect(decide({ kind: 'retryable', retryAfterSec: 1 }, { retries: 30 }).action).toBe('fail-shot');
  });

  it('a job the provider failed is taken again unchanged (not charged), until the last attempt', () => {
    expect(decide({ kind: 'retryable' }, { submitted: true })).toMatchObject({
      action: 'retake',
      change: 'none',
    });
    expect(decide({ kind: 'retryable' }, { submitted: true, attempt: 4 }).action).toBe('fail-shot');
  });

  it('a content-policy refusal never goes back unchanged: the prompt changes', () => {
    expect(decide({ kind: 'content-policy' })).toMatchObject({ action: 'retake', change: 'prompt' });
    expect(decide({ kind: 'content-policy' }, { submitted: true })).toMatchObject({ change: 'prompt' });
    expect(decide({ kind: 'content-policy' }, { attempt: 4 }).action).toBe('fail-shot');
  });

  it('only spent quota pauses the project, naming the provider; a submitted shot moves to its next attempt', () => {
    expect(decide({ kind: 'quota', message: 'PerDay' })).toMatchObject({
      action: 'pause-project',
      nextAttempt: false,
      reason: expect.stringMatching(/^provider veo: quota exhausted \(PerDay\)/),
    });
    expect(decide({ kind: 'quota' }, { submitted: true })).toMatchObject({ nextAttempt: true });
  });

  it('a refused key or a retired model fails the project; a fatal request fails the shot without resending it', () => {
    expect(decide({ kind: 'auth' }).action).toBe('fail-project');
    expect(decide({ kind: 'retired' }).action).toBe('fail-project');
    expect(decide({ kind: 'fatal' }).action).toBe('fail-shot');
    expect(decide({ kind: 'fatal' }, { submitted: true, clipUsd: 0.4 }).action).toBe('fail-shot');
    // A free job (a local render) that failed is simply taken again, up to the last attempt.
    expect(decide({ kind: 'fatal' }, { submitted: true, clipUsd: 0 })).toMatchObject({
      action: 'retake',
      change: 'none',
    });
    expect(decide({ kind: 'fatal' }, { submitted: true, attempt: 4 }).action).toBe('fail-shot');
  });

  it('a captcha or sign-in pauses for a person, whatever its kind', () => {
    expect(decide({ kind: 'retryable', needsPerson: true }).action).toBe('pause-for-person');
  });
});
