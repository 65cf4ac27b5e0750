import { ProviderError, type ProviderErrorKind } from '@beatframe/core';

/** Everything that can go wrong driving a video website, named. */
export const FAULT_CODES = [
  'selector-not-found',
  'login-failed',
  'captcha',
  'two-factor',
  'queue-full',
  'daily-limit',
  'generation-failed',
  'content-refused',
  'download-interrupted',
  'browser-crash',
  'site-changed',
  'kill-switch',
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

interface FaultClass {
  kind: ProviderErrorKind;
  /** A person must act: the project pauses with a screenshot; nothing is retried or paid again. */
  needsPerson: boolean;
  /** What the user reads, before the detail. */
  says: string;
}

/**
 * How each fault maps onto the error classes every provider uses. The ones a retry cannot fix (a captcha, a
 * code, a refused login, a profile that no longer fits the site, the kill switch) need a person.
 */
export const FAULTS: Record<FaultCode, FaultClass> = {
  'selector-not-found': {
    kind: 'fatal',
    needsPerson: true,
    says: 'an element the site profile names is not on the page (update the profile)',
  },
  'login-failed': {
    kind: 'auth',
    needsPerson: true,
    says: 'the site refused the sign-in (check the dedicated account and its variables)',
  },
  captcha: {
    kind: 'auth',
    needsPerson: true,
    says: 'the site asks to verify a human (solve it headed, or save a session)',
  },
  'two-factor': {
    kind: 'auth',
    needsPerson: true,
    says: 'the site asks for a two-factor code (sign in by hand once and save the session)',
  },
  'queue-full': { kind: 'retryable', needsPerson: false, says: "the site's queue for this account is full" },
  'daily-limit': {
    kind: 'quota',
    needsPerson: false,
    says: "the account's daily generation limit is reached",
  },
  'generation-failed': { kind: 'fatal', needsPerson: false, says: 'the site failed the generation' },
  'content-refused': {
    kind: 'content-policy',
    needsPerson: false,
    says: "the site's moderation refused the prompt",
  },
  'download-interrupted': { kind: 'retryable', needsPerson: false, says: 'the download broke off' },
  'browser-crash': { kind: 'retryable', needsPerson: false, says: 'the browser crashed or closed' },
  'site-changed': {
    kind: 'fatal',
    needsPerson: true,
    says: 'the site looks different from its profile (an expected element never appeared)',
  },
  'kill-switch': { kind: 'fatal', needsPerson: true, says: 'the web provider is switched off (kill switch)' },
};

/** A classified fault; `screenshot` is set once one was taken. */
export class WebFault extends Error {
  screenshot: string | undefined;
  constructor(
    readonly code: FaultCode,
    readonly detail: string,
    opts: { cause?: unknown; retryAfterSec?: number } = {},
  ) {
    super(`${FAULTS[code].says}: ${detail}`, { cause: opts.cause });
    this.name = 'WebFault';
    this.retryAfterSec = opts.retryAfterSec;
  }
  readonly retryAfterSec: number | undefined;

  toProviderError(site: string, opts: { queueFullRetrySec?: number } = {}): ProviderError {
    const c = FAULTS[this.code];
    const retryAfterSec =
      this.retryAfterSec ?? (this.code === 'queue-full' ? opts.queueFullRetrySec : undefined);
    return new ProviderError(c.kind, `${site}: ${this.message.replace(/\s+/g, ' ').slice(0, 400)}`, {
      code: this.code,
      cause: this,
      needsPerson: c.needsPerson,
      ...(this.screenshot ? { screenshot: this.screenshot } : {}),
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
    });
  }
}

/** Playwright's words for a browser or page that went away. */
const CLOSED =
  /Target (page, context or browser )?(has been )?closed|Browser has been closed|browser has disconnected|Page crashed|Target crashed|Connection closed/i;

/** Classifies whatever a browser action threw. */
export function faultOf(err: unknown, during: string): WebFault {
  if (err instanceof WebFault) return err;
  const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (CLOSED.test(msg)) return new WebFault('browser-crash', `${during}: ${msg}`, { cause: err });
  if (err instanceof Error && err.name === 'TimeoutError')
    return new WebFault('site-changed', `${during}: ${msg}`, { cause: err });
  if (/strict mode violation/i.test(msg))
    return new WebFault('selector-not-found', `${during}: the profile's selector matches several elements`, {
      cause: err,
    });
  return new WebFault('browser-crash', `${during}: ${msg}`, { cause: err });
}
