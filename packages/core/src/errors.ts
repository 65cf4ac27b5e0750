import type { ProviderErrorInfo, ProviderErrorKind } from './schemas/clip.js';

/**
 * An error whose message is fit to show a user on one line. `exitCode` 2 means the user's input
 * or invocation was wrong; 1 means something failed while doing the work.
 */
export class BeatframeError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(message: string, opts: { code?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'BeatframeError';
    this.code = opts.code ?? 'BEATFRAME_ERROR';
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Bad invocation: unknown option, missing argument. */
export class UsageError extends BeatframeError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, { code: 'USAGE', exitCode: 2, ...opts });
    this.name = 'UsageError';
  }
}

/** Bad input data: a missing file, a file that is not audio, a malformed timeline. */
export class InputError extends BeatframeError {
  constructor(message: string, opts: { code?: string; cause?: unknown } = {}) {
    super(message, { code: opts.code ?? 'INPUT', exitCode: 2, cause: opts.cause });
    this.name = 'InputError';
  }
}

/** Missing or invalid configuration, e.g. an API key that is not set. */
export class ConfigError extends BeatframeError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, { code: 'CONFIG', exitCode: 2, ...opts });
    this.name = 'ConfigError';
  }
}

/** A provider failure, classified so the pipeline knows whether to retry, re-prompt, pause or stop. */
export class ProviderError extends BeatframeError {
  readonly kind: ProviderErrorKind;
  readonly retryAfterSec: number | undefined;
  readonly providerCode: string | undefined;
  /** A person must act before this can go on (see ProviderErrorInfo.needsPerson). */
  readonly needsPerson: boolean;
  readonly screenshot: string | undefined;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: {
      retryAfterSec?: number;
      code?: string;
      cause?: unknown;
      needsPerson?: boolean;
      screenshot?: string;
    } = {},
  ) {
    super(message, {
      code: `PROVIDER_${kind.toUpperCase().replace('-', '_')}`,
      exitCode: 1,
      cause: opts.cause,
    });
    this.name = 'ProviderError';
    this.kind = kind;
    this.retryAfterSec = opts.retryAfterSec;
    this.providerCode = opts.code;
    this.needsPerson = opts.needsPerson ?? false;
    this.screenshot = opts.screenshot;
  }
  get retryable(): boolean {
    return this.kind === 'retryable';
  }
  toInfo(): ProviderErrorInfo {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.retryAfterSec !== undefined ? { retryAfterSec: this.retryAfterSec } : {}),
      ...(this.providerCode ? { code: this.providerCode } : {}),
      ...(this.needsPerson ? { needsPerson: true } : {}),
      ...(this.screenshot ? { screenshot: this.screenshot } : {}),
    };
  }
  static fromInfo(info: ProviderErrorInfo): ProviderError {
    return new ProviderError(info.kind, info.message, {
      retryAfterSec: info.retryAfterSec,
      code: info.code,
      needsPerson: info.needsPerson,
      screenshot: info.screenshot,
    });
  }
}

/** Classifies an HTTP status the way every provider plugin should. */
export function providerErrorKindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500)
    return 'retryable';
  if (status === 404 || status === 410) return 'fatal';
  return 'fatal';
}

/** Parses Retry-After (seconds or HTTP date) into seconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * Where every vendor plugin's error mapping ends for an HTTP failure no more specific message fits: the step, the
 * status (`tag`) and the vendor's words; a retryable one keeps the wait the vendor asked for.
 */
export function stepFailed(
  kind: ProviderErrorKind,
  what: string,
  tag: string,
  detail: string,
  opts: { code?: string; cause?: unknown },
  retryAfterSec?: number | undefined,
): ProviderError {
  return new ProviderError(kind, `${what} failed (${tag}): ${detail}`, {
    ...opts,
    ...(kind === 'retryable' && retryAfterSec !== undefined ? { retryAfterSec } : {}),
  });
}

/** The one line a user sees for any thrown value. */
export function userMessage(err: unknown): string {
  if (err instanceof BeatframeError) return err.message;
  if (
    err &&
    typeof err === 'object' &&
    'issues' in err &&
    Array.isArray((err as { issues: unknown[] }).issues)
  ) {
    const first = (err as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues[0];
    if (first) return `invalid data at ${first.path.map(String).join('.') || '(root)'}: ${first.message}`;
  }
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err);
  return String(err);
}

/**
 * Where every vendor plugin's error mapping starts: a ProviderError, or a BeatframeError that already names what
 * went wrong, passes through; an abort (by default an AbortError; an SDK may have its own class) becomes the
 * 'cancelled' error. Anything else gives undefined, for the plugin to map by the vendor's status and body.
 */
export function passThroughError(
  err: unknown,
  isAbort: (err: unknown) => boolean = (e) => e instanceof Error && e.name === 'AbortError',
): Error | undefined {
  if (err instanceof ProviderError || (err instanceof BeatframeError && err.code !== 'BEATFRAME_ERROR'))
    return err;
  if (isAbort(err)) return new BeatframeError('cancelled', { code: 'ABORTED', cause: err });
  return undefined;
}
