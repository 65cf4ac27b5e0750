/**
 * A shot's job in steps: its stored provider job or a new submission (budget, twins, rate limit), polling over
 * the loop `beatframe clip` shares (`pollJob` in `@beatframe/registry`), the download; under one slot lease.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AudioAnalysis,
  type ClipRequest,
  type Logger,
  type PluginContext,
  ProjectOptions,
  ProviderError,
  type ProviderJobRef,
  type Shot,
  type Storyboard,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { providerJobs, shots } from '@beatframe/db';
import { pollJob } from '@beatframe/registry';
import { and, eq, sql } from 'drizzle-orm';
import { refundSpend, reserveSpend } from './budget.js';
import { chainShot, existingKeyframe } from './chaining.js';
import { carryNotes, clipRequestOf, recordRequestNotes } from './clip-request.js';
import type { Engine } from './engine.js';
import { keyframePath } from './keyframes.js';
import { bookFailedJobAtZero, paidTwin, requestDigest } from './ledger.js';
import type { ShotJob } from './queue.js';
import { asProviderError } from './shot-error.js';
import type { Lease } from './slots.js';
import type { ProjectRow, ShotRow } from './store.js';

const MAX_POLL_ERRORS = 8;

export function clipRequest(
  this: Engine,
  provider: VideoProvider,
  options: ProjectOptions,
  row: ShotRow,
  analysis?: AudioAnalysis,
  storyboard?: Storyboard,
): ClipRequest {
  const req = clipRequestOf(provider, options, row, { analysis, storyboard });
  // A shot whose keyframe was made starts from it (image-to-video).
  const keyframe = row.projectId ? keyframePath(this.projectDir(row.projectId), row.id) : undefined;
  if (keyframe && options.keyframes !== false && provider.capabilities.imageToVideo && existsSync(keyframe))
    // ...and, in one continuous scene, may end on the next shot's keyframe (chaining.ts).
    return chainShot(carryNotes(req, { ...req, imagePath: keyframe }), {
      provider,
      options,
      storyboard,
      keyframeOf: (id) => existingKeyframe(this.projectDir(row.projectId!), id),
    });
  return req;
}

/** What the steps of one shot's job share: the project and shot rows, the provider, the slot lease. */
interface ShotRun {
  p: ProjectRow;
  row: ShotRow;
  options: ProjectOptions;
  provider: VideoProvider;
  logger: Logger;
  ctx: PluginContext;
  lease: Lease;
}

/** A shot's job: its stored provider job or a new submission, then polling and the download. */
export async function runShotJob(this: Engine, job: ShotJob): Promise<void> {
  const p = await this.projectRow(job.projectId);
  if (!this.isLive(p)) return;
  const [row] = await this.db
    .select()
    .from(shots)
    .where(and(eq(shots.projectId, job.projectId), eq(shots.id, job.shotId)));
  if (!row || row.attempt !== job.attempt) return;
  if (row.status === 'generated' || row.status === 'accepted' || row.status === 'failed') {
    await this.maybeFinishGenerate(p.id);
    return;
  }
  const options = ProjectOptions.parse(p.options);
  const provider = await this.provider(options.provider);
  const logger = this.logger.child({
    projectId: p.id,
    stage: 'generate',
    shotId: row.id,
    attempt: row.attempt,
  });
  const ac = new AbortController();
  const untrack = this.track(p.id, ac);
  const ctx: PluginContext = {
    logger,
    signal: ac.signal,
    decisions: this.decisionSink(p.id, 'generate'),
    env: this.env,
  };
  let lease: Lease | undefined;
  try {
    lease = await this.providerSlot(provider, ac.signal);
    if (!lease) return;
    const run: ShotRun = { p, row, options, provider, logger, ctx, lease };
    const ref = (await storedJob(this, run)) ?? (await submitShot(this, run));
    if (!ref) return;
    await this.setShot(p.id, row.id, { status: 'generating' });
    if (!(await pollShot(this, run, ref))) return;
    await downloadShot(this, run, ref);
    await lease.release();
    lease = undefined;
    await this.maybeFinishGenerate(p.id);
  } finally {
    untrack();
    await lease?.release().catch(() => {});
  }
}

/** The provider job this attempt already submitted (a worker died while it ran): polled again, not resent. */
async function storedJob(e: Engine, { p, row, logger }: ShotRun): Promise<ProviderJobRef | undefined> {
  const [existing] = await e.db
    .select()
    .from(providerJobs)
    .where(
      and(
        eq(providerJobs.projectId, p.id),
        eq(providerJobs.shotId, row.id),
        eq(providerJobs.attempt, row.attempt),
      ),
    );
  if (!existing) return undefined;
  const ref = existing.ref as ProviderJobRef;
  logger.info({ jobId: ref.jobId }, 'resuming a submitted provider job (polling, not resubmitting)');
  return ref;
}

/**
 * Sends the shot's request once: unless an identical one is already paid for (kept or shared), within the
 * budget, the rate limit, and stored before the first poll. Undefined: nothing to poll (handled here).
 */
