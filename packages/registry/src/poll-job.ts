import {
  type PluginContext,
  ProviderError,
  type ProviderErrorInfo,
  type ProviderJobRef,
  type ProviderJobStatus,
  sleep,
  type VideoProvider,
} from '@beatframe/core';

export interface PollJobOptions {
  /** Wait between polls; it grows by `growth` (default 1: steady) up to `maxIntervalMs`. */
  intervalMs: number;
  growth?: number;
  maxIntervalMs?: number;
  /** Failed polls in a row tolerated when the error is retryable; the next one ends the loop as an `error`. */
  maxErrors: number;
  /** The wait before the `n`-th try again after a failed poll (1-based). */
  retryWaitMs(n: number, err: ProviderError): number;
  /** What a thrown poll error is: a ProviderError (retried when retryable), or undefined (given up at once). */
  classify?(err: unknown): ProviderError | undefined;
  /** A job not done after this long ends as an `error` (a retryable ProviderError); none by default. */
  timeoutSec?: number;
  /** Before every poll: false stops the loop (the project was cancelled, say). */
  beforePoll?(): Promise<boolean>;
  /** Every status the provider answers, `done` and `failed` included. */
  onStatus?(status: ProviderJobStatus): void | Promise<void>;
  onRetry?(err: ProviderError, waitMs: number): void;
}

export type PollOutcome =
  | { state: 'done' }
  | { state: 'failed'; error?: ProviderErrorInfo }
  /** `ctx.signal` aborted, or `beforePoll` said stop. */
  | { state: 'stopped' }
  /** Polling itself failed: a poll error not retryable or once too often, or the timeout. */
  | { state: 'error'; error: unknown };

/**
 * The one submit-then-poll loop's poll half, shared by the pipeline's shot job and `beatframe clip`
 * (`generateClip`): polls a submitted job until it is done or failed, waiting `intervalMs` between polls and
 * trying again on retryable poll errors. An abort (`ctx.signal`) ends it as `stopped`; the job's and the polls'
 * failures are outcomes, not exceptions (what the hooks throw is thrown).
 */
export async function pollJob(
  provider: VideoProvider,
  ref: ProviderJobRef,
  ctx: PluginContext,
  opts: PollJobOptions,
): Promise<PollOutcome> {
  const classify = opts.classify ?? ((err: unknown) => (err instanceof ProviderError ? err : undefined));
  const deadline = opts.timeoutSec === undefined ? Infinity : Date.now() + opts.timeoutSec * 1000;
  let interval = opts.intervalMs;
  let errors = 0;
  for (;;) {
    if (ctx.signal?.aborted) return { state: 'stopped' };
    if (opts.beforePoll && !(await opts.beforePoll())) return { state: 'stopped' };
    let st: ProviderJobStatus;
    try {
      st = await provider.poll(ref, ctx);
      errors = 0;
    } catch (err) {
      const pe = classify(err);
      if (pe?.retryable && ++errors <= opts.maxErrors) {
        const wait = opts.retryWaitMs(errors, pe);
        opts.onRetry?.(pe, wait);
        await sleep(wait, ctx.signal);
        continue;
      }
      return { state: 'error', error: err };
    }
    await opts.onStatus?.(st);
    if (st.state === 'done') return { state: 'done' };
    if (st.state === 'failed') return { state: 'failed', ...(st.error ? { error: st.error } : {}) };
    if (Date.now() > deadline)
      return {
        state: 'error',
        error: new ProviderError('retryable', `job ${ref.jobId} not done after ${opts.timeoutSec}s`),
      };
    await sleep(interval, ctx.signal);
    interval = Math.min(opts.maxIntervalMs ?? interval, interval * (opts.growth ?? 1));
  }
}
