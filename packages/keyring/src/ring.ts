import { createHash } from 'node:crypto';

type Env = Record<string, string | undefined>;

/** A key is named by this everywhere outside the process: logs, decisions, the dashboard. Never by its value. */
export function fingerprint(key: string): string {
  return `fp:${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/** The variable that holds several keys beside a single-key variable: FAL_KEY → FAL_KEYS. */
export function ringVariable(keyEnv: string): string {
  return `${keyEnv}S`;
}

/**
 * The keys of one provider, in order: the single-key variable first (what a deployment already has),
 * then the comma-separated ring, without duplicates or blanks.
 */
export function ringKeys(keyEnv: string, env: Env = process.env): string[] {
  const raw = [env[keyEnv] ?? '', ...(env[ringVariable(keyEnv)] ?? '').split(',')];
  const out: string[] = [];
  for (const k of raw.map((s) => s.trim())) if (k && !out.includes(k)) out.push(k);
  return out;
}

export type KeyState = 'ok' | 'refused' | 'exhausted';

interface Mark {
  state: Exclude<KeyState, 'ok'>;
  /** Epoch ms after which the key is tried again (exhausted quota resets); refused keys stay out. */
  until: number;
  reason: string;
}

/** The next UTC midnight: most vendors' daily quotas reset then. */
export function nextUtcMidnight(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/**
 * Which keys of each provider this process found refused (401/403) or out of quota. Kept in memory:
 * each process learns it with one failed call per key, and a restart (a redeploy with new keys)
 * starts fresh, which is what a rotated key needs.
 */
export class KeyHealth {
  private readonly marks = new Map<string, Mark>();

  constructor(private readonly now: () => number = Date.now) {}

  state(fp: string): KeyState {
    const m = this.marks.get(fp);
    if (!m) return 'ok';
    if (m.state === 'exhausted' && this.now() >= m.until) {
      this.marks.delete(fp);
      return 'ok';
    }
    return m.state;
  }

  reason(fp: string): string | undefined {
    return this.state(fp) === 'ok' ? undefined : this.marks.get(fp)?.reason;
  }

  markRefused(fp: string, reason: string): void {
    this.marks.set(fp, { state: 'refused', until: Number.POSITIVE_INFINITY, reason });
  }

  markExhausted(fp: string, reason: string, retryAfterSec?: number): void {
    const until =
      retryAfterSec !== undefined && retryAfterSec > 0
        ? this.now() + retryAfterSec * 1000
        : nextUtcMidnight(this.now());
    this.marks.set(fp, { state: 'exhausted', until, reason });
  }
}

export interface RingStatus {
  provider: string;
  variable: string;
  ringVariable: string;
  keys: Array<{ fingerprint: string; state: KeyState; reason?: string }>;
}

/** What a ring looks like now, by fingerprint (for `doctor` and the dashboard). */
export function ringStatus(
  provider: string,
  keyEnv: string,
  health: KeyHealth,
  env: Env = process.env,
): RingStatus {
  return {
    provider,
    variable: keyEnv,
    ringVariable: ringVariable(keyEnv),
    keys: ringKeys(keyEnv, env).map((k) => {
      const fp = fingerprint(k);
      const reason = health.reason(fp);
      return { fingerprint: fp, state: health.state(fp), ...(reason ? { reason } : {}) };
    }),
  };
}
