/** Stage 5, generate: the storyboard gate (stills, approval), then one shot job per shot; the last to finish moves the project on. */
import { shots, stages } from '@beatframe/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

export async function generateStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const p = (await this.projectRow(ctx.project.id))!;
  const rows = await this.shotRows(p.id);
  // The gate before any paid generation: the stills first, then one approval of the storyboard and its cost.
  if ((await this.storyboardStep(ctx, p, rows)) === 'paused') return { kind: 'moved' };
  // The render's work that needs no clip runs beside the shots (render-prep.ts).
  this.startRenderPrep(ctx);
  for (const s of rows) {
    if (s.status === 'generated' || s.status === 'accepted' || s.status === 'failed') continue;
    if (s.status === 'paused') await this.setShot(p.id, s.id, { status: 'pending' });
    await this.enqueueShot(p.id, s, ctx.options.provider);
  }
  await this.maybeFinishGenerate(p.id);
  return { kind: 'waiting' };
}

/** When every shot is finished, the generate stage is done and the project moves on (once). */
export async function maybeFinishGenerate(this: Engine, projectId: string): Promise<void> {
  const p = await this.projectRow(projectId);
  if (!this.isLive(p) || p.stage !== 'generate') return;
  // Counts, not rows: this runs after every shot, and a project can have many.
  const counts = await this.database.query<{ status: string; n: string }>(
    'SELECT status, count(*)::text AS n FROM shots WHERE project_id = $1 GROUP BY status',
    [projectId],
  );
  const count = (...st: string[]) =>
    counts.filter((c) => st.includes(c.status)).reduce((a, c) => a + Number(c.n), 0);
  const total = count(...counts.map((c) => c.status));
  const finishedN = count('generated', 'accepted', 'failed');
  const fraction = total ? finishedN / total : 1;
  await this.setStage(projectId, 'generate', { progress: fraction });
  await this.bus.progress(`${projectId}:generate`, fraction, {
    type: 'stage',
    projectId,
    stage: 'generate',
    status: 'running',
    progress: fraction,
    label: `${finishedN}/${total} shots`,
  });
  if (finishedN < total) return;
  const failed = count('failed')
    ? await this.db
        .select({ id: shots.id, error: shots.error })
        .from(shots)
        .where(and(eq(shots.projectId, projectId), eq(shots.status, 'failed')))
    : [];
  if (total && failed.length === total) {
    await this.failProject(
      projectId,
      `generate: no shot could be generated (${failed[0]?.error ?? 'unknown error'})`,
    );
    return;
  }
  if (failed.length)
    await this.decisionSink(projectId, 'generate').record({
      role: 'pipeline',
      summary: `continuing without ${failed.length} failed shot(s): ${failed.map((f) => f.id).join(', ')}`,
    });
  const done = await this.db
    .update(stages)
    .set({
      status: 'done',
      progress: 1,
      output: { generated: total - failed.length, failed: failed.length },
      finishedAt: new Date().toISOString(),
    })
    .where(and(eq(stages.projectId, projectId), eq(stages.name, 'generate'), sql`${stages.status} <> 'done'`))
    .returning({ name: stages.name });
  if (done.length)
    await this.bus.publish({ type: 'stage', projectId, stage: 'generate', status: 'done', progress: 1 });
  await this.advance(projectId, 'generate');
}
