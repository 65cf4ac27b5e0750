import { UsageError } from '@beatframe/core';
import type { Command } from 'commander';
import { openSession, usd, writers } from '../pipeline-session.js';
import { shotOf, storyboardLines } from '../storyboard.js';

/** `beatframe stills PROJECT`: the storyboard's contact sheet; re-roll or edit a still before approving. */
export function register(program: Command): void {
  program
    .command('stills')
    .description(
      'the storyboard waiting for approval: write its contact sheet, re-roll a still or give a shot new words',
    )
    .argument('<project>', 'project id (see `beatframe status`)')
    .option('--reroll <n>', 'make still N again with a new seed (pays for one still)')
    .option('--edit <n>', 'give shot N a new prompt (with --prompt) and make its still again')
    .option('--prompt <text>', 'the new prompt for --edit')
    .action(
      async (project: string, opts: { reroll?: string; edit?: string; prompt?: string }, cmd: Command) => {
        const { out, err } = writers(cmd);
        if (opts.reroll && opts.edit) throw new UsageError('give --reroll or --edit, not both');
        if (opts.edit && !opts.prompt?.trim()) throw new UsageError('--edit needs --prompt "the new words"');
        if (opts.prompt && !opts.edit) throw new UsageError('--prompt goes with --edit N');
        const { bf } = await openSession();
        try {
          let d = await bf.getProject(project);
          if (!d.storyboard)
            throw new UsageError(
              `project ${project} makes no keyframes (a text-to-video model, or --no-keyframes)`,
            );
          const which = opts.reroll ?? opts.edit;
          if (which) {
            const shotId = shotOf(d, which);
            const r = await bf.rerollStill(project, shotId, opts.edit ? opts.prompt : undefined);
            err(
              `${opts.edit ? 'remade' : 're-rolled'} the still of ${shotId} (take ${r.take}, ${usd(r.usd)})`,
            );
            d = await bf.getProject(project);
          }
          const lines = await storyboardLines(bf, d);
          const sheet = lines.find((l) => l.startsWith('storyboard: '));
          for (const line of lines.filter((l) => l !== sheet)) err(line);
          if (sheet) out(sheet.slice('storyboard: '.length));
        } finally {
          await bf.close();
        }
      },
    );
}
