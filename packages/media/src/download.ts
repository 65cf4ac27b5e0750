import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { type Logger, ProviderError, pricedRequestOf, produceAtomic } from '@beatframe/core';
import { type MediaInfo, probeMedia } from './probe.js';

/** The file's probe when it is a playable video (a video stream and a length), else undefined. */
export async function verifyVideo(path: string): Promise<MediaInfo | undefined> {
  try {
    const info = await probeMedia(path);
    return info.video && info.durationSec > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

/** verifyVideo, or a retryable ProviderError saying the downloaded clip of `jobId` is corrupt. */
export async function requireVideo(path: string, jobId: string): Promise<MediaInfo> {
  const info = await verifyVideo(path);
  if (!info) throw new ProviderError('retryable', `the downloaded clip of ${jobId} is corrupt`);
  return info;
}

/** Writes a response body to `dest`; a stream that breaks off is a retryable ProviderError. */
export async function saveBody(body: globalThis.ReadableStream<Uint8Array>, dest: string, jobId: string) {
  try {
    await pipeline(Readable.fromWeb(body as ReadableStream), createWriteStream(dest));
  } catch (err) {
    throw new ProviderError('retryable', `the download of ${jobId} broke off: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export interface FetchVideoOptions {
  jobId: string;
  /** What the URL is, for messages: "the video URL" answered 404. */
  label: string;
  /** Statuses that mean the signed link expired (the message says so). */
  expired: readonly number[];
  signal?: AbortSignal | undefined;
}

/**
 * Fetches a (public, signed) result URL into `dest` and verifies it is a video. A failed connection, a stream
 * that breaks off, a corrupt file, 403/404/410/429 and 5xx are retryable; other statuses are fatal.
 */
export async function fetchVideo(url: string, dest: string, opts: FetchVideoOptions): Promise<MediaInfo> {
  let res: Response;
  try {
    res = await fetch(url, opts.signal ? { signal: opts.signal } : {});
  } catch (err) {
    throw new ProviderError(
      'retryable',
      `the download of ${opts.jobId} broke off: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!res.ok || !res.body) {
    const kind = [403, 404, 410, 429].includes(res.status) || res.status >= 500 ? 'retryable' : 'fatal';
    throw new ProviderError(
      kind,
      `${opts.label} of ${opts.jobId} answered ${res.status}${opts.expired.includes(res.status) ? ' (expired)' : ''}`,
    );
  }
  await saveBody(res.body, dest, opts.jobId);
  return requireVideo(dest, opts.jobId);
}

export interface DownloadOptions<S> {
  dest: string;
  jobId: string;
  /** Attempts in all (at least 1). */
  attempts: number;
  logger: Pick<Logger, 'warn'>;
  /** Logged when an attempt failed and another follows. */
  retryMessage: string;
  /** Read before each attempt (a fresh link, say); its errors end the download. */
  source: () => Promise<S>;
  /** Writes the clip to `tmp` and returns its verified probe; `tmp` becomes `dest` only when this succeeds. */
  save: (source: S, tmp: string) => Promise<MediaInfo>;
  /** Which ProviderErrors earn another attempt (default: the retryable ones). */
  retryIf?: (err: ProviderError) => boolean;
  /** Put the error's message in the log line (default true). */
  logCause?: boolean;
}

/**
 * `downloadVerified` for a provider's job: the job id from its reference, the logger from the context, and 3
 * attempts unless the plugin's settings say otherwise.
 */
export function downloadJob<S>(
  ref: { jobId: string },
  dest: string,
  ctx: { logger: Pick<Logger, 'warn'> },
  opts: Omit<DownloadOptions<S>, 'dest' | 'jobId' | 'logger' | 'attempts'> & {
    attempts?: number | undefined;
  },
): Promise<MediaInfo> {
  return downloadVerified({
    ...opts,
    dest,
    jobId: ref.jobId,
    logger: ctx.logger,
    attempts: opts.attempts ?? 3,
  });
}

/** A finished job's file behind a public, signed link, for `downloadJobLink`. */
export interface JobLink {
  /** What the link is, for messages: "the video URL" answered 404. */
  label: string;
  /** Statuses that mean the signed link expired (the message says so). */
  expired: readonly number[];
  /** Logged when an attempt failed and the job is read again for the next. */
  retryMessage: string;
}

/**
 * `downloadJob` for a job whose file is behind a public, signed link that expires: `urlOf` reads the job again
 * before each attempt, so an expired link is replaced by the current one, and `fetchVideo` saves and verifies the
 * file (the vendor's key is never sent to the link).
 */
export function downloadJobLink(
  ref: { jobId: string },
  dest: string,
  ctx: { logger: Pick<Logger, 'warn'>; signal?: AbortSignal | undefined },
  attempts: number | undefined,
  link: JobLink,
  urlOf: () => Promise<string>,
): Promise<MediaInfo> {
  return downloadJob(ref, dest, ctx, {
    attempts,
    retryMessage: link.retryMessage,
    source: urlOf,
    save: (url, tmp) =>
      fetchVideo(url, tmp, {
        jobId: ref.jobId,
        label: link.label,
        expired: link.expired,
        signal: ctx.signal,
      }),
  });
}

/**
 * Downloads a clip atomically to `dest`, attempting again (with a fresh `source`) while `save` throws a
 * ProviderError that `retryIf` accepts and attempts remain; returns the verified probe.
 */
export async function downloadVerified<S>(opts: DownloadOptions<S>): Promise<MediaInfo> {
  const retryIf = opts.retryIf ?? ((err: ProviderError) => err.kind === 'retryable');
  const attempts = Math.max(1, opts.attempts);
  for (let attempt = 1; ; attempt++) {
    const source = await opts.source();
    const info = await produceAtomic(opts.dest, (tmp) => opts.save(source, tmp)).catch((err: unknown) => {
      if (err instanceof ProviderError && retryIf(err) && attempt < attempts) {
        opts.logger.warn(
          { jobId: opts.jobId, attempt, ...(opts.logCause === false ? {} : { err: err.message }) },
          opts.retryMessage,
        );
        return undefined;
      }
      throw err;
    });
    if (info) return info;
  }
}

/** The Clip fields a verified probe gives (path, length, size, frame rate, sound). */
export function clipOfProbe(path: string, info: MediaInfo) {
  return {
    path,
    durationSec: info.durationSec,
    width: info.video!.width,
    height: info.video!.height,
    fps: info.video!.fps,
    hasAudio: !!info.audio,
  };
}

/** The Clip a finished job's file makes: what the probe found, the provider and model that made it, its cost. */
export function clipOfJob(
  path: string,
  info: MediaInfo,
  provider: string,
  ref: { jobId: string; model?: string | undefined; seconds: number; size: string },
  /** The cost, or the provider's `usdFor`, priced at what the stored job asked for. */
  costUsd: number | ((req: ReturnType<typeof pricedRequestOf>) => number),
) {
  return {
    ...clipOfProbe(path, info),
    provider,
    ...(ref.model ? { model: ref.model } : {}),
    jobId: ref.jobId,
    costUsd: typeof costUsd === 'number' ? costUsd : costUsd(pricedRequestOf(ref)),
  };
}
