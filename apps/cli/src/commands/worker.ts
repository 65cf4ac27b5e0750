import { UsageError } from '@beatframe/core';
import type { Command } from 'commander';
import { openSession } from '../pipeline-session.js';

/** `beatframe worker`: takes jobs until stopped; picks up unfinished projects when it starts. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('run a worker: it picks up unfinished projects, then takes jobs until stopped (Ctrl-C)')
    .option('--concurrency <n>', 'shots generated at once by this worker', '8')
    .action(async (opts: { concurrency: string }) => {
      const concurrency = Number(opts.concurrency);
      if (!(Number.isInteger(concurrency) && concurrency > 0))
        throw new UsageError(`--concurrency must be a whole number above 0, not ${opts.concurrency}`);
      // A worker's output is its JSON log, one line per event, with projectId and stage.
      const { bf, logger } = await openSession({ logsToStderr: true });
      try {
        const worker = await bf.startWorker({ concurrency });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        logger.info('stopping: finishing the jobs in hand');
        await worker.stop();
      } finally {
        await bf.close();
      }
    });
}
