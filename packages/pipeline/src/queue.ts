/** The job queue: pg-boss set-up, the two queues (stage jobs, shot jobs) and sending to them. */
import type { Logger, StageName } from '@beatframe/core';
import type { Database } from '@beatframe/db';
import { fromPglite, PgBoss } from 'pg-boss';
import type { Engine } from './engine.js';
import type { ShotRow } from './store.js';

export const STAGE_QUEUE = 'beatframe-stage';
export const SHOT_QUEUE = 'beatframe-shot';

export type StageJob = { projectId: string; stage: StageName };
export type ShotJob = { projectId: string; shotId: string; attempt: number };

/** The pg-boss instance on either driver: PGlite through pg-boss's adapter, PostgreSQL by URL. */
export async function startBoss(
  database: Database,
  logger: Logger,
  worker: boolean,
  /** Run pg-boss's cron monitor: only a deployment with a periodic job (key rotation) needs it. */
  cron = false,
): Promise<PgBoss> {
  // LISTEN/NOTIFY wakes workers the moment a job is sent, instead of at the next poll.
  const common = { schema: 'pgboss', supervise: worker, schedule: cron, useListenNotify: true } as const;
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(database.pglite!), backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: database.databaseUrl!, max: 4 });
  boss.on('error', (err: Error) => logger.warn({ err: err.message }, 'job queue error'));
  await boss.start();
  for (const name of [STAGE_QUEUE, SHOT_QUEUE]) {
    // stately: one queued and one active job per key, so a project stage or a shot never runs twice at once.
    await boss.createQueue(name, {
      policy: 'stately',
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 6 * 3600,
      heartbeatSeconds: 30,
      notify: true,
    });
  }
  return boss;
}

export async function enqueueStage(
  this: Engine,
  projectId: string,
  stage: StageName,
  startAfterSec?: number,
): Promise<void> {
  await this.boss.send(STAGE_QUEUE, { projectId, stage } satisfies StageJob, {
    singletonKey: `${projectId}:${stage}`,
    ...(startAfterSec ? { startAfter: Math.ceil(startAfterSec) } : {}),
  });
}

export async function enqueueShot(
  this: Engine,
  projectId: string,
  shot: Pick<ShotRow, 'id' | 'attempt'>,
  provider: string,
  startAfterSec?: number,
) {
  await this.boss.send(SHOT_QUEUE, { projectId, shotId: shot.id, attempt: shot.attempt } satisfies ShotJob, {
    singletonKey: `${projectId}:${shot.id}`,
    group: { id: provider, tier: provider },
    ...(startAfterSec ? { startAfter: Math.ceil(startAfterSec) } : {}),
  });
}
