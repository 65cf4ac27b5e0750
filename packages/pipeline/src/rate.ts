import { sleep } from '@beatframe/core';

/**
 * Requests-per-minute for provider submissions: a sliding one-minute window per provider in this
 * process, combined with the count of recent submissions all workers stored in the database.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  /** `windowMs` is a minute; tests shorten it. */
  constructor(private readonly windowMs = 60_000) {}

  async take(key: string, rpm: number, recentElsewhere: number, signal?: AbortSignal): Promise<void> {
    let w = this.windows.get(key);
    if (!w) {
      w = [];
      this.windows.set(key, w);
    }
    for (;;) {
      const now = Date.now();
      while (w.length && now - w[0]! >= this.windowMs) w.shift();
      if (Math.max(w.length, recentElsewhere) < rpm) break;
      if (signal?.aborted) return;
      const wait = w.length ? this.windowMs - (now - w[0]!) + 5 : Math.min(1000, this.windowMs);
      await sleep(wait, signal);
      recentElsewhere = 0;
    }
    w.push(Date.now());
  }
}
