import type { Command } from 'commander';
import { openSession, writers } from '../pipeline-session.js';

/** `beatframe decisions PROJECT`: the decision log, oldest first. */
export function register(program: Command): void {
  program
    .command('decisions')
    .description("show a project's decision log (what the agents and heuristics decided, and why)")
    .argument('<project>', 'project id')
    .option('--json', 'print JSON')
    .action(async (project: string, opts: { json?: boolean }, cmd: Command) => {
      const { out } = writers(cmd);
      const { bf } = await openSession();
      try {
        const log = await bf.decisions(project);
        if (opts.json) return out(JSON.stringify(log, null, 2));
        if (!log.length) return out('no decisions recorded yet');
        for (const d of log) {
          const who = [d.stage, d.role, d.shotId].filter(Boolean).join('/');
          const extra = [d.model, d.costUsd ? `$${d.costUsd.toFixed(4)}` : ''].filter(Boolean).join(' ');
          out(`${d.at.slice(11, 19)}  ${who.padEnd(28)} ${d.summary}${extra ? `  (${extra})` : ''}`);
        }
      } finally {
        await bf.close();
      }
    });
}
