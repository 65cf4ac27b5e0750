import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or less when the signal aborts. Never rejects: a caller that must stop on an abort checks
 * `signal.aborted` after it (the one wait of the pipeline, the registry's poll loop and the emulators).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {}).catch(() => {});
}
