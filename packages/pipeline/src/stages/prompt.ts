/** Stage 4, prompt: the crew's prompts become the shot rows (in one transaction), with the cost estimate. */
import type { Storyboard } from '@beatframe/core';
import { shots } from '@beatframe/db';
import { eq } from 'drizzle-orm';
import type { Engine } from '../engine.js';
import { recordEstimate } from '../estimate-stage.js';
import type { StageCtx, StageResult } from './stage.js';

export async function promptStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const input = await this.planInput(ctx);
  const storyboard = await this.stageOutput<Storyboard>(ctx.project.id, 'plan');
  const crew = await this.crew(ctx.options.crew);
  const written = await crew.writePrompts(storyboard, input, ctx.plugin);
  const provider = await this.provider(ctx.options.provider);
  // Replace the shot list in one go, so a re-run after a crash never leaves half of it.
  await this.db.transaction(async (tx) => {
    await tx.delete(shots).where(eq(shots.projectId, ctx.project.id));
    if (written.length)
      await tx.insert(shots).values(
        written.map((s, i) => ({
          projectId: ctx.project.id,
          id: s.id,
          index: s.index ?? i,
          shot: s,
          prompt: s.prompt ?? s.description,
        })),
      );
  });
  const estimate = await this.estimateWithStills(
    provider,
    ctx.options,
    written,
    storyboard,
    input.analysis,
    input.song,
  );
  await recordEstimate(this.db, ctx, estimate);
  await this.bus.publish({
    type: 'cost',
    projectId: ctx.project.id,
    spentUsd: ctx.project.spentUsd,
    estimateUsd: estimate.usd,
    ...(ctx.project.maxUsd != null ? { maxUsd: ctx.project.maxUsd } : {}),
  });
  return { kind: 'done', output: { storyboard: { ...storyboard, shots: written }, estimate } };
}