async function submitShot(e: Engine, run: ShotRun): Promise<ProviderJobRef | undefined> {
  const { p, row, options, provider, logger, ctx } = run;
  const analysis = await e.analysisFor(p.id);
  const storyboard = await e.storyboardFor(p.id);
  const req = e.clipRequest(provider, options, row, analysis, storyboard);
  const usd = provider.capabilities.usdFor(req);
  const digest = requestDigest(req);
  // Never pay twice for the same request: a retake that would resend it keeps the take instead.
  const twin = usd > 0 ? await paidTwin(e.db, p.id, digest) : undefined;
  if (twin && twin.shotId === row.id && row.clip) {
    await e.decisionSink(p.id, 'generate').record({
      role: 'budget',
      shotId: row.id,
      summary: `kept ${row.id}'s take from attempt ${twin.attempt}: attempt ${row.attempt} would resend the identical request, already paid for`,
    });
    await e.setShot(p.id, row.id, { status: 'accepted', error: null, progress: 1 });
    await e.maybeFinishGenerate(p.id);
    return undefined;
  }
  if (usd > 0) {
    const leader = await e.identicalRequestLeader(p.id, row, digest, twin, (other) =>
      e.clipRequest(provider, options, other, analysis, storyboard),
    );
    if (leader && (await e.shareTwinClip(p.id, row, leader, provider.name))) return undefined;
    const r = await reserveSpend(e.database, e.config.budget, {
      projectId: p.id,
      shotId: row.id,
      attempt: row.attempt,
      provider: provider.name,
      usd,
    });
    await e.budgetAlerts(p.id, r.ok ? r.projectSpentUsd : undefined, r.ok ? r.todayUsd : undefined, !r.ok);
    if (!r.ok) {
      await e.setShot(p.id, row.id, { status: 'paused', error: r.reason });
      await e.pauseProject(p.id, r.reason);
      return undefined;
    }
  }
  await e.rateLimit(provider, ctx.signal!);
  await e.setShot(p.id, row.id, { status: 'submitting', error: null });
  let ref: ProviderJobRef;
  try {
    ref = await provider.submit(req, ctx);
  } catch (err) {
    if (usd > 0)
      await refundSpend(e.database, { projectId: p.id, shotId: row.id, attempt: row.attempt, usd });
    await e.onShotError(p, row, options, provider, err, false, logger);
    return undefined;
  }
  // Stored before the first poll: a worker that dies from here on polls this job again.
  await e.db.insert(providerJobs).values({
    projectId: p.id,
    shotId: row.id,
    attempt: row.attempt,
    provider: provider.name,
    jobId: ref.jobId,
    ref,
    costUsd: usd,
    requestDigest: digest,
    boughtSec: req.seconds,
    usedSec: Math.min(req.seconds, Math.max(0, (row.shot as Shot).end - (row.shot as Shot).start)),
  });
  await e.db
    .update(shots)
    .set({ costUsd: sql`${shots.costUsd} + ${usd}` } as never)
    .where(and(eq(shots.projectId, p.id), eq(shots.id, row.id)));
  if (usd > 0) {
    const now = (await e.projectRow(p.id))!;
    await e.bus.publish({
      type: 'cost',
      projectId: p.id,
      spentUsd: now.spentUsd,
      estimateUsd: now.estimateUsd,
      ...(now.maxUsd != null ? { maxUsd: now.maxUsd } : {}),
    });
  }
  logger.info({ jobId: ref.jobId, usd }, 'submitted');
  await recordRequestNotes(req, e.decisionSink(p.id, 'generate')); // prompt idiom and chaining (chaining.ts)
  return ref;
}

/**
 * Polls the job until it is done (true) over the loop `beatframe clip` uses too (`pollJob`). A paused project
 * still collects what it already paid for; a cancelled one stops. A failed job or poll goes to the failure policy.
 */
