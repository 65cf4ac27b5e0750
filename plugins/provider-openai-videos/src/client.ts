import OpenAI from 'openai';

/**
 * How the video and the image provider both make the official client (`vendorAccess`'s `connect`): the key and base
 * URL from the connection, and no SDK retries unless asked (the pipeline's retry policy is the one that counts).
 */
export function openAIClient(
  opts: { maxRetries?: number | undefined; timeoutMs?: number | undefined },
  defaultTimeoutMs: number,
): (apiKey: string, baseURL: string | undefined) => OpenAI {
  return (apiKey, baseURL) =>
    new OpenAI({
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      maxRetries: opts.maxRetries ?? 0,
      timeout: opts.timeoutMs ?? defaultTimeoutMs,
    });
}
