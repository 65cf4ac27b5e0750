import {
  ProviderError,
  type ProviderErrorKind,
  parseRetryAfter,
  passThroughError,
  stepFailed,
} from '@beatframe/core';

export const ALTERNATIVES = '--provider replicate|fal|veo|comfyui, or another --model';

function oneLine(text: string, max = 300): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

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

/** Maps what the SDK threw (its OpenRouterError carries statusCode, body and headers) to a classified error. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host: string; apiKeyEnv: string },
): Error {
  const known = passThroughError(err);
  if (known) return known;
  const e = err as { statusCode?: number; body?: string; headers?: Headers; name?: string; message?: string };
  if (typeof e?.statusCode === 'number') {
    const b = errorBodyOf(e.body ?? '');
    const text = oneLine(b.message ?? `HTTP ${e.statusCode}`);
    const kind = kindOf(e.statusCode, text);
    const opts = { code: String(e.statusCode), cause: err };
    if (kind === 'auth')
      return new ProviderError(
        'auth',
        `OpenRouter refused the key (${e.statusCode}: ${text}): check ${ctx.apiKeyEnv}`,
        opts,
      );
    if (kind === 'quota')
      return new ProviderError('quota', `the OpenRouter account is out of credit: ${text}`, opts);
    if (kind === 'retired')
      return new ProviderError(
        'retired',
        `OpenRouter does not serve ${ctx.model ?? 'this model'} (${e.statusCode}: ${text}); switch with ${ALTERNATIVES}`,
        opts,
      );
    if (kind === 'content-policy')
      return new ProviderError(
        'content-policy',
        `OpenRouter's moderation refused the request: ${text}`,
        opts,
      );
    const retryAfterSec = parseRetryAfter(e.headers?.get('retry-after'));
    return stepFailed(kind, ctx.what, String(e.statusCode), text, opts, retryAfterSec);
  }
  if (
    e?.name === 'ConnectionError' ||
    e?.name === 'RequestTimeoutError' ||
    (err instanceof TypeError && /fetch failed/i.test(err.message))
  )
    return new ProviderError(
      'retryable',
      `${ctx.what}: cannot reach ${ctx.host} (${oneLine(e.message ?? '')})`,
      { cause: err },
    );
  return err instanceof Error ? err : new Error(String(err));
}
