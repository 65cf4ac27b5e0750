import type { PluginContext, VendorConnection } from '@beatframe/core';
import OpenAI from 'openai';

/**
 * The official client for one call, as the video and the image provider both make it: the key and base URL
 * from the connection, and no SDK retries unless asked (the pipeline's retry policy is the one that counts).
 */
export function openAIClient(
  conn: VendorConnection,
  ctx: PluginContext,
  opts: { maxRetries?: number | undefined; timeoutMs?: number | undefined },
  defaultTimeoutMs: number,
): OpenAI {
  const baseURL = conn.endpoint(ctx);
  return new OpenAI({
    apiKey: conn.apiKey(ctx),
    ...(baseURL ? { baseURL } : {}),
    maxRetries: opts.maxRetries ?? 0,
    timeout: opts.timeoutMs ?? defaultTimeoutMs,
  });
}
