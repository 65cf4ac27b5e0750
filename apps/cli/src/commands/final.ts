import { BeatframeError } from '@beatframe/core';
import type { Command } from 'commander';
import { interruptSignal, openSession, watchProgress, writers } from '../pipeline-session.js';

/** `beatframe final PROJECT`: a delivered `make --preview` rendered again in full (same clips, same cut). */
export function register(program: Command): void {
  program
    .command('final')
    .description(
      "render a delivered preview (make --preview) in full: the same clips and cut, the project's renderer",
    )
    .argument('<project>', 'project id (see `beatframe status`)')
    .action(async (project: string, _opts: unknown, cmd: Command) => {
      const { out, err } = writers(cmd);
      const { bf } = await openSession();
      const interrupt = interruptSignal(
        () => `interrupted: the project is kept; go on with \`beatframe resume ${project}\``,
      );
      try {
        await bf.renderFinal(project);
        err(`rendering ${project} in full`);
        const stop = watchProgress(bf, [project], () => '');
        const worker = await bf.startWorker({ recover: false });
        let final: Awaited<ReturnType<typeof bf.waitFor>>;
        try {
          final = await bf.waitFor(project, { signal: interrupt.signal });
        } finally {
          stop();
          await worker.stop();
        }
        if (interrupt.signal.aborted) {
          await bf.interrupt(project);
          throw new BeatframeError('interrupted', { exitCode: 130 });
        }
        if (final.status !== 'done') throw new BeatframeError(`${final.status}: ${final.error ?? ''}`);
        out(`${final.outputPath}`);
      } finally {
        interrupt.dispose();
        await bf.close();
      }
    });
}