async function pollShot(e: Engine, run: ShotRun, ref: ProviderJobRef): Promise<boolean> {
  const { p, row, options, provider, logger, ctx, lease } = run;
  const pollMs = Number(
    e.providerSetting(provider.name, 'pollIntervalMs') ??
      e.settings.pollIntervalMs ??
      // Local generators say 500 ms (capabilities.pollIntervalMs); remote models take minutes and dislike eager polling.
      provider.capabilities.pollIntervalMs ??
      5000,
  );
  let checkedAt = 0;
  const outcome = await pollJob(provider, ref, ctx, {
    intervalMs: pollMs,
    maxErrors: MAX_POLL_ERRORS,
    classify: asProviderError,
    retryWaitMs: (n, pe) => Math.max((pe.retryAfterSec ?? 0) * 1000, e.backoffMs(n)),
    onRetry: (pe, waitMs) => logger.warn({ err: pe.message, waitMs }, 'poll failed; trying again'),
    // Checked about once a second, not on every poll, to keep the database quiet.
    beforePoll: async () => {
      if (Date.now() - checkedAt < 1000) return true;
      checkedAt = Date.now();
      await lease.renew();
      const now = await e.projectRow(p.id);
      return Boolean(now) && now!.status !== 'failed' && now!.status !== 'done';
    },
    onStatus: async (st) => {
      if (st.state === 'done' || st.state === 'failed' || st.progress === undefined) return;
      const published = await e.bus.progress(
        `${p.id}:${row.id}`,
        st.progress,
        {
          type: 'shot',
          projectId: p.id,
          shotId: row.id,
          status: 'generating',
          attempt: row.attempt,
          progress: st.progress,
        },
        1000,
      );
      if (published)
        await e.db
          .update(shots)
          .set({ progress: st.progress })
          .where(and(eq(shots.projectId, p.id), eq(shots.id, row.id)));
    },
  });
  if (outcome.state === 'done') return true;
  if (outcome.state === 'error') await e.onShotError(p, row, options, provider, outcome.error, true, logger);
  if (outcome.state === 'failed') {
    // A job failed without a reason is the vendor's failure (not charged): worth one more attempt.
    const info = outcome.error ?? {
      kind: 'retryable' as const,
      message: 'the provider failed the job without a reason',
    };
    await bookFailedJobAtZero(e.database, { projectId: p.id, shotId: row.id, attempt: row.attempt });
    await e.db
      .update(providerJobs)
      .set({ state: 'failed', error: info, finishedAt: new Date().toISOString() })
      .where(
        and(
          eq(providerJobs.projectId, p.id),
          eq(providerJobs.shotId, row.id),
          eq(providerJobs.attempt, row.attempt),
        ),
      );
    await e.onShotError(p, row, options, provider, ProviderError.fromInfo(info), true, logger);
  }
  return false;
}

/** Downloads the finished clip, records it, and queues its thumbnail and measurement in the background. */
async function downloadShot(e: Engine, { p, row, provider, logger, ctx }: ShotRun, ref: ProviderJobRef) {
  await e.setShot(p.id, row.id, { status: 'downloading' });
  const dir = e.projectDir(p.id);
  const dest = join(dir, 'clips', `${row.id}-a${row.attempt}.mp4`);
  await mkdir(join(dir, 'clips'), { recursive: true });
  const clip = await provider.download(ref, dest, ctx);
  await e.db
    .update(providerJobs)
    .set({ state: 'done', finishedAt: new Date().toISOString() })
    .where(
      and(
        eq(providerJobs.projectId, p.id),
        eq(providerJobs.shotId, row.id),
        eq(providerJobs.attempt, row.attempt),
      ),
    );
  await e.addAsset(p.id, 'clip', clip.path, row.id);
  await e.setShot(p.id, row.id, {
    status: 'generated',
    clip: { ...clip, shotId: row.id },
    progress: 1,
    error: null,
  });
  // The thumbnail is made after the provider slot is given back (review makes any that are missing).
  // One at a time, in the background: many ffmpeg processes at once would slow the shots in flight.
  e.thumbQueue = e.thumbQueue
    .then(() =>
      e
        .shotThumbnail(p.id, row.id, row.attempt, clip)
        .catch((err) => logger.warn({ err: userMessage(err) }, 'no thumbnail for the clip')),
    )
    .then(() =>
      e.deps
        .prepareClip?.(clip.path, { logger })
        .catch((err) =>
          logger.warn({ err: userMessage(err) }, 'the clip could not be measured ahead of the edit'),
        ),
    );
  logger.info({ clip: clip.path }, 'clip ready');
}

/** The song's analysis, read once per project (every shot's request carries its tempo). */
export function analysisFor(this: Engine, projectId: string): Promise<AudioAnalysis | undefined> {
  let a = this.analyses.get(projectId);
  if (!a) {
    a = this.stageOutput<AudioAnalysis>(projectId, 'analyze').catch(() => undefined);
    this.analyses.set(projectId, a);
    if (this.analyses.size > 100) this.analyses.delete(this.analyses.keys().next().value!);
  }
  return a;
}

/** The storyboard the shots were written from (its style bible's "avoid" list is the negative prompt). */
export function storyboardFor(this: Engine, projectId: string): Promise<Storyboard | undefined> {
  return this.stageOutput<{ storyboard: Storyboard }>(projectId, 'prompt').then(
    (o) => o.storyboard,
    () => undefined,
  );
}

export function backoffMs(this: Engine, n: number): number {
  return Math.min(60_000, (this.settings.retryBaseSec ?? 1) * 1000 * 2 ** Math.max(0, n - 1));
}

export async function rateLimit(this: Engine, provider: VideoProvider, signal: AbortSignal): Promise<void> {
  const rpm = Number(this.providerSetting(provider.name, 'rpm') ?? provider.capabilities.rpm);
  if (!(rpm > 0)) return;
  // A limit this high is never reached by counting one process; skip the database.
  if (rpm >= 1000) return this.rate.take(provider.name, rpm, 0, signal);
  // Submissions of every worker in the last minute, from the database, plus this process's own.
  const [row] = await this.database.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM provider_jobs WHERE provider = $1 AND submitted_at > now() - interval '60 seconds'`,
    [provider.name],
  );
  await this.rate.take(provider.name, rpm, Number(row?.n ?? 0), signal);
}
