import { join } from 'node:path';
import {
  type AudioAnalysis,
  type EvaluationReport,
  type PluginContext,
  type Revision,
  type Timeline,
  writeFileAtomic,
} from '@beatframe/core';
import { planRevisions } from '@beatframe/evaluate';

/**
 * Free fixes are applied on every path. When the rounds for new clips are used up and the evaluation still
 * fails, its re-cuts and transition changes cost nothing: they are stored for one more edit. Only on the round
 * the limit is reached, so the edit after it delivers whatever it scores.
 */
export async function lastFreeRecut(
  report: EvaluationReport,
  p: { timeline: Timeline; analysis: AudioAnalysis; round: number; maxRounds: number; dir: string },
  plugin: PluginContext,
): Promise<Revision[]> {
  if (report.passed || p.maxRounds < 1 || p.round !== p.maxRounds) return [];
  // Planned as if one round were left: the planner proposes nothing at its limit.
  const fixes = (
    await planRevisions(
      report,
      { timeline: p.timeline, analysis: p.analysis, round: p.round, maxRounds: p.round + 1 },
      plugin,
    )
  ).filter((r) => r.kind !== 'regenerate');
  if (fixes.length)
    await writeFileAtomic(
      join(p.dir, 'revisions', `round-${String(p.round).padStart(3, '0')}.json`),
      JSON.stringify(fixes, null, 2),
    );
  return fixes;
}
