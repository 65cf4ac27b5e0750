import { BeatframeError, ConfigError, type Logger } from '@beatframe/core';
import { RailwayClient, railwayTargets } from './railway.js';
import { type RotateOptions, type RotateReport, rotateKey } from './rotate.js';
import { vendorKeys } from './vendor-keys.js';

type Env = Record<string, string | undefined>;

/** The pg-boss queue whose cron job rotates keys. */
export const ROTATION_QUEUE = 'beatframe-rotate-keys';

export interface RotationSchedule {
  /** Five-field cron, in `tz` (default UTC): `0 4 1 * *` is 04:00 on the first of every month. */
  cron: string;
  /** Providers rotated on each tick; each needs a vendor that can make keys (fal) or is skipped. */
  providers: string[];
  tz?: string;
}

/** The part of pg-boss the schedule uses, so a test or another host can hand in its own. */
export interface ScheduleQueue {
  createQueue(name: string, options?: object): Promise<unknown>;
  getQueue(name: string): Promise<unknown>;
  schedule(name: string, cron: string, data?: object | null, options?: { tz?: string }): Promise<void>;
  unschedule(name: string): Promise<void>;
  getSchedules(name?: string): Promise<Array<{ name: string; cron: string; data?: unknown }>>;
  work(
    name: string,
    options: object,
    handler: (jobs: Array<{ data: unknown }>) => Promise<unknown>,
  ): Promise<string>;
  offWork(name: string, options?: { id?: string }): Promise<void>;
}

const CRON_FIELD = /^(\*|\d+(-\d+)?(,\d+(-\d+)?)*)(\/\d+)?$/;

/**
 * Reads the schedule from BEATFRAME_ROTATE_CRON and BEATFRAME_ROTATE_PROVIDERS (comma-separated, default
 * `fal`, the vendor whose keys can be made by API). Off (undefined) unless the cron is set.
 */
export function rotationScheduleFromEnv(env: Env): RotationSchedule | undefined {
  const cron = env.BEATFRAME_ROTATE_CRON?.trim();
  if (!cron) return undefined;
  const fields = cron.split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f)))
    throw new ConfigError(
      `BEATFRAME_ROTATE_CRON must be a five-field cron such as "0 4 1 * *", not "${cron}"`,
    );
  const providers = (env.BEATFRAME_ROTATE_PROVIDERS ?? 'fal')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Checked now, so a typo stops the worker at start rather than failing silently a month later.
  for (const p of providers) vendorKeys(p, env);
  return { cron, providers, ...(env.BEATFRAME_ROTATE_TZ ? { tz: env.BEATFRAME_ROTATE_TZ } : {}) };
}

export interface RotationRun {
  provider: string;
  ok: boolean;
  report?: RotateReport;
  error?: string;
}

/** One tick: rotates each provider in turn; one provider's failure does not stop the others. */
export async function runScheduledRotation(opts: {
  providers: string[];
  env: Env;
  logger: Logger;
  rotate?: (o: RotateOptions) => Promise<RotateReport>;
}): Promise<RotationRun[]> {
  const rotate = opts.rotate ?? rotateKey;
  const runs: RotationRun[] = [];
  for (const provider of opts.providers) {
    const log = opts.logger.child({ provider, rotation: 'scheduled' });
    try {
      const vendor = vendorKeys(provider, opts.env);
      // A scheduled run has nobody to type a key: only vendors that make keys by API can rotate unattended.
      if (!vendor.create)
        throw new BeatframeError(
          `${provider} keys cannot be made by API; rotate them by hand with \`beatframe secrets rotate --provider ${provider} --stdin\``,
        );
      const report = await rotate({
        vendor,
        railway: RailwayClient.fromEnv(opts.env),
        targets: railwayTargets(opts.env),
        env: opts.env,
        logger: opts.logger,
      });
      log.info(
        { old: report.old, new: report.new, services: report.services },
        'scheduled key rotation done',
      );
      runs.push({ provider, ok: true, report });
    } catch (err) {
      const error = (err as Error).message;
      log.error({ err: error }, 'scheduled key rotation failed; the old key stays in use');
      runs.push({ provider, ok: false, error });
    }
  }
  return runs;
}

/**
 * Puts periodic rotation on pg-boss's cron: the schedule is stored in the database (one per deployment,
 * whichever worker starts first), and whichever worker takes the tick rotates. Without a schedule any
 * stored one is removed, so turning the variable off takes effect at the next worker start.
 */
export async function startRotationSchedule(opts: {
  boss: ScheduleQueue;
  schedule: RotationSchedule | undefined;
  env: Env;
  logger: Logger;
  rotate?: (o: RotateOptions) => Promise<RotateReport>;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, schedule, logger } = opts;
  if (!(await boss.getQueue(ROTATION_QUEUE)))
    // One tick at a time, never retried by the queue: a failed rotation has already put things back.
    await boss.createQueue(ROTATION_QUEUE, { policy: 'singleton', retryLimit: 0 });
  if (!schedule) {
    if ((await boss.getSchedules(ROTATION_QUEUE)).length) {
      await boss.unschedule(ROTATION_QUEUE);
      logger.info('periodic key rotation turned off: removed the stored schedule');
    }
    return { stop: async () => {} };
  }
  await boss.schedule(
    ROTATION_QUEUE,
    schedule.cron,
    { providers: schedule.providers },
    schedule.tz ? { tz: schedule.tz } : {},
  );
  const id = await boss.work(ROTATION_QUEUE, {}, async (jobs) => {
    for (const job of jobs) {
      const providers = (job.data as { providers?: string[] } | null)?.providers ?? schedule.providers;
      await runScheduledRotation({
        providers,
        env: opts.env,
        logger,
        ...(opts.rotate ? { rotate: opts.rotate } : {}),
      });
    }
  });
  logger.info(
    { cron: schedule.cron, tz: schedule.tz ?? 'UTC', providers: schedule.providers },
    'periodic key rotation scheduled',
  );
  return { stop: () => boss.offWork(ROTATION_QUEUE, { id }) };
}
