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

/** A vendor's words on one line, cut to `max` characters (for a message a user reads). */
export function oneLine(text: string, max = 300): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/** How a vendor plugin's messages name the vendor, and what a user can do when a model is gone. */
export interface VendorVoice {
  /** The vendor as the subject of a message: 'fal', 'Runway', 'the Gemini API'. */
  name: string;
  /** What a user can switch to when a model is gone: '--provider veo|runway|local, or another --model'. */
  alternatives: string;
  /** A spent account, as the vendor bills it (default: `the ${name} account is out of credit`). */
  spent?: string;
  /** Who refuses a prompt (default: `${name}'s moderation`). */
  checker?: string;
  /** What to do when the model is gone (default: it may be retired or renamed; switch with the alternatives). */
  retiredHint?: string;
  /** What the vendor's SDK throws when a call is aborted (default: an AbortError). */
  isAbort?: (err: unknown) => boolean;
  /** What the vendor's SDK throws when the host cannot be reached (default: fetch's TypeError "fetch failed"). */
  isUnreachable?: (err: unknown) => boolean;
}

/** A vendor's failed HTTP call, as the plugin reads it from what its SDK threw. */
export interface VendorFailure {
  kind: ProviderErrorKind;
  /** The status as messages show it: '404', '429 RESOURCE_EXHAUSTED'. */
  tag: string;
  /** The vendor's reason, on one line. */
  detail: string;
  /** The ProviderError's code (its providerCode). */
  code?: string | undefined;
  /** The wait the vendor asked for: kept when the failure is retryable. */
  retryAfterSec?: number | undefined;
}

/** The step that failed, as a vendor plugin's `call` names it (see VendorCallRef). */
export interface VendorStep {
  what: string;
  model?: string | undefined;
  host?: string | undefined;
  apiKeyEnv: string;
}

/**
 * The ProviderError for a vendor's failed call, worded the same for every vendor: a refused key names the variable
 * to check, a spent account and a refused prompt give the vendor's reason, a model it does not serve says what to
 * switch to; any other failure is `stepFailed`, keeping the wait the vendor asked for when it is retryable.
 */
export function vendorError(
  voice: VendorVoice,
  step: VendorStep,
  f: VendorFailure,
  cause: unknown,
): ProviderError {
  const opts = { ...(f.code !== undefined ? { code: f.code } : {}), cause };
  switch (f.kind) {
    case 'auth':
      return new ProviderError(
        'auth',
        `${voice.name} refused the key (${f.tag}): check ${step.apiKeyEnv}`,
        opts,
      );
    case 'quota':
      return new ProviderError(
        'quota',
        `${voice.spent ?? `the ${voice.name} account is out of credit`} (${f.tag}): ${f.detail}`,
        opts,
      );
    case 'content-policy':
      return new ProviderError(
        'content-policy',
        `${voice.checker ?? `${voice.name}'s moderation`} refused the request: ${f.detail}`,
        opts,
      );
    case 'retired':
      return new ProviderError(
        'retired',
        `${voice.name} does not serve ${step.model ? `model ${step.model}` : 'this model'}${step.host ? ` at ${step.host}` : ''} (${f.tag}: ${f.detail}): ${voice.retiredHint ?? `it may be retired or renamed; switch with ${voice.alternatives}`}`,
        opts,
      );
    default:
      return stepFailed(f.kind, step.what, f.tag, f.detail, opts, f.retryAfterSec);
  }
}

/**
 * A vendor plugin's whole error mapping: what `passThroughError` passes (or makes 'cancelled'), the failure `read`
 * finds in what the SDK threw (worded by `vendorError`), a host that cannot be reached (retryable), else the error
 * as it is.
 */
export function toVendorError(
  err: unknown,
  voice: VendorVoice,
  step: VendorStep,
  read: (err: unknown) => VendorFailure | undefined,
): Error {
  const known = voice.isAbort ? passThroughError(err, voice.isAbort) : passThroughError(err);
  if (known) return known;
  const failure = read(err);
  if (failure) return vendorError(voice, step, failure, err);
  const unreachable =
    voice.isUnreachable ?? ((e) => e instanceof TypeError && /fetch failed/i.test(e.message));
  if (unreachable(err)) {
    const e = err as Error;
    // fetch's TypeError says only "fetch failed"; its cause says why (ECONNREFUSED, a DNS failure).
    const reason =
      (e instanceof TypeError ? (e.cause as Error | undefined)?.message : undefined) ?? e.message;
    return new ProviderError(
      'retryable',
      `${step.what}: cannot reach ${step.host ?? voice.name} (${oneLine(reason ?? '')})`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
