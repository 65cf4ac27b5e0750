import type { Database } from '@beatframe/db';

/** What readiness looks at: the database and the job queue (pg-boss) on it. */
export interface ReadinessTarget {
  database: Pick<Database, 'query' | 'kind'>;
  /** pg-boss, or anything that can look a queue up through its own connections. */
  boss?: { getQueue(name: string): Promise<unknown> };
  /** Queues that must exist (the pipeline's stage and shot queues). */
  queues?: string[];
}

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: { database: CheckResult; queue: CheckResult };
}

async function timed(fn: () => Promise<void>, timeoutMs: number): Promise<CheckResult> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    // One line, no connection string: this is served without authentication.
    const error = ((err as Error).message ?? String(err)).split('\n')[0]!.replace(/\w+:\/\/\S+/g, '[url]');
    return { ok: false, ms: Math.round(performance.now() - t0), error };
  } finally {
    clearTimeout(timer);
  }
}

/** Is this process able to work: the database answers and the queue's tables are there. */
export async function readiness(target: ReadinessTarget, timeoutMs = 3000): Promise<Readiness> {
  const database = await timed(async () => {
    await target.database.query('SELECT 1');
  }, timeoutMs);
  const queue = await timed(async () => {
    for (const name of target.queues ?? []) {
      const q = target.boss
        ? await target.boss.getQueue(name)
        : (await target.database.query('SELECT name FROM pgboss.queue WHERE name = $1', [name]))[0];
      if (!q) throw new Error(`queue ${name} does not exist`);
    }
  }, timeoutMs);
  return { ok: database.ok && queue.ok, checks: { database, queue } };
}
