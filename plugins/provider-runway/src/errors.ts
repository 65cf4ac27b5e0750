import {
  ProviderError,
  type ProviderErrorKind,
  parseRetryAfter,
  passThroughError,
  providerErrorKindForStatus,
  stepFailed,
} from '@beatframe/core';
import { APIConnectionError, APIError, APIUserAbortError } from '@runwayml/sdk';

export const ALTERNATIVES = '--provider veo|fal|local, or another --model';

const CREDITS = /credits?|billing|balance|payment|insufficient/i;
const POLICY = /moderation|content polic|safety|not allowed|public figure|prohibited/i;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

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

/** Maps what the SDK threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host?: string; apiKeyEnv: string },
): Error {
  const known = passThroughError(err, (e) => e instanceof APIUserAbortError);
  if (known) return known;
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const detail = detailOf(err.error, err.message);
    const opts = { code: String(status), cause: err };
    if (status === 401 || status === 403)
      return new ProviderError('auth', `Runway refused the key (${status}): check ${ctx.apiKeyEnv}`, opts);
    if (status === 402 || (status === 400 && CREDITS.test(detail)))
      return new ProviderError('quota', `the Runway account is out of credits (${status}): ${detail}`, opts);
    if (
      status === 400 &&
      /model/i.test(detail) &&
      /invalid|unknown|not (available|supported)|deprecated|expected/i.test(detail) &&
      ctx.model &&
      detail.includes(ctx.model)
    )
      return new ProviderError(
        'retired',
        `Runway does not offer model ${ctx.model} (${status}): it may be retired or renamed; switch with ${ALTERNATIVES}`,
        opts,
      );
    if (status === 400 && POLICY.test(detail))
      return new ProviderError('content-policy', `Runway's moderation refused the request: ${detail}`, opts);
    const kind = providerErrorKindForStatus(status);
    const retryAfterSec = parseRetryAfter(err.headers?.get?.('retry-after'));
    return stepFailed(kind, ctx.what, String(status), detail, opts, retryAfterSec);
  }
  if (err instanceof APIConnectionError)
    return new ProviderError(
      'retryable',
      `${ctx.what}: cannot reach ${ctx.host ?? 'the Runway API'} (${oneLine(err.message)})`,
      {
        cause: err,
      },
    );
  return err instanceof Error ? err : new Error(String(err));
}
