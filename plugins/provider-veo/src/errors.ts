import {
  oneLine,
  type ProviderErrorKind,
  providerErrorKindForStatus,
  toVendorError,
  type VendorVoice,
} from '@beatframe/core';
import { ApiError } from '@google/genai';

/** What a user can switch to when a model is gone. */
export const ALTERNATIVES = '--provider fal|runway|local, or another --model';

/** Google's error body: `{error: {code, message, status, details}}` (google.rpc.Status). */
export interface GoogleStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

// Word-bounded: "rai" alone would match "constraint" in an ordinary validation message.
// "policies" too: Veo's operation errors say the prompt could "violate our policies".
const POLICY =
  /safety|\bpolic(y|ies)\b|responsible ai|\bRAI\b|\bblocked|sensitive|celebrity|prohibited|usage guidelines/i;

/** The SDK's ApiError carries the response body as JSON text in its message. */
export function statusOf(err: ApiError): GoogleStatus {
  try {
    const body = JSON.parse(err.message) as { error?: GoogleStatus };
    return body.error ?? {};
  } catch {
    return { message: err.message };
  }
}

/** google.rpc.RetryInfo's retryDelay ("7s", "1.5s"): Google's Retry-After. */
export function retryDelayOf(st: GoogleStatus): number | undefined {
  for (const d of st.details ?? []) {
    const delay = d.retryDelay;
    if (typeof delay === 'string') {
      const s = Number.parseFloat(delay);
      if (Number.isFinite(s)) return s;
    }
  }
  // The message says it too ("Please retry in 20.04s.") when the details were trimmed.
  const m = /retry in (\d+(?:\.\d+)?)s/i.exec(st.message ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * RESOURCE_EXHAUSTED is either a rate limit (wait and retry) or a spent quota (pause). Every Gemini 429 says
 * "check your plan and billing", so the text cannot tell them apart: the QuotaFailure violations can. A quota id
 * naming a day (`GenerateRequestsPerDayPerProjectPerModel`) is spent for today; one naming a minute is a rate
 * limit that the RetryInfo's delay clears. Without violations, only words about money mean quota.
 */
export function isQuotaExhaustion(st: GoogleStatus): boolean {
  const ids = quotaIdsOf(st);
  if (ids.some((id) => /PerDay|Daily/i.test(id))) return true;
  if (ids.length) return false;
  return /prepayment|credits? (are )?depleted|billing account|PerDay|per day/i.test(st.message ?? '');
}

/** The quota ids of a google.rpc.QuotaFailure detail. */
export function quotaIdsOf(st: GoogleStatus): string[] {
  return (st.details ?? []).flatMap((d) =>
    Array.isArray(d.violations)
      ? (d.violations as Array<{ quotaId?: unknown }>).flatMap((v) =>
          typeof v.quotaId === 'string' ? [v.quotaId] : [],
        )
      : [],
  );
}

/** Classifies an operation's error (google.rpc.Status) or a failed call's. */
export function kindOfStatus(httpStatus: number | undefined, st: GoogleStatus): ProviderErrorKind {
  const status = st.status ?? '';
  const text = `${status} ${st.message ?? ''} ${JSON.stringify(st.details ?? [])}`;
  if (/API_KEY_INVALID|API key not valid|API_KEY_SERVICE_BLOCKED/i.test(text)) return 'auth';
  if (status === 'UNAUTHENTICATED' || status === 'PERMISSION_DENIED') return 'auth';
  if (status === 'RESOURCE_EXHAUSTED' || httpStatus === 429)
    return isQuotaExhaustion(st) ? 'quota' : 'retryable';
  if (POLICY.test(text) && (status === 'INVALID_ARGUMENT' || status === 'FAILED_PRECONDITION' || !httpStatus))
    return 'content-policy';
  if (status === 'NOT_FOUND' && /models\//.test(st.message ?? '')) return 'retired';
  if (['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'ABORTED', 'UNKNOWN'].includes(status))
    return 'retryable';
  if (httpStatus) return providerErrorKindForStatus(httpStatus);
  return st.code ? providerErrorKindForStatus(st.code) : 'fatal';
}

/** How the Gemini API's messages name it: its quota is spent rather than its credit, Google's filters refuse. */
const GEMINI: VendorVoice = {
  name: 'the Gemini API',
  alternatives: ALTERNATIVES,
  spent: 'the Gemini API quota is spent',
  checker: "Google's safety filters",
};

/** Maps what the SDK threw to a classified ProviderError with a message a user can act on. */
export function toProviderError(
  err: unknown,
  ctx: { what: string; model?: string; host?: string; apiKeyEnv: string },
): Error {
  return toVendorError(err, GEMINI, ctx, (e) => {
    if (!(e instanceof ApiError)) return undefined;
    const st = statusOf(e);
    return {
      kind: kindOfStatus(e.status, st),
      tag: `${e.status}${st.status ? ` ${st.status}` : ''}`,
      detail: oneLine(st.message ?? ''),
      code: st.status || undefined,
      retryAfterSec: retryDelayOf(st),
    };
  });
}
