import type { Command } from 'commander';
import { noticeLines } from '../paid.js';
import { openSession, usd, writers } from '../pipeline-session.js';

function pct(f: number): string {
  return `${Math.round(f * 100)}%`.padStart(4);
}

/** `beatframe status [PROJECT]`: every project, or one project per stage and per shot. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show projects, or one project per stage and per shot')
    .argument('[project]', 'project id')
    .option('--json', 'print JSON')
    .action(async (project: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { out } = writers(cmd);
      const { bf } = await openSession();
      try {
        if (!project) {
          const all = await bf.listProjects();
          if (opts.json) return out(JSON.stringify(all, null, 2));
          if (!all.length) return out('no projects yet: `beatframe make SONG` starts one');
          // The embedded database is this process's alone: a project "running" in it has nobody running it.
          const shown = (p: (typeof all)[number]) =>
            bf.dbKind === 'pglite' && p.status === 'running' ? 'interrupted' : p.status;
          for (const p of all) {
            const current =
              p.stages.find((s) => s.status === 'running') ?? p.stages.find((s) => s.status !== 'done');
            const where =
              p.status === 'done'
                ? (p.outputPath ?? '')
                : `${current?.name ?? ''} ${current ? pct(current.progress) : ''}`;
            out(
              `${p.id.padEnd(28)} ${shown(p).padEnd(8)} ${where.padEnd(16)} ${usd(p.budget.spentUsd)}${p.error ? `  ${p.error}` : ''}`,
            );
          }
          return;
        }
        const d = await bf.getProject(project);
        if (opts.json) return out(JSON.stringify(d, null, 2));
        const p = d.project;
        const status = bf.dbKind === 'pglite' && p.status === 'running' ? 'interrupted' : p.status;
        out(`${p.id}  ${p.name}  ${status}${d.reason ? `: ${d.reason}` : ''}`);
        if (d.attention?.screenshot)
          out(
            `what it saw: ${d.attention.screenshot}${d.attention.shotId ? ` (${d.attention.shotId})` : ''}`,
          );
        out(
          `provider ${p.options.provider}, renderer ${p.options.renderer}, crew ${p.options.crew}, ${p.options.aspect} ${p.options.resolution}`,
        );
        out(
          `cost: spent ${usd(d.costs.spentUsd)} of estimate ${usd(d.costs.estimateUsd)}${d.costs.estimateMaxUsd != null ? ` (up to ${usd(d.costs.estimateMaxUsd)})` : ''}${d.costs.approvedUsd != null && d.costs.approvedUsd < 1e12 ? `, approved ${usd(d.costs.approvedUsd)}` : ''}${d.costs.maxUsd != null ? `, cap ${usd(d.costs.maxUsd)}` : ''}; today ${usd(d.costs.todayUsd)}${d.costs.dailyCapUsd != null ? ` of ${usd(d.costs.dailyCapUsd)}` : ''}`,
        );
        if (d.costs.boughtSec != null)
          out(`video bought: ${d.costs.boughtSec.toFixed(1)}s for ${d.costs.usedSec?.toFixed(1)}s of song`);
        for (const line of noticeLines(d)) out(line);
        out('stages:');
        for (const s of p.stages)
          out(
            `  ${s.name.padEnd(9)} ${s.status.padEnd(8)} ${pct(s.progress)}${s.error ? `  ${s.error}` : ''}`,
          );
        if (d.shots.length) {
          out(
            `shots (${d.shots.filter((s) => s.status === 'accepted' || s.status === 'generated').length}/${d.shots.length} ready):`,
          );
          for (const s of d.shots)
            out(
              `  ${s.id.padEnd(10)} ${s.status.padEnd(11)} try ${s.attempt} ${pct(s.progress)} ${usd(s.costUsd)}  ${s.start.toFixed(1)}–${s.end.toFixed(1)}s${s.error ? `  ${s.error}` : ''}`,
            );
        }
        if (d.evaluation)
          out(
            `evaluation: ${d.evaluation.score.toFixed(2)} ${d.evaluation.passed ? 'passed' : 'did not pass'}: ${d.evaluation.summary}`,
          );
        if (d.videoPath) out(`video: ${d.videoPath}`);
      } finally {
        await bf.close();
      }
    });
}
