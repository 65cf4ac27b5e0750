import {
  oneLine,
  type ProviderErrorKind,
  parseRetryAfter,
  toVendorError,
  type VendorVoice,
} from '@beatframe/core';

export const ALTERNATIVES = '--provider fal|veo|openrouter|comfyui, or another --model';

/** Replicate answers errors as problem details: `{ title, detail, status, invalid_fields? }`. */
export interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  invalid_fields?: Array<{ field?: string; description?: string }>;
}

/** The problem body of the client's ApiError (its message ends with the body text). */
export function problemOf(err: { message?: string }): Problem {
  const at = err.message?.indexOf(': {') ?? -1;
  if (at < 0) return {};
  try {
    return JSON.parse(err.message!.slice(at + 2).replace(/\.$/, '')) as Problem;
  } catch {
    return {};
  }
}

/** Classifies an HTTP failure from its status and problem body. */
export function kindOf(status: number, p: Problem): ProviderErrorKind {
  const text = `${p.title ?? ''} ${p.detail ?? ''}`;
  if (status === 401 || status === 403) return 'auth';
  if (status === 402 || /insufficient credit|billing/i.test(text)) return 'quota';
  if (status === 429 || status >= 500) return 'retryable';
  if (status === 404 || (status === 422 && /invalid version|not permitted/i.test(text))) return 'retired';
  return 'fatal';
}

/** A failed prediction's `error` string, classified (Replicate's own codes: E005 sensitive, PA interrupted). */
export function predictionFailure(
  error: unknown,
  id: string,
): { kind: ProviderErrorKind; message: string; code?: string } {
  const text = oneLine(
    typeof error === 'string' ? error : JSON.stringify(error ?? 'failed without a reason'),
  );
  const code = /\((?:code: )?(E\d{3,4}|PA)\)/.exec(text)?.[1];
  const message = `Replicate prediction ${id} failed: ${text}`;
  if (/flagged as sensitive|nsfw|E005|safety|content policy|moderation/i.test(text))
    return { kind: 'content-policy', message, ...(code ? { code } : {}) };
  if (/interrupted; please retry|\(code: PA\)|timed out|temporar|try again|E1000|E6716/i.test(text))
    return { kind: 'retryable', message, ...(code ? { code } : {}) };
  return { kind: 'fatal', message, ...(code ? { code } : {}) };
}

/** How Replicate's messages name it. */
const REPLICATE: VendorVoice = { name: 'Replicate', alternatives: ALTERNATIVES };

/** Maps what the client threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host: string; apiKeyEnv: string },
): Error {
  return toVendorError(err, REPLICATE, ctx, (e) => {
    const res = (e as { response?: Response } | undefined)?.response;
    if (!(e instanceof Error && e.name === 'ApiError' && res)) return undefined;
    const p = problemOf(e);
    const reasons = [
      p.detail ?? p.title ?? `HTTP ${res.status}`,
      ...(p.invalid_fields ?? []).map((f) => f.description),
    ];
    return {
      kind: kindOf(res.status, p),
      tag: String(res.status),
      detail: oneLine(reasons.filter(Boolean).join('; ')),
      code: String(res.status),
      retryAfterSec: parseRetryAfter(res.headers.get('retry-after')),
    };
  });
}
