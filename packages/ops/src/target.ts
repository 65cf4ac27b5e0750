import type { Database } from '@beatframe/db';
import type { ReadinessTarget } from './health.js';
import type { ScheduleQueue } from './rotation-schedule.js';

/** The pipeline's job queues, which readiness requires to exist. */
export const PIPELINE_QUEUES = ['beatframe-stage', 'beatframe-shot'];

/**
 * The database and job queue behind a running service: createBeatframe's service carries its engine,
 * which holds both. Undefined for anything else (a test double), and callers then report not ready.
 */
export function opsTargetOf(
  service: unknown,
): (ReadinessTarget & { database: Database; boss?: ScheduleQueue }) | undefined {
  const engine = (service as { engine?: { database?: Database; boss?: ScheduleQueue } } | undefined)?.engine;
  if (!engine?.database) return undefined;
  return {
    database: engine.database,
    ...(engine.boss ? { boss: engine.boss } : {}),
    queues: PIPELINE_QUEUES,
  };
}
