import {
  BeatframeError,
  type Clip,
  type ClipRequest,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  produceAtomic,
  sleep,
  type VideoProvider,
} from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { pollJob } from './poll-job.js';

export interface GenerateClipOptions {
  /** A job submitted earlier (read back from storage): poll it instead of submitting again. */
  resumeFrom?: ProviderJobRef;
  /** Called with the new job reference before any polling, to persist it. */
  onSubmitted?(ref: ProviderJobRef): void | Promise<void>;
  onStatus?(status: ProviderJobStatus, ref: ProviderJobRef): void;
  /** A retryable error is about to be retried after `waitSec`. */
  onRetry?(what: string, err: ProviderError, waitSec: number): void;
  /** Tries per step (submit, each poll, download) on retryable errors. */
  attempts?: number;
  /** Give up waiting for the job after this long. */
  timeoutSec?: number;
  /** First poll interval; it grows 1.5× up to `maxPollMs`. */
  pollMs?: number;
  maxPollMs?: number;
}

function cancelled(): BeatframeError {
  return new BeatframeError('cancelled', { code: 'ABORTED' });
}

/** Runs one step, waiting and trying again on retryable provider errors (Retry-After first, else 2^n s). */
export async function withProviderRetries<T>(
  what: string,
  fn: () => Promise<T>,
  opts: { attempts?: number; signal?: AbortSignal; onRetry?: GenerateClipOptions['onRetry'] } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 4;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable || i >= attempts) throw err;
      const waitSec = Math.min(120, err.retryAfterSec ?? 2 ** i);
      opts.onRetry?.(what, err, waitSec);
      await sleep(waitSec * 1000, opts.signal);
      // An abort ends the wait as a cancellation (the caller stops, it does not try once more).
      if (opts.signal?.aborted) throw cancelled();
    }
  }
}

/**
 * One clip from a provider: submit (or resume a stored job), poll until done, download to `dest`.
 * Retryable errors are retried honouring Retry-After; a failed job throws its ProviderError. When the
 * caller aborts (ctx.signal), a submitted job is cancelled if the provider can.
 */
export async function generateClip(
  provider: VideoProvider,
  req: ClipRequest,
  dest: string,
  ctx: PluginContext,
  opts: GenerateClipOptions = {},
): Promise<{ clip: Clip; ref: ProviderJobRef }> {
  const retry = {
    ...(opts.attempts ? { attempts: opts.attempts } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  };
  let ref = opts.resumeFrom;
  if (!ref) {
    ref = await withProviderRetries('submitting', () => provider.submit(req, ctx), retry);
    await opts.onSubmitted?.(ref);
  }
  const job = ref;
  const attempts = opts.attempts || 4;
  try {
    const outcome = await pollJob(provider, job, ctx, {
      intervalMs: opts.pollMs ?? 250,
      growth: 1.5,
      maxIntervalMs: opts.maxPollMs ?? 5000,
      maxErrors: attempts - 1,
      retryWaitMs: (n, err) => Math.min(120, err.retryAfterSec ?? 2 ** n) * 1000,
      timeoutSec: opts.timeoutSec ?? 1800,
      ...(opts.onStatus ? { onStatus: (st) => opts.onStatus?.(st, job) } : {}),
      ...(opts.onRetry ? { onRetry: (err, waitMs) => opts.onRetry?.('checking', err, waitMs / 1000) } : {}),
    });
    if (outcome.state === 'stopped') throw cancelled();
    if (outcome.state === 'error') throw outcome.error;
    if (outcome.state === 'failed')
      throw ProviderError.fromInfo(outcome.error ?? { kind: 'fatal', message: 'the job failed' });
    const clip = await withProviderRetries('downloading', () => provider.download(job, dest, ctx), retry);
    return { clip: { ...clip, ...(req.shotId ? { shotId: req.shotId } : {}) }, ref: job };
  } catch (err) {
    if (ctx.signal?.aborted && provider.cancel) {
      await provider.cancel(job, { ...ctx, signal: new AbortController().signal }).catch(() => {});
    }
    throw err;
  }
}

/**
 * Saves the last frame of a clip as a PNG: the `imagePath` of the next shot, for image-to-video
 * continuity between shots (providers with `imageToVideo`; local takes its colours).
 */
export async function lastFrameOf(videoPath: string, destPng: string, signal?: AbortSignal): Promise<string> {
  await produceAtomic(destPng, (tmp) =>
    runFfmpeg(['-sseof', '-0.25', '-i', videoPath, '-update', '1', '-frames:v', '1', '-f', 'image2', tmp], {
      ...(signal ? { signal } : {}),
    }).then(() => undefined),
  );
  return destPng;
}
