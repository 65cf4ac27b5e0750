import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less when the signal aborts (never rejects: the caller checks the signal itself). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {}).catch(() => {});
}
