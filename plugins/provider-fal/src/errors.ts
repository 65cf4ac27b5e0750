import {
  oneLine,
  type ProviderErrorKind,
  providerErrorKindForStatus,
  toVendorError,
  type VendorVoice,
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

/** How fal's messages name it. */
const FAL: VendorVoice = { name: 'fal', alternatives: ALTERNATIVES, checker: "fal's content checker" };

/** Maps what the SDK (or our fetch) threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; endpoint?: string; host?: string; apiKeyEnv: string },
): Error {
  return toVendorError(err, FAL, { ...ctx, model: ctx.endpoint ?? ctx.model }, (e) => {
    const { status, body, retryAfterSec } =
      e instanceof FalHttpError
        ? e
        : e instanceof ApiError
          ? { status: e.status, body: e.body as unknown, retryAfterSec: undefined }
          : {};
    if (status === undefined) return undefined;
    // The SDK's message is only the status text; the reason is in body.detail.
    const detail = oneLine(detailOf(body).text) || `HTTP ${status}`;
    return { kind: kindOf(status, body), tag: String(status), detail, code: String(status), retryAfterSec };
  });
}
