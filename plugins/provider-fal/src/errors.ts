import {
  ProviderError,
  type ProviderErrorKind,
  passThroughError,
  providerErrorKindForStatus,
  stepFailed,
} from '@beatframe/core';
import { ApiError } from '@fal-ai/client';

export const ALTERNATIVES = '--provider veo|runway|local, or another --model';

/**
 * An HTTP error the plugin's fetch raised itself for 429/5xx, so the SDK's built-in backoff (which ignores
 * Retry-After) does not stack under the pipeline's retry policy.
 */
export class FalHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterSec: number | undefined,
  ) {
    super(`HTTP ${status}`);
    this.name = 'FalHttpError';
  }
}

const POLICY = /content[_ ]policy|content checker|flagged|nsfw|safety|moderation|sensitive/i;
const QUOTA = /exhausted balance|balance|billing|credits?|insufficient|top up|payment/i;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** fal puts the reason in `body.detail`: a string, or Pydantic's `[{loc, msg, type}]`. */
export function detailOf(body: unknown): { text: string; types: string[] } {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return { text: detail, types: [] };
  if (Array.isArray(detail)) {
    const items = detail as Array<{ msg?: string; type?: string; loc?: unknown[] }>;
    return {
      text: items.map((d) => `${d.loc?.slice(1).join('.') || 'input'}: ${d.msg ?? ''}`).join('; '),
      types: items.map((d) => d.type ?? ''),
    };
  }
  const msg = (body as { message?: unknown } | undefined)?.message;
  return { text: typeof msg === 'string' ? msg : '', types: [] };
}

/** Classifies a fal failure from its HTTP status and body (submit, status, or result). */
export function kindOf(status: number, body: unknown): ProviderErrorKind {
  const { text, types } = detailOf(body);
  const all = `${types.join(' ')} ${text}`;
  if (POLICY.test(all)) return 'content-policy';
  if (status === 402 || (status === 403 && QUOTA.test(text))) return 'quota';
  if (status === 404 && /not found|application|app/i.test(text)) return 'retired';
  if (status === 422) return 'fatal';
  return providerErrorKindForStatus(status);
}

/** Maps what the SDK (or our fetch) threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; endpoint?: string; host?: string; apiKeyEnv: string },
): Error {
  const known = passThroughError(err);
  if (known) return known;
  let status: number | undefined;
  let body: unknown;
  let retryAfterSec: number | undefined;
  if (err instanceof FalHttpError) {
    ({ status, body, retryAfterSec } = err);
  } else if (err instanceof ApiError) {
    status = err.status;
    body = err.body;
  }
  if (status !== undefined) {
    const kind = kindOf(status, body);
    // err.message is only the status text; the reason is in body.detail.
    const detail = oneLine(detailOf(body).text) || `HTTP ${status}`;
    const opts = { code: String(status), cause: err };
    if (kind === 'auth')
      return new ProviderError('auth', `fal refused the key (${status}): check ${ctx.apiKeyEnv}`, opts);
    if (kind === 'quota')
      return new ProviderError('quota', `the fal account is out of credit (${status}): ${detail}`, opts);
    if (kind === 'retired')
      return new ProviderError(
        'retired',
        `fal does not serve ${ctx.endpoint ?? ctx.model ?? 'this model'} (${status}): it may be retired or renamed; switch with ${ALTERNATIVES}`,
        opts,
      );
    if (kind === 'content-policy')
      return new ProviderError(
        'content-policy',
        `fal's content checker refused the request: ${detail}`,
        opts,
      );
    return stepFailed(kind, ctx.what, String(status), detail, opts, retryAfterSec);
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    const cause = (err.cause as Error | undefined)?.message ?? err.message;
    return new ProviderError(
      'retryable',
      `${ctx.what}: cannot reach ${ctx.host ?? 'fal'} (${oneLine(cause)})`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
