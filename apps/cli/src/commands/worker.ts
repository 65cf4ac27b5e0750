import { UsageError } from '@beatframe/core';
import {
  opsTargetOf,
  rotationScheduleFromEnv,
  startHealthServer,
  startQuotaWatcher,
  startRotationSchedule,
} from '@beatframe/ops';
import type { Command } from 'commander';
import { openSession, shutdownGraceMs } from '../pipeline-session.js';

/** `beatframe worker`: takes jobs until stopped; picks up unfinished projects when it starts. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('run a worker: it picks up unfinished projects, then takes jobs until stopped (Ctrl-C)')
    .option('--concurrency <n>', 'shots generated at once by this worker', '8')
    .option('--health', 'also answer /healthz and /readyz on PORT (default 8788), for a container host')
    .action(async (opts: { concurrency: string; health?: boolean }) => {
      const concurrency = Number(opts.concurrency);
      if (!(Number.isInteger(concurrency) && concurrency > 0))
        throw new UsageError(`--concurrency must be a whole number above 0, not ${opts.concurrency}`);
      // A worker's output is its JSON log, one line per event, with projectId and stage.
      // A bad rotation schedule stops the worker now, not at its first tick.
      const schedule = rotationScheduleFromEnv(process.env);
      const { bf, logger } = await openSession({ logsToStderr: true });
      let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
      try {
        if (opts.health) {
          const port = Number(process.env.PORT || 8788);
          health = await startHealthServer({ target: opsTargetOf(bf), port });
          logger.info({ port }, 'answering /healthz and /readyz');
        }
        const worker = await bf.startWorker({ concurrency });
        // Projects paused on a quota go on when it resets or a new key arrives (a redeploy with it).
        const quota = startQuotaWatcher(bf, { logger });
        // Periodic key rotation on pg-boss's cron, off unless BEATFRAME_ROTATE_CRON is set.
        const boss = opsTargetOf(bf)?.boss;
        const rotation = boss
          ? await startRotationSchedule({ boss, schedule, env: process.env, logger })
          : undefined;
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const graceMs = shutdownGraceMs();
        logger.info({ graceMs }, 'stopping: finishing the jobs in hand, then handing the rest back');
        quota.stop();
        await rotation?.stop();
        await worker.stop({ graceMs });
      } finally {
        await health?.close();
        await bf.close();
      }
    });
}
