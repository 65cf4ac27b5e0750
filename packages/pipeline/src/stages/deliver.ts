/** Stage 10, deliver: the final file, its thumbnail and a kept version. */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { produceAtomic, type RenderResult, userMessage, writeFileAtomic } from '@beatframe/core';
import { projects } from '@beatframe/db';
import { eq } from 'drizzle-orm';
import type { Engine } from '../engine.js';
import { keepVersion } from '../versions.js';
import type { StageCtx, StageResult } from './stage.js';

export async function deliverStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const render = await this.stageOutput<RenderResult>(ctx.project.id, 'render');
  const out = ctx.options.outPath ?? join(ctx.dir, 'video.mp4');
  await produceAtomic(out, (tmp) => copyFile(render.path, tmp));
  const thumb = join(ctx.dir, 'thumbnail.jpg');
  await this.thumbnail(render.path, thumb, render.durationSec / 2).catch((err) =>
    ctx.logger.warn({ err: userMessage(err) }, 'no thumbnail'),
  );
  const p = (await this.projectRow(ctx.project.id))!;
  await this.keepDeliveredVersion(ctx, out, thumb, render.path);
  const report = {
    project: p.id,
    name: p.name,
    video: out,
    spentUsd: p.spentUsd,
    estimateUsd: p.estimateUsd,
    evaluation: await this.stageOutput<unknown>(p.id, 'evaluate').catch(() => undefined),
  };
  await writeFileAtomic(join(ctx.dir, 'report.json'), JSON.stringify(report, null, 2));
  await this.addAsset(p.id, 'video', out);
  await this.setStage(p.id, 'deliver', {
    status: 'done',
    progress: 1,
    output: { videoPath: out, thumbnailPath: thumb },
    finishedAt: new Date().toISOString(),
  });
  await this.bus.publish({
    type: 'stage',
    projectId: p.id,
    stage: 'deliver',
    status: 'done',
    progress: 1,
  });
  await this.db
    .update(projects)
    .set({ outputPath: out, status: 'done', error: null, updatedAt: new Date().toISOString() })
    .where(eq(projects.id, p.id));
  await this.bus.publish({ type: 'project', projectId: p.id, status: 'done' });
  await this.bus.publish({ type: 'done', projectId: p.id, videoPath: out });
  ctx.logger.info({ video: out }, 'delivered');
  return { kind: 'moved' };
}

/** Every delivered cut stays watchable and restorable (versions/v<n>.mp4); a failure here only warns. */
export async function keepDeliveredVersion(
  this: Engine,
  ctx: StageCtx,
  out: string,
  thumb: string,
  renderPath: string,
) {
  const score = await this.stageOutput<{ score?: number }>(ctx.project.id, 'evaluate').catch(() => undefined);
  await keepVersion(ctx.dir, out, thumb, {
    renderPath,
    round: ctx.project.round,
    ...(typeof score?.score === 'number' ? { score: score.score } : {}),
  }).catch((err) => ctx.logger.warn({ err: userMessage(err) }, 'could not keep this cut as a version'));
}
