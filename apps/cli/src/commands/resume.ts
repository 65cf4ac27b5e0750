import { BeatframeError, type Project, UsageError } from '@beatframe/core';
import { APPROVE_ANY } from '@beatframe/pipeline';
import type { Command } from 'commander';
import { amountToApprove, estimateLines, noticeLines } from '../paid.js';
import { interruptSignal, openSession, settle, usd, watchProgress, writers } from '../pipeline-session.js';
import { storyboardLines } from '../storyboard.js';
import { applyWebFlags } from '../web-flags.js';

/** `beatframe resume [PROJECT]`: goes on with paused, failed or interrupted projects. */
export function register(program: Command): void {
  program
    .command('resume')
    .description(
      'go on with a project (or, without one, every unfinished project) and deliver each to its output path',
    )
    .argument('[project]', 'project id (see `beatframe status`)')
    .option('--yes', 'approve the estimated cost without asking')
    .option('--max-cost <usd>', "approve spending up to this amount (raises the project's cap too)")
    .option('--concurrency <n>', 'shots generated at once by this process', '4')
    .option('--no-wait', 'only queue the work (for `beatframe worker` processes on PostgreSQL)')
    .option('--headed', 'web provider: show the browser window (needs a display)')
    .option('--trace', 'web provider: record Playwright traces (sign-ins left out)')
    .action(
      async (
        project: string | undefined,
        opts: {
          yes?: boolean;
          maxCost?: string;
          concurrency: string;
          wait: boolean;
          headed?: boolean;
          trace?: boolean;
        },
        cmd: Command,
      ) => {
        applyWebFlags(opts);
        const { out, err } = writers(cmd);
        const maxCost = opts.maxCost === undefined ? undefined : Number(opts.maxCost);
        if (maxCost !== undefined && !(Number.isFinite(maxCost) && maxCost >= 0))
          throw new UsageError(`--max-cost must be an amount in USD, not ${opts.maxCost}`);
        const concurrency = Number(opts.concurrency);
        if (!(Number.isInteger(concurrency) && concurrency > 0))
          throw new UsageError(`--concurrency must be a whole number above 0, not ${opts.concurrency}`);
        const { bf } = await openSession();
        const interrupt = interruptSignal(
          () => 'interrupted: the projects are kept; run `beatframe resume` again',
        );
        try {
          const approvedUsd = opts.yes ? APPROVE_ANY : maxCost;
          // Approving is done knowing the amount: the estimate's range is printed, `--yes` or not.
          if (project && approvedUsd !== undefined) {
            const d = await bf.getProject(project);
            if (d.awaitingApproval && !(d.costs.spentUsd > 0)) for (const line of estimateLines(d)) err(line);
          }
          const ids = await bf.resume(project, approvedUsd === undefined ? {} : { approvedUsd });
          if (!ids.length) {
            err('nothing to resume: no unfinished project');
            return;
          }
          err(`resuming ${ids.join(', ')}`);
          if (!opts.wait) return;
          const multi = ids.length > 1;
          const stop = watchProgress(bf, ids, (id) => (multi ? `${id} ` : ''));
          const worker = await bf.startWorker({ concurrency, recover: false });
          let results: Project[];
          try {
            results = await settle(bf, ids, interrupt.signal);
          } finally {
            stop();
            await worker.stop();
          }
          if (interrupt.signal.aborted) throw new BeatframeError('interrupted', { exitCode: 130 });
          let ok = true;
          for (const p of results) {
            if (p.status === 'done') {
              for (const line of noticeLines(await bf.getProject(p.id))) err(line);
              out(`${p.outputPath}`);
            } else {
              ok = false;
              const detail = await bf.getProject(p.id);
              if (detail.storyboard?.phase) for (const line of await storyboardLines(bf, detail)) err(line);
              const hint =
                detail.awaitingApproval && !detail.storyboard?.phase
                  ? ` (approve up to ${usd(amountToApprove(detail))} with \`beatframe resume ${p.id} --max-cost ${amountToApprove(detail).toFixed(2)}\`)`
                  : '';
              err(`${p.id}: ${p.status}: ${p.error ?? ''}${hint}`);
            }
          }
          if (!ok) throw new BeatframeError('not every project finished', { code: 'UNFINISHED' });
        } finally {
          interrupt.dispose();
          await bf.close();
        }
      },
    );
}
