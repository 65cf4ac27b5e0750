import {
  oneLine,
  type ProviderErrorKind,
  parseRetryAfter,
  toVendorError,
  type VendorVoice,
} from '@beatframe/core';

export const ALTERNATIVES = '--provider replicate|fal|veo|comfyui, or another --model';

/** OpenRouter's error body: `{ error: { code, message, metadata? } }`. */
export function errorBodyOf(body: string): {
  code?: number;
  message?: string;
  metadata?: Record<string, unknown>;
} {
  try {
    return (JSON.parse(body) as { error?: { code?: number; message?: string } }).error ?? {};
  } catch {
    return { message: body };
  }
}

const POLICY = /moderation|flagged|content policy|safety|nsfw|sensitive|violat/i;

export function kindOf(status: number, message: string): ProviderErrorKind {
  if (POLICY.test(message)) return 'content-policy';
  if (status === 401) return 'auth';
  if (status === 402 || /insufficient credits|credit/i.test(message)) return 'quota';
  if (status === 403) return 'auth';
  if (status === 404 || /no (endpoints|model)|not found|does not exist/i.test(message)) return 'retired';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'fatal';
}

/** A failed job's `error` text, classified. */
export function jobFailure(error: string | undefined, id: string, status: string) {
  const text = oneLine(error ?? `the job ended ${status}`);
  const message = `OpenRouter video job ${id} ${status}: ${text}`;
  if (status === 'expired') return { kind: 'fatal' as const, message, code: 'expired' };
  if (POLICY.test(text)) return { kind: 'content-policy' as const, message };
  if (/timeout|timed out|overloaded|unavailable|temporar|try again|rate limit/i.test(text))
    return { kind: 'retryable' as const, message };
  return { kind: 'fatal' as const, message };
}

/** How OpenRouter's messages name it; its SDK's own classes say a host could not be reached. */
const OPENROUTER: VendorVoice = {
  name: 'OpenRouter',
  alternatives: ALTERNATIVES,
  isUnreachable: (e) =>
    (e as Error | undefined)?.name === 'ConnectionError' ||
    (e as Error | undefined)?.name === 'RequestTimeoutError' ||
    (e instanceof TypeError && /fetch failed/i.test(e.message)),
};

/** Maps what the SDK threw (its OpenRouterError carries statusCode, body and headers) to a classified error. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host: string; apiKeyEnv: string },
): Error {
  return toVendorError(err, OPENROUTER, ctx, (e) => {
    const r = e as { statusCode?: number; body?: string; headers?: Headers } | undefined;
    if (typeof r?.statusCode !== 'number') return undefined;
    const detail = oneLine(errorBodyOf(r.body ?? '').message ?? `HTTP ${r.statusCode}`);
    return {
      kind: kindOf(r.statusCode, detail),
      tag: String(r.statusCode),
      detail,
      code: String(r.statusCode),
      retryAfterSec: parseRetryAfter(r.headers?.get('retry-after')),
    };
  });
}
