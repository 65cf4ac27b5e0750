/** Row access: small named reads and writes of the project, stage, shot, decision and asset rows (bound onto `Engine`). */
import { stat } from 'node:fs/promises';
import { BeatframeError, type DecisionSink, type StageName, scrubSecrets } from '@beatframe/core';
import { assets, decisions, projects, shots, stages } from '@beatframe/db';
import { and, asc, eq } from 'drizzle-orm';
import type { ShotStatus } from './beatframe.js';
import type { Engine } from './engine.js';

export type ProjectRow = typeof projects.$inferSelect;
export type ShotRow = typeof shots.$inferSelect;

export async function projectRow(this: Engine, id: string): Promise<ProjectRow | undefined> {
  const [row] = await this.db.select().from(projects).where(eq(projects.id, id));
  return row;
}

export async function shotRows(this: Engine, projectId: string): Promise<ShotRow[]> {
  return this.db.select().from(shots).where(eq(shots.projectId, projectId)).orderBy(asc(shots.index));
}

export async function stageOutput<T>(this: Engine, projectId: string, stage: StageName): Promise<T> {
  const [row] = await this.db
    .select({ output: stages.output })
    .from(stages)
    .where(and(eq(stages.projectId, projectId), eq(stages.name, stage)));
  if (row?.output == null) throw new BeatframeError(`the ${stage} stage has no output yet`);
  return row.output as T;
}

export async function setStage(
  this: Engine,
  projectId: string,
  stage: StageName,
  patch: Partial<typeof stages.$inferInsert>,
) {
  await this.db
    .update(stages)
    .set(patch)
    .where(and(eq(stages.projectId, projectId), eq(stages.name, stage)));
}

export async function setShot(
  this: Engine,
  projectId: string,
  shotId: string,
  patch: Partial<typeof shots.$inferInsert>,
) {
  await this.db
    .update(shots)
    .set({ ...patch, updatedAt: new Date().toISOString() })
    .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
  if (patch.status) {
    const [row] = await this.db
      .select()
      .from(shots)
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
    if (row)
      await this.bus.publish({
        type: 'shot',
        projectId,
        shotId,
        status: row.status as ShotStatus,
        attempt: row.attempt,
        progress: row.progress,
        ...(row.error ? { error: row.error } : {}),
      });
  }
}

export async function setProjectStatus(
  this: Engine,
  id: string,
  status: ProjectRow['status'],
  reason?: string | null,
): Promise<void> {
  await this.db
    .update(projects)
    .set({ status, error: reason ?? null, updatedAt: new Date().toISOString() })
    .where(eq(projects.id, id));
  await this.bus.publish({
    type: 'project',
    projectId: id,
    status: status as never,
    ...(reason ? { reason } : {}),
  });
}

export function decisionSink(this: Engine, projectId: string, stage?: StageName): DecisionSink {
  return {
    record: async (d) => {
      const clean = scrubSecrets(d);
      await this.db.insert(decisions).values({
        projectId: clean.projectId ?? projectId,
        stage: clean.stage ?? stage ?? null,
        role: clean.role,
        shotId: clean.shotId ?? null,
        summary: clean.summary,
        inputDigest: clean.inputDigest ?? null,
        output: (clean.output as object | undefined) ?? null,
        model: clean.model ?? null,
        tokens: clean.tokens ?? null,
        costUsd: clean.costUsd ?? null,
        ms: clean.ms ?? null,
        ...(clean.at ? { at: clean.at } : {}),
      });
    },
  };
}

export async function addAsset(
  this: Engine,
  projectId: string,
  kind: string,
  path: string,
  shotId?: string,
): Promise<void> {
  const bytes = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  await this.db
    .insert(assets)
    .values({ projectId, kind, path, shotId: shotId ?? null, bytes })
    .onConflictDoNothing();
}
