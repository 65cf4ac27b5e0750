import { type PluginContext, parseRetryAfter, vendorAccess } from '@beatframe/core';
import { createFalClient, type FalClient } from '@fal-ai/client';
import { FalHttpError, toProviderError } from './errors.js';

/** The hosts the SDK builds URLs for; FAL_BASE_URL takes their place. */
const FAL_HOSTS = /^https:\/\/(queue\.|rest\.)?fal\.run\//;

/**
 * The official queue client for one key, its requests sent to `base` instead of fal's hosts when set. Unless
 * `sdkRetries`, a 429 or 5xx is thrown at once as a FalHttpError (with Retry-After), so the SDK's own backoff does
 * not stack under the pipeline's retry policy.
 */
export function falClient(key: string, base: string | undefined, sdkRetries = false): FalClient {
  return createFalClient({
    credentials: key,
    suppressLocalCredentialsWarning: true,
    // The client has no base-URL option: its request middleware is where requests are re-routed.
    requestMiddleware: async (req) => (base ? { ...req, url: req.url.replace(FAL_HOSTS, `${base}/`) } : req),
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (sdkRetries || (res.status !== 429 && res.status < 500)) return res;
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      throw new FalHttpError(res.status, body, parseRetryAfter(res.headers.get('retry-after')));
    },
  });
}

/**
 * What the video and the image providers share: where fal is reached (FAL_KEY, FAL_BASE_URL with trailing
 * slashes dropped, since the middleware joins paths onto it), a client for it, and `call`, which turns what a
 * step throws into a ProviderError naming the step, the model or endpoint (not only a model, as `vendorAccess`'s
 * call does), the host and the key's variable.
 */
export function falAccess(
  name: string,
  settings: { apiKeyEnv?: string; baseUrlEnv?: string; baseUrl?: string; sdkRetries?: boolean },
) {
  const { conn, client } = vendorAccess(
    name,
    settings,
    { apiKeyEnv: 'FAL_KEY', baseUrlEnv: 'FAL_BASE_URL', host: 'queue.fal.run', trimSlash: true },
    toProviderError,
    (key, base) => falClient(key, base, settings.sdkRetries),
  );
  return {
    conn,
    client,
    async call<T>(
      what: string,
      ctx: PluginContext,
      ref: { model?: string; endpoint?: string },
      fn: () => Promise<T>,
    ): Promise<T> {
      try {
        return await fn();
      } catch (err) {
        throw toProviderError(err, { what, ...ref, host: conn.hostOf(ctx), apiKeyEnv: conn.apiKeyEnv });
      }
    },
  };
}
