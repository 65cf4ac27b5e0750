import type { DecisionSink, Logger } from '@beatframe/core';
import { type Database, projects } from '@beatframe/db';
import { eq } from 'drizzle-orm';
import type { CostEstimate } from './beatframe.js';
import { APPROVE_ANY, capWarning, estimateLine, usd } from './ceiling.js';

/**
 * Stores the priced plan: the first cut and its upper bound. A `--yes` given before the price was known
 * becomes an approval of exactly that upper bound; a cap below the first cut is said now, not at the pause.
 */
export async function recordEstimate(
  db: Database['db'],
  ctx: {
    project: { id: string; maxUsd: number | null; approvedUsd: number | null };
    decisions: DecisionSink;
    logger: Logger;
  },
  estimate: CostEstimate,
): Promise<void> {
  const range = { firstCutUsd: estimate.usd, upToUsd: estimate.upToUsd ?? estimate.usd };
  const yes = ctx.project.approvedUsd != null && ctx.project.approvedUsd >= APPROVE_ANY;
  await db
    .update(projects)
    .set({
      estimateUsd: range.firstCutUsd,
      estimateMaxUsd: range.upToUsd,
      ...(yes ? { approvedUsd: range.upToUsd } : {}),
    })
    .where(eq(projects.id, ctx.project.id));
  await ctx.decisions.record({
    role: 'budget',
    summary: `estimated ${estimateLine(range)}: ${estimate.shots} shots (${estimate.seconds}s of video) on ${estimate.provider}`,
    output: estimate,
  });
  if (yes)
    await ctx.decisions.record({
      role: 'budget',
      summary: `--yes approved up to ${usd(range.upToUsd)}; going past it asks again`,
    });
  const warning = capWarning(ctx.project.maxUsd, range);
  if (warning) {
    ctx.logger.warn(warning);
    await ctx.decisions.record({ role: 'budget', summary: warning });
  }
}
