import { GoogleGenAI } from '@google/genai';

/**
 * How the video and the image provider make the official client (`vendorAccess`'s `connect`): the key and base
 * URL from the connection, a timeout (the settings', else two minutes; a download asks for longer), and no SDK
 * retries unless `sdkRetries` asks (the pipeline's retry policy is the one that counts).
 */
export function geminiClient(settings: { timeoutMs?: number | undefined; sdkRetries?: number | undefined }) {
  return (apiKey: string, baseUrl: string | undefined, timeoutMs: number = settings.timeoutMs ?? 120_000) => {
    const retries = settings.sdkRetries ?? 0;
    return new GoogleGenAI({
      apiKey,
      httpOptions: {
        ...(baseUrl ? { baseUrl } : {}),
        timeout: timeoutMs,
        ...(retries > 0 ? { retryOptions: { attempts: retries + 1 } } : {}),
      },
    });
  };
}
