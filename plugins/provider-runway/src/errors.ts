import {
  oneLine,
  type ProviderErrorKind,
  parseRetryAfter,
  providerErrorKindForStatus,
  toVendorError,
  type VendorVoice,
} from '@beatframe/core';
import { APIConnectionError, APIError, APIUserAbortError } from '@runwayml/sdk';

export const ALTERNATIVES = '--provider veo|fal|local, or another --model';

const CREDITS = /credits?|billing|balance|payment|insufficient/i;
const POLICY = /moderation|content polic|safety|not allowed|public figure|prohibited/i;

/** Runway's error body: `{error: "…", issues?: [{path, message}]}`. */
function detailOf(body: unknown, fallback: string): string {
  const b = body as { error?: unknown; issues?: Array<{ message?: string; path?: unknown[] }> } | undefined;
  const issues = (b?.issues ?? [])
    .map((i) => `${(i.path ?? []).join('.') || 'input'}: ${i.message ?? ''}`)
    .join('; ');
  const head = typeof b?.error === 'string' ? b.error : fallback;
  return oneLine(issues ? `${head} (${issues})` : head);
}

/**
 * Classifies a failed task by its failureCode (docs.dev.runwayml.com/errors/task-failures): SAFETY.* are moderation,
 * INTERNAL* are worth a retry, ASSET.* and INPUT_PREPROCESSING.* (other than safety) are the input's fault.
 */
export function failureKind(code: string | undefined, message: string): ProviderErrorKind {
  const c = code ?? '';
  if (/SAFETY/.test(c) || (!c && POLICY.test(message))) return 'content-policy';
  if (/^INTERNAL|THROTTLED|TIMEOUT/.test(c)) return 'retryable';
  if (/CREDIT/.test(c)) return 'quota';
  if (/^ASSET|^INPUT/.test(c)) return 'fatal';
  return c ? 'fatal' : 'retryable';
}

/** Classifies a refused API call from its status and Runway's reason (`detail`); `model` is the one asked for. */
export function kindOf(status: number, detail: string, model: string | undefined): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402 || (status === 400 && CREDITS.test(detail))) return 'quota';
  if (
    status === 400 &&
    /model/i.test(detail) &&
    /invalid|unknown|not (available|supported)|deprecated|expected/i.test(detail) &&
    model &&
    detail.includes(model)
  )
    return 'retired';
  if (status === 400 && POLICY.test(detail)) return 'content-policy';
  return providerErrorKindForStatus(status);
}

/** How Runway's messages name it. */
const RUNWAY: VendorVoice = {
  name: 'Runway',
  alternatives: ALTERNATIVES,
  spent: 'the Runway account is out of credits',
  isAbort: (e) => e instanceof APIUserAbortError,
  isUnreachable: (e) => e instanceof APIConnectionError,
};

/** Maps what the SDK threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host?: string; apiKeyEnv: string },
): Error {
  return toVendorError(err, RUNWAY, ctx, (e) => {
    if (!(e instanceof APIError) || e.status === undefined) return undefined;
    const detail = detailOf(e.error, e.message);
    return {
      kind: kindOf(e.status, detail, ctx.model),
      tag: String(e.status),
      detail,
      code: String(e.status),
      retryAfterSec: parseRetryAfter(e.headers?.get?.('retry-after')),
    };
  });
}
