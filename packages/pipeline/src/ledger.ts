import { createHash } from 'node:crypto';
import type { ClipRequest } from '@beatframe/core';
import { type Database, providerJobs } from '@beatframe/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import { APPROVE_ANY } from './ceiling.js';

/**
 * The ledger's view of what was bought: the request digest (a request already paid for is never sent
 * again), and the seconds bought against the seconds of the song they fill.
 */

/** sha256 of what changes the picture: prompt, negative prompt, seed, images, length, size and model. */
export function requestDigest(req: ClipRequest): string {
  const what = {
    prompt: req.prompt,
    negativePrompt: req.negativePrompt ?? null,
    seed: req.seed ?? null,
    imagePath: req.imagePath ?? null,
    lastFramePath: req.lastFramePath ?? null,
    referenceImagePaths: req.referenceImagePaths ?? null,
    seconds: req.seconds,
    size: req.size,
    model: req.model ?? null,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** A job of this project with the same request that was paid for (not failed, not refunded), if any. */
export async function paidTwin(
  db: Database['db'],
  projectId: string,
  digest: string,
): Promise<{ shotId: string; attempt: number; state: string } | undefined> {
  const [row] = await db
    .select({ shotId: providerJobs.shotId, attempt: providerJobs.attempt, state: providerJobs.state })
    .from(providerJobs)
    .where(
      and(
        eq(providerJobs.projectId, projectId),
        eq(providerJobs.requestDigest, digest),
        ne(providerJobs.state, 'failed'),
        sql`${providerJobs.costUsd} > 0`,
      ),
    )
    .limit(1);
  return row;
}

/** Seconds bought and seconds used, over the clips that were delivered by providers. */
export async function boughtAndUsed(
  db: Database['db'],
  projectId: string,
): Promise<{ boughtSec?: number; usedSec?: number }> {
  const [row] = await db
    .select({
      bought: sql<number | null>`sum(${providerJobs.boughtSec})`,
      used: sql<number | null>`sum(${providerJobs.usedSec})`,
    })
    .from(providerJobs)
    .where(and(eq(providerJobs.projectId, projectId), eq(providerJobs.state, 'done')));
  if (row?.bought == null) return {};
  return { boughtSec: Number(row.bought), usedSec: Math.round(Number(row.used ?? 0) * 1000) / 1000 };
}

/**
 * What an approval of `amount` stores. No amount, or `--yes` once the plan is priced, approves the estimate's
 * upper bound (or what the paused clip needs, if more); before the price is known `--yes` stays a marker.
 */
export function approvalFor(
  row: { estimateUsd: number; estimateMaxUsd: number; approvalNeededUsd: number | null },
  amount?: number,
): number {
  const priced = row.estimateUsd > 0 || row.estimateMaxUsd > 0;
  if (amount !== undefined && amount < APPROVE_ANY) return amount;
  if (amount !== undefined && !priced) return APPROVE_ANY;
  return Math.max(row.estimateUsd, row.estimateMaxUsd, row.approvalNeededUsd ?? 0);
}

/**
 * A job the provider failed or its filters withheld is booked at $0: Google, fal, Runway and OpenAI do not
 * charge for those. The reservation goes back to the project and the day it was booked on; the cost row stays,
 * at $0, so the ledger still shows the attempt.
 */
export async function bookFailedJobAtZero(
  database: Database,
  p: { projectId: string; shotId: string; attempt: number },
): Promise<number> {
  const rowsOf = (r: unknown) => (r as { rows?: Array<Record<string, unknown>> }).rows ?? [];
  return database.db.transaction(async (tx) => {
    const [cost] = rowsOf(
      await tx.execute(sql`SELECT id, usd, day::text AS day FROM costs WHERE project_id = ${p.projectId}
        AND shot_id = ${p.shotId} AND attempt = ${p.attempt} AND usd > 0 ORDER BY id DESC LIMIT 1 FOR UPDATE`),
    );
    const usd = Number(cost?.usd ?? 0);
    if (!cost || !(usd > 0)) return 0;
    await tx.execute(sql`UPDATE costs SET usd = 0 WHERE id = ${cost.id}`);
    await tx.execute(
      sql`UPDATE projects SET spent_usd = GREATEST(0, spent_usd - ${usd}) WHERE id = ${p.projectId}`,
    );
    await tx.execute(sql`UPDATE daily_spend SET usd = GREATEST(0, usd - ${usd}) WHERE day = ${cost.day}`);
    await tx.execute(sql`UPDATE provider_jobs SET cost_usd = 0 WHERE project_id = ${p.projectId}
      AND shot_id = ${p.shotId} AND attempt = ${p.attempt}`);
    await tx.execute(sql`UPDATE shots SET cost_usd = GREATEST(0, cost_usd - ${usd})
      WHERE project_id = ${p.projectId} AND id = ${p.shotId}`);
    return usd;
  });
}
