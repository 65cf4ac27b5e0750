import {
  oneLine,
  type ProviderError,
  type ProviderErrorKind,
  parseRetryAfter,
  providerErrorKindForStatus,
  toVendorError,
  type VendorVoice,
} from '@beatframe/core';
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

/** What a user can switch to when the model is gone. */
export const ALTERNATIVES = '--provider veo|fal|runway|local';

const CONTENT_POLICY = /moderation|content[_ -]?policy|safety|sensitive|blocked/i;
const QUOTA = /insufficient_quota|billing|quota|credit/i;

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const rec = headers as Record<string, string | undefined>;
  return rec[name] ?? rec[name.toLowerCase()] ?? null;
}

/** Retry-After-Ms (OpenAI's own) or Retry-After, in seconds. */
export function retryAfterOf(headers: unknown): number | undefined {
  const ms = Number(headerOf(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms / 1000;
  return parseRetryAfter(headerOf(headers, 'retry-after'));
}

function waitInText(text: string): number | undefined {
  const m = /try again in (\d+(?:\.\d+)?)(ms|s)\b/i.exec(text);
  if (!m) return undefined;
  return m[2] === 'ms' ? Number(m[1]) / 1000 : Number(m[1]);
}

/** Classifies a refused API call from its status, OpenAI's error code and type, and its reason. */
export function kindOf(
  status: number,
  code: string | undefined,
  type: string | undefined,
  detail: string,
): ProviderErrorKind {
  if (status === 404 && code === 'model_not_found') return 'retired';
  if (status === 401 || status === 403) return 'auth';
  if (QUOTA.test(`${code ?? ''} ${type ?? ''}`) || status === 402) return 'quota';
  if (status === 400 && CONTENT_POLICY.test(`${code ?? ''} ${type ?? ''} ${detail}`)) return 'content-policy';
  return providerErrorKindForStatus(status);
}

/**
 * Maps an error the SDK threw to a classified ProviderError, with a message a user can act on. `api` names the
 * API in messages (default the Videos API) and `retiredHint` says what to do when the model is gone.
 */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host?: string; apiKeyEnv: string; api?: string; retiredHint?: string },
): Error {
  const api = ctx.api ?? 'the Videos API';
  const voice: VendorVoice = {
    name: api,
    alternatives: ALTERNATIVES,
    spent: `${api} account is out of quota`,
    checker: 'moderation',
    retiredHint:
      ctx.retiredHint ??
      `OpenAI shut the Sora 2 Videos API down on 2026-09-24; switch with ${ALTERNATIVES}, or point OPENAI_BASE_URL at a gateway that serves it`,
    isAbort: (e) => e instanceof APIUserAbortError,
    isUnreachable: (e) => e instanceof APIConnectionError,
  };
  return toVendorError(err, voice, ctx, (e) => {
    if (!(e instanceof APIError) || e.status === undefined) return undefined;
    const body = (e.error ?? {}) as { code?: string | null; type?: string; message?: string };
    const code = (e.code ?? body.code ?? undefined) || undefined;
    const type = e.type ?? body.type ?? undefined;
    const detail = oneLine(body.message ?? e.message ?? '');
    const tag = [code, type].filter(Boolean).join(' ');
    return {
      kind: kindOf(e.status, code, type, detail),
      tag: `${e.status}${tag ? ` ${tag}` : ''}`,
      detail,
      code,
      // OpenAI's rate-limit text names the wait ("Please try again in 12s") when no header does.
      retryAfterSec: retryAfterOf(e.headers) ?? waitInText(detail),
    };
  });
}

/** Classifies the error a failed Video job carries (`video.error`). */
export function jobErrorKind(code: string | undefined, message: string): ProviderError['kind'] {
  const text = `${code ?? ''} ${message}`;
  if (CONTENT_POLICY.test(text)) return 'content-policy';
  if (QUOTA.test(text)) return 'quota';
  if (/rate_limit|server_error|internal|timeout|unavailable|overloaded|capacity/i.test(text))
    return 'retryable';
  if (/model_not_found/.test(text)) return 'retired';
  return 'fatal';
}
