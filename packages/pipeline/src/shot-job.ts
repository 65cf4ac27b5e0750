/**
 * A shot's job: lease, resume, budget, rate limit, submit, poll, download and thumbnails.
 * Over 400 lines because `runShotJob` is one loop (~260 lines) whose steps share the slot lease, the attempt,
 * the abort signal and the spend booked for it; split into submit, poll and download steps over a loop shared
 * with the CLI's `clip` (issue 13) once the clip-request change in flight has landed on it.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AudioAnalysis,
  type Clip,
  type ClipRequest,
  type PluginContext,
  ProjectOptions,
  ProviderError,
  type ProviderJobRef,
  type Shot,
  type Storyboard,
  sleep,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { providerJobs, shots } from '@beatframe/db';
import { probeMedia } from '@beatframe/media';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { refundSpend, reserveSpend } from './budget.js';
import { chainShot, existingKeyframe } from './chaining.js';
import { carryNotes, clipRequestOf, recordRequestNotes } from './clip-request.js';
import type { Engine } from './engine.js';
import { keyframePath } from './keyframes.js';
import { bookFailedJobAtZero, paidTwin, requestDigest } from './ledger.js';
import type { ShotJob } from './queue.js';
import { asProviderError } from './shot-error.js';
import type { Lease } from './slots.js';
import type { ShotRow } from './store.js';

const MAX_POLL_ERRORS = 8;
/** How often a shot waiting for another shot's identical request looks again. */
const TWIN_WAIT_SEC = 2;

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
    const limit = Number(
      this.providerSetting(provider.name, 'concurrency') ?? provider.capabilities.concurrency,
    );
    lease = await this.slots.acquire(
      provider.name,
      Math.max(1, Number.isFinite(limit) ? limit : 1),
      ac.signal,
    );
    if (!lease) return;
    const [existing] = await this.db
      .select()
      .from(providerJobs)
      .where(
        and(
          eq(providerJobs.projectId, p.id),
          eq(providerJobs.shotId, row.id),
          eq(providerJobs.attempt, row.attempt),
        ),
      );
    let ref: ProviderJobRef;
    if (existing) {
      ref = existing.ref as ProviderJobRef;
      logger.info({ jobId: ref.jobId }, 'resuming a submitted provider job (polling, not resubmitting)');
    } else {
      const analysis = await this.analysisFor(p.id);
      const storyboard = await this.storyboardFor(p.id);
      const req = this.clipRequest(provider, options, row, analysis, storyboard);
      const usd = provider.capabilities.usdFor(req);
      const digest = requestDigest(req);
      // Never pay twice for the same request: a retake that would resend it keeps the take instead.
      const twin = usd > 0 ? await paidTwin(this.db, p.id, digest) : undefined;
      if (twin && twin.shotId === row.id && row.clip) {
        await this.decisionSink(p.id, 'generate').record({
          role: 'budget',
          shotId: row.id,
          summary: `kept ${row.id}'s take from attempt ${twin.attempt}: attempt ${row.attempt} would resend the identical request, already paid for`,
        });
        await this.setShot(p.id, row.id, { status: 'accepted', error: null, progress: 1 });
        await this.maybeFinishGenerate(p.id);
        return;
      }
      if (usd > 0) {
        const leader = await this.identicalRequestLeader(p.id, row, digest, twin, (other) =>
          this.clipRequest(provider, options, other, analysis, storyboard),
        );
        if (leader && (await this.shareTwinClip(p.id, row, leader, provider.name))) return;
      }
      if (usd > 0) {
        const r = await reserveSpend(this.database, this.config.budget, {
          projectId: p.id,
          shotId: row.id,
          attempt: row.attempt,
          provider: provider.name,
          usd,
        });
        await this.budgetAlerts(
          p.id,
          r.ok ? r.projectSpentUsd : undefined,
          r.ok ? r.todayUsd : undefined,
          !r.ok,
        );
        if (!r.ok) {
          await this.setShot(p.id, row.id, { status: 'paused', error: r.reason });
          await this.pauseProject(p.id, r.reason);
          return;
        }
      }
      await this.rateLimit(provider, ac.signal);
      await this.setShot(p.id, row.id, { status: 'submitting', error: null });
      try {
        ref = await provider.submit(req, ctx);
      } catch (err) {
        if (usd > 0)
          await refundSpend(this.database, { projectId: p.id, shotId: row.id, attempt: row.attempt, usd });
        await this.onShotError(p, row, options, provider, err, false, logger);
        return;
      }
      // Stored before the first poll: a worker that dies from here on polls this job again.
      await this.db.insert(providerJobs).values({
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
      await this.db
        .update(shots)
        .set({ costUsd: sql`${shots.costUsd} + ${usd}` } as never)
        .where(and(eq(shots.projectId, p.id), eq(shots.id, row.id)));
      if (usd > 0) {
        const now = (await this.projectRow(p.id))!;
        await this.bus.publish({
          type: 'cost',
          projectId: p.id,
          spentUsd: now.spentUsd,
          estimateUsd: now.estimateUsd,
          ...(now.maxUsd != null ? { maxUsd: now.maxUsd } : {}),
        });
      }
      logger.info({ jobId: ref.jobId, usd }, 'submitted');
      await recordRequestNotes(req, this.decisionSink(p.id, 'generate')); // prompt idiom and chaining (chaining.ts)
    }
    await this.setShot(p.id, row.id, { status: 'generating' });
    const pollMs = Number(
      this.providerSetting(provider.name, 'pollIntervalMs') ??
        this.settings.pollIntervalMs ??
        // Local generators say 500 ms (capabilities.pollIntervalMs); remote models take minutes and dislike eager polling.
        provider.capabilities.pollIntervalMs ??
        5000,
    );
    let pollErrors = 0;
    let checkedAt = 0;
    for (;;) {
      if (ac.signal.aborted) return;
      // A paused project still collects what it already paid for; a cancelled one stops.
      // Checked about once a second, not on every poll, to keep the database quiet.
      if (Date.now() - checkedAt >= 1000) {
        checkedAt = Date.now();
        await lease.renew();
        const now = await this.projectRow(p.id);
        if (!now || now.status === 'failed' || now.status === 'done') return;
      }
      let st: Awaited<ReturnType<VideoProvider['poll']>>;
      try {
        st = await provider.poll(ref, ctx);
        pollErrors = 0;
      } catch (err) {
        const pe = asProviderError(err);
        if (pe.kind === 'retryable' && ++pollErrors <= MAX_POLL_ERRORS) {
          const wait = Math.max((pe.retryAfterSec ?? 0) * 1000, this.backoffMs(pollErrors));
          logger.warn({ err: pe.message, waitMs: wait }, 'poll failed; trying again');
          await sleep(wait, ac.signal);
          continue;
        }
        await this.onShotError(p, row, options, provider, err, true, logger);
        return;
      }
      if (st.state === 'done') break;
      if (st.state === 'failed') {
        // A job failed without a reason is the vendor's failure (not charged): worth one more attempt.
        const info = st.error ?? {
          kind: 'retryable' as const,
          message: 'the provider failed the job without a reason',
        };
        await bookFailedJobAtZero(this.database, { projectId: p.id, shotId: row.id, attempt: row.attempt });
        await this.db
          .update(providerJobs)
          .set({ state: 'failed', error: info, finishedAt: new Date().toISOString() })
          .where(
            and(
              eq(providerJobs.projectId, p.id),
              eq(providerJobs.shotId, row.id),
              eq(providerJobs.attempt, row.attempt),
            ),
          );
        await this.onShotError(p, row, options, provider, ProviderError.fromInfo(info), true, logger);
        return;
      }
      if (st.progress !== undefined) {
        const published = await this.bus.progress(
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
          await this.db
            .update(shots)
            .set({ progress: st.progress })
            .where(and(eq(shots.projectId, p.id), eq(shots.id, row.id)));
      }
      await sleep(pollMs, ac.signal);
    }
    await this.setShot(p.id, row.id, { status: 'downloading' });
    const dir = this.projectDir(p.id);
    const dest = join(dir, 'clips', `${row.id}-a${row.attempt}.mp4`);
    await mkdir(join(dir, 'clips'), { recursive: true });
    const clip = await provider.download(ref, dest, ctx);
    await this.db
      .update(providerJobs)
      .set({ state: 'done', finishedAt: new Date().toISOString() })
      .where(
        and(
          eq(providerJobs.projectId, p.id),
          eq(providerJobs.shotId, row.id),
          eq(providerJobs.attempt, row.attempt),
        ),
      );
    await this.addAsset(p.id, 'clip', clip.path, row.id);
    await this.setShot(p.id, row.id, {
      status: 'generated',
      clip: { ...clip, shotId: row.id },
      progress: 1,
      error: null,
    });
    // The thumbnail is made after the provider slot is given back (review makes any that are missing).
    // One at a time, in the background: many ffmpeg processes at once would slow the shots in flight.
    this.thumbQueue = this.thumbQueue
      .then(() =>
        this.shotThumbnail(p.id, row.id, row.attempt, clip).catch((err) =>
          logger.warn({ err: userMessage(err) }, 'no thumbnail for the clip'),
        ),
      )
      .then(() =>
        this.deps
          .prepareClip?.(clip.path, { logger })
          .catch((err) =>
            logger.warn({ err: userMessage(err) }, 'the clip could not be measured ahead of the edit'),
          ),
      );
    logger.info({ clip: clip.path }, 'clip ready');
    await lease.release();
    lease = undefined;
    await this.maybeFinishGenerate(p.id);
  } finally {
    untrack();
    await lease?.release().catch(() => {});
  }
}

/**
 * The shot whose clip answers the same request as this one: one already paid for, else the first shot (by
 * index) still to send it, so that shots in flight at once never both pay (an election, not a lock).
 */
export async function identicalRequestLeader(
  this: Engine,
  projectId: string,
  row: ShotRow,
  digest: string,
  twin: { shotId: string; attempt: number; state: string } | undefined,
  requestOf: (other: ShotRow) => ClipRequest,
): Promise<{ shotId: string; attempt: number; state: string } | undefined> {
  if (twin) return twin.shotId === row.id ? undefined : twin;
  const earlier = await this.db
    .select()
    .from(shots)
    .where(
      and(
        eq(shots.projectId, projectId),
        lt(shots.index, row.index),
        inArray(shots.status, ['pending', 'queued', 'submitting', 'generating', 'downloading', 'paused']),
      ),
    )
    .orderBy(shots.index);
  const first = earlier.find((other) => requestDigest(requestOf(other)) === digest);
  return first ? { shotId: first.id, attempt: first.attempt, state: 'pending' } : undefined;
}

/**
 * Another shot sent the identical request (a repeated chorus prompt on a seedless model): its clip serves this
 * shot too, so the request is paid once. While the twin is in flight this shot waits for it; a twin that fails
 * stops being a twin (paidTwin skips failed jobs) and this shot then pays for its own. False: no clip to share.
 */
export async function shareTwinClip(
  this: Engine,
  projectId: string,
  row: ShotRow,
  twin: { shotId: string; attempt: number; state: string },
  providerName: string,
): Promise<boolean> {
  if (twin.state !== 'done') {
    this.logger.info(
      { projectId, shotId: row.id, twin: twin.shotId },
      'waiting for the identical request of another shot',
    );
    await this.enqueueShot(projectId, row, providerName, TWIN_WAIT_SEC);
    return true;
  }
  const [source] = await this.db
    .select()
    .from(shots)
    .where(and(eq(shots.projectId, projectId), eq(shots.id, twin.shotId)));
  const from = source?.clip as Clip | null | undefined;
  const fromPath =
    source?.attempt === twin.attempt && from?.path
      ? from.path
      : join(this.projectDir(projectId), 'clips', `${twin.shotId}-a${twin.attempt}.mp4`);
  if (!existsSync(fromPath)) return false;
  const dest = join(this.projectDir(projectId), 'clips', `${row.id}-a${row.attempt}.mp4`);
  await copyFile(fromPath, dest);
  const info = await probeMedia(dest);
  const clip: Clip = {
    path: dest,
    durationSec: info.durationSec,
    width: info.video?.width ?? from?.width ?? 1,
    height: info.video?.height ?? from?.height ?? 1,
    fps: info.video?.fps || from?.fps || 30,
    hasAudio: Boolean(info.audio),
    provider: providerName,
    ...(from?.model ? { model: from.model } : {}),
    costUsd: 0,
    shotId: row.id,
  };
  await this.addAsset(projectId, 'clip', dest, row.id);
  await this.setShot(projectId, row.id, { status: 'generated', clip, progress: 1, error: null });
  await this.decisionSink(projectId, 'generate').record({
    role: 'budget',
    shotId: row.id,
    summary: `${row.id} uses ${twin.shotId}'s clip: its request is identical to one already paid for (attempt ${twin.attempt})`,
  });
  await this.maybeFinishGenerate(projectId);
  return true;
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
