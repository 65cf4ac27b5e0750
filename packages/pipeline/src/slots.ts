import { randomUUID } from 'node:crypto';
import { sleep } from '@beatframe/core';
import type { Database } from '@beatframe/db';

const LEASE_SEC = 60;

/**
 * A provider's concurrency limit across every worker: a shot takes one of N numbered slots (a row
 * each, claimed with one atomic upsert) while its job is at the provider. pg-boss's group limit
 * already spreads the jobs; this makes the limit exact when several workers fetch at the same moment.
 */
export class ProviderSlots {
  constructor(private readonly database: Database) {}

  async acquire(provider: string, limit: number, signal: AbortSignal): Promise<Lease | undefined> {
    const holder = `${process.pid}:${randomUUID()}`;
    for (let round = 0; ; round++) {
      // The lowest free (or expired) slot, claimed in one statement; a race for the same slot
      // leaves the loser with no row, and it looks again.
      const got = await this.database.query(
        `INSERT INTO provider_leases (provider, slot, holder, expires_at)
         SELECT $1, s, $3, now() + make_interval(secs => $4)
         FROM generate_series(0, $2 - 1) AS s
         WHERE NOT EXISTS (
           SELECT 1 FROM provider_leases l WHERE l.provider = $1 AND l.slot = s AND l.expires_at >= now()
         )
         ORDER BY s LIMIT 1
         ON CONFLICT (provider, slot) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE provider_leases.expires_at < now()
         RETURNING slot`,
        [provider, limit, holder, LEASE_SEC],
      );
      const slot = (got[0] as { slot?: number } | undefined)?.slot;
      if (slot !== undefined) return new Lease(this.database, provider, slot, holder);
      if (signal.aborted) return undefined;
      if (round > 0) await sleep(Math.min(1000, 50 + round * 50) + Math.random() * 50, signal);
    }
  }

  /** Frees every slot (only safe when no other process can hold one: PGlite). */
  async clear(): Promise<void> {
    await this.database.query('DELETE FROM provider_leases WHERE true', []);
  }
}

export class Lease {
  private renewedAt = Date.now();
  constructor(
    private readonly database: Database,
    readonly provider: string,
    readonly slot: number,
    private readonly holder: string,
  ) {}

  /** Keeps the slot while the job runs (cheap to call often: it writes every 20 s). */
  async renew(): Promise<void> {
    if (Date.now() - this.renewedAt < 20_000) return;
    this.renewedAt = Date.now();
    await this.database.query(
      `UPDATE provider_leases SET expires_at = now() + make_interval(secs => $4)
       WHERE provider = $1 AND slot = $2 AND holder = $3`,
      [this.provider, this.slot, this.holder, LEASE_SEC],
    );
  }

  async release(): Promise<void> {
    await this.database.query(
      'DELETE FROM provider_leases WHERE provider = $1 AND slot = $2 AND holder = $3',
      [this.provider, this.slot, this.holder],
    );
  }
}
