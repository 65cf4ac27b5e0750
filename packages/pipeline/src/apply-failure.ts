import type { ProviderError } from '@beatframe/core';
import type { shots } from '@beatframe/db';
import { needsPersonReason } from './attention.js';
import type { FailureDecision } from './failure-policy.js';

type ShotPatch = Partial<typeof shots.$inferInsert>;

/** What the engine lends the failure handler: the few writes a decision needs. */
export interface FailureActions {
  setShot(patch: ShotPatch): Promise<void>;
  enqueue(attempt: number, delaySec?: number): Promise<void>;
  finishGenerate(): Promise<void>;
  pauseProject(reason: string): Promise<void>;
  failProject(reason: string): Promise<void>;
  addScreenshot(path: string): Promise<void>;
  /** A changed prompt for the next attempt (the crew's, or softened), recorded as a decision. */
  revisePrompt(): Promise<string>;
}

/** Carries out a failure-policy decision for one shot (see failure-policy.ts for the rules). */
export async function applyFailureDecision(
  d: FailureDecision,
  shot: { attempt: number; retries: number },
  pe: ProviderError,
  providerName: string,
  act: FailureActions,
): Promise<void> {
  const line = `${pe.kind}: ${pe.message}`;
  switch (d.action) {
    case 'pause-for-person':
      // A captcha, a code, a refused sign-in, a changed site: keep the attempt (and its job).
      await act.setShot({ status: 'paused', error: line });
      if (pe.screenshot) await act.addScreenshot(pe.screenshot);
      await act.pauseProject(needsPersonReason(providerName, pe));
      return;
    case 'retry':
      await act.setShot({ status: 'pending', retries: shot.retries + 1, error: pe.message });
      await act.enqueue(shot.attempt, d.afterSec);
      return;
    case 'retake': {
      const prompt = d.change === 'prompt' ? await act.revisePrompt() : undefined;
      await act.setShot({
        status: 'pending',
        attempt: shot.attempt + 1,
        retries: 0,
        progress: 0,
        error: line,
        ...(prompt ? { prompt } : {}),
      });
      await act.enqueue(shot.attempt + 1, d.afterSec);
      return;
    }
    case 'pause-project':
      await act.setShot(
        d.nextAttempt ? { status: 'paused', attempt: shot.attempt + 1 } : { status: 'paused' },
      );
      await act.pauseProject(d.reason);
      return;
    case 'fail-project':
      await act.setShot({ status: 'failed', error: pe.message });
      await act.failProject(d.reason);
      return;
    case 'fail-shot':
      await act.setShot({ status: 'failed', error: d.reason });
      await act.finishGenerate();
      return;
  }
}
