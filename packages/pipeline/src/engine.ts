import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AudioAnalysis,
  type BeatframeConfig,
  BeatframeError,
  type Clip,
  type ClipRequest,
  type ClipReview,
  type Crew,
  type CrewMode,
  type DecisionSink,
  type EvaluationReport,
  type ImageProvider,
  InputError,
  type Logger,
  type PluginContext,
  ProjectOptions,
  ProviderError,
  type ProviderJobRef,
  produceAtomic,
  type Renderer,
  type RenderResult,
  Revision,
  type Shot,
  type Song,
  STAGES,
  type StageName,
  type Storyboard,
  scrubSecrets,
  type Timeline,
  userMessage,
  type VideoProvider,
  writeFileAtomic,
} from '@beatframe/core';
import { assets, type Database, decisions, projects, providerJobs, shots, stages } from '@beatframe/db';
import { applyRevisions, planRevisions } from '@beatframe/evaluate';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { fromPglite, PgBoss } from 'pg-boss';
import { applyFailureDecision } from './apply-failure.js';
import { checkBudgetAlerts, refundSpend, reserveSpend, utcDay } from './budget.js';
import { estimateRange } from './ceiling.js';
import { chainShot, existingKeyframe } from './chaining.js';
import { carryNotes, clipRequestOf, halfSide, recordRequestNotes, takesSeed } from './clip-request.js';
import { continuityOf } from './continuity.js';
import { coverArtSummary, withCoverArt } from './cover-reference.js';
import type { CrewExtras, IngestInput, StageDeps } from './deps.js';
import { recordEstimate } from './estimate-stage.js';
import type { EventBus } from './events.js';
import { decideOnFailure } from './failure-policy.js';
import { lastFreeRecut } from './free-recut.js';
import {
  keyframePath,
  keyframesMade,
  makeKeyframes,
  rerollKeyframe,
  StillsPaused,
  stillsPrice,
  type UserReference,
} from './keyframes.js';
import { bookFailedJobAtZero, paidTwin, requestDigest } from './ledger.js';
import { RateLimiter } from './rate.js';
import { reviewRetake } from './retake-gate.js';
import type { CostEstimate, RerollResult, ShotStatus, StoryboardView } from './service.js';
import { type Lease, ProviderSlots } from './slots.js';
import { StepClock, type StepTime } from './step-clock.js';
import { type GateInput, storyboardGate, storyboardPhase, videoRange } from './storyboard-gate.js';
import { sleep } from './util.js';
import { keepVersion } from './versions.js';

export const STAGE_QUEUE = 'beatframe-stage';
export const SHOT_QUEUE = 'beatframe-shot';

type ProjectRow = typeof projects.$inferSelect;
type ShotRow = typeof shots.$inferSelect;
type StageJob = { projectId: string; stage: StageName };
type ShotJob = { projectId: string; shotId: string; attempt: number };

export { APPROVE_ANY } from './ceiling.js';

const EPS = 1e-9;
/** Added to a shot's prompt when its clip is made again because it left its keyframe. */
export const CONTINUITY_CUE =
  'Hold the start image: the same subject, face, wardrobe, colours, light and framing as its first frame.';
/** The renderer of a preview: the fastest one (ffmpeg filter graphs, 2–4× real time at 720p). */
export const PREVIEW_RENDERER = 'ffmpeg';

/** A preview's timeline: the same cut at half the size (even sides, as H.264 yuv420p needs). */
export function previewTimeline(timeline: Timeline): Timeline {
  return { ...timeline, width: halfSide(timeline.width), height: halfSide(timeline.height) };
}
const MAX_SUBMIT_RETRIES = 5;
const MAX_POLL_ERRORS = 8;
/** Rate limits that say when to come back: a per-minute storm must finish unattended. */
const MAX_RATE_LIMIT_RETRIES = 30;
/** How often a shot waiting for another shot's identical request looks again. */
const TWIN_WAIT_SEC = 2;

export interface EngineSettings {
  /** Poll interval per provider, ms (config providers.<name>.pollIntervalMs, default 2000). */
  pollIntervalMs?: number;
  /** Base of the exponential retry backoff, seconds. */
  retryBaseSec?: number;
  fetch?: typeof fetch;
}

type StageResult =
  | { kind: 'done'; output: unknown }
  /** Work continues elsewhere (shot jobs); whoever finishes it advances the project. */
  | { kind: 'waiting' }
  /** The stage moved the project itself (paused, or back to an earlier stage). */
  | { kind: 'moved' };

interface StageCtx {
  project: ProjectRow;
  options: ProjectOptions;
  dir: string;
  logger: Logger;
  signal: AbortSignal;
  decisions: DecisionSink;
  plugin: PluginContext;
  progress(fraction: number, label?: string): void;
}

/** The pg-boss instance on either driver: PGlite through pg-boss's adapter, PostgreSQL by URL. */
export async function startBoss(
  database: Database,
  logger: Logger,
  worker: boolean,
  /** Run pg-boss's cron monitor: only a deployment with a periodic job (key rotation) needs it. */
  cron = false,
): Promise<PgBoss> {
  // LISTEN/NOTIFY wakes workers the moment a job is sent, instead of at the next poll.
  const common = { schema: 'pgboss', supervise: worker, schedule: cron, useListenNotify: true } as const;
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(database.pglite!), backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: database.databaseUrl!, max: 4 });
  boss.on('error', (err: Error) => logger.warn({ err: err.message }, 'job queue error'));
  await boss.start();
  for (const name of [STAGE_QUEUE, SHOT_QUEUE]) {
    // stately: one queued and one active job per key, so a project stage or a shot never runs twice at once.
    await boss.createQueue(name, {
      policy: 'stately',
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 6 * 3600,
      heartbeatSeconds: 30,
      notify: true,
    });
  }
  return boss;
}

/** The durable state machine: stage jobs, shot jobs, and what moves a project from one to the next. */
export class Engine {
  private readonly db;
  private readonly crews = new Map<CrewMode, Promise<Crew>>();
  private readonly providers = new Map<string, Promise<VideoProvider>>();
  private readonly renderers = new Map<string, Promise<Renderer>>();
  private readonly running = new Map<string, Set<AbortController>>();
  private readonly rate = new RateLimiter();
  private thumbQueue: Promise<unknown> = Promise.resolve();
  readonly slots: ProviderSlots;

  constructor(
    readonly database: Database,
    readonly boss: PgBoss,
    readonly bus: EventBus,
    readonly config: BeatframeConfig,
    readonly logger: Logger,
    readonly env: Record<string, string | undefined>,
    readonly deps: StageDeps,
    readonly settings: EngineSettings = {},
  ) {
    this.db = database.db;
    this.slots = new ProviderSlots(database);
  }

  /** Waits for background work (thumbnails) before the database closes. */
  async drain(): Promise<void> {
    await this.thumbQueue.catch(() => {});
  }

  projectDir(id: string): string {
    return join(this.config.dataDir, 'projects', id);
  }

  // ---------- plugins (cached per process) ----------

  /** Lets providers release what they hold open (a web provider's browser). */
  async closeProviders(): Promise<void> {
    const all = await Promise.all([...this.providers.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(all.map((p) => p?.close?.().catch(() => {})));
  }

  provider(name: string): Promise<VideoProvider> {
    let p = this.providers.get(name);
    if (!p) {
      p = this.deps.provider(name, this.config);
      p.catch(() => this.providers.delete(name));
      this.providers.set(name, p);
    }
    return p;
  }

  /** The image model keyframes come from: only when keyframes are on and the video model starts from a still. */
  private async keyframeImages(
    options: ProjectOptions,
    video: VideoProvider,
  ): Promise<ImageProvider | undefined> {
    if (options.keyframes === false || !video.capabilities.imageToVideo || !this.deps.imageProvider)
      return undefined;
    return options.imageProvider
      ? this.deps.imageProvider(options.imageProvider, this.config)
      : this.deps.imageProvider(options.provider, this.config, { byDefault: true });
  }

  private crew(mode: CrewMode): Promise<Crew> {
    let c = this.crews.get(mode);
    if (!c) {
      c = this.deps.crew(mode, { logger: this.logger, env: this.env, config: this.config });
      c.catch(() => this.crews.delete(mode));
      this.crews.set(mode, c);
    }
    return c;
  }

  private renderer(name: string): Promise<Renderer> {
    let r = this.renderers.get(name);
    if (!r) {
      r = this.deps.renderer(name, this.config);
      r.catch(() => this.renderers.delete(name));
      this.renderers.set(name, r);
    }
    return r;
  }

  private providerSetting(name: string, key: string): unknown {
    return this.config.providers[name]?.[key];
  }

  // ---------- rows ----------

  async projectRow(id: string): Promise<ProjectRow | undefined> {
    const [row] = await this.db.select().from(projects).where(eq(projects.id, id));
    return row;
  }

  async shotRows(projectId: string): Promise<ShotRow[]> {
    return this.db.select().from(shots).where(eq(shots.projectId, projectId)).orderBy(asc(shots.index));
  }

  async stageOutput<T>(projectId: string, stage: StageName): Promise<T> {
    const [row] = await this.db
      .select({ output: stages.output })
      .from(stages)
      .where(and(eq(stages.projectId, projectId), eq(stages.name, stage)));
    if (row?.output == null) throw new BeatframeError(`the ${stage} stage has no output yet`);
    return row.output as T;
  }

  private async setStage(projectId: string, stage: StageName, patch: Partial<typeof stages.$inferInsert>) {
    await this.db
      .update(stages)
      .set(patch)
      .where(and(eq(stages.projectId, projectId), eq(stages.name, stage)));
  }

  private async setShot(projectId: string, shotId: string, patch: Partial<typeof shots.$inferInsert>) {
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

  async setProjectStatus(id: string, status: ProjectRow['status'], reason?: string | null): Promise<void> {
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

  decisionSink(projectId: string, stage?: StageName): DecisionSink {
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

  // ---------- queue ----------

  async enqueueStage(projectId: string, stage: StageName, startAfterSec?: number): Promise<void> {
    await this.boss.send(STAGE_QUEUE, { projectId, stage } satisfies StageJob, {
      singletonKey: `${projectId}:${stage}`,
      ...(startAfterSec ? { startAfter: Math.ceil(startAfterSec) } : {}),
    });
  }

  async enqueueShot(
    projectId: string,
    shot: Pick<ShotRow, 'id' | 'attempt'>,
    provider: string,
    startAfterSec?: number,
  ) {
    await this.boss.send(
      SHOT_QUEUE,
      { projectId, shotId: shot.id, attempt: shot.attempt } satisfies ShotJob,
      {
        singletonKey: `${projectId}:${shot.id}`,
        group: { id: provider, tier: provider },
        ...(startAfterSec ? { startAfter: Math.ceil(startAfterSec) } : {}),
      },
    );
  }

  /** Moves the project from `from` to the next stage, once, however many workers try. */
  async advance(projectId: string, from: StageName): Promise<void> {
    const next = STAGES[STAGES.indexOf(from) + 1];
    if (!next) return;
    const moved = await this.db
      .update(projects)
      .set({ stage: next, updatedAt: new Date().toISOString() })
      .where(and(eq(projects.id, projectId), eq(projects.stage, from)))
      .returning({ id: projects.id });
    if (moved.length) await this.enqueueStage(projectId, next);
  }

  /** Goes back to an earlier stage (review or evaluation asked for new clips). */
  private async moveBack(projectId: string, from: StageName, to: StageName): Promise<void> {
    const reset = STAGES.slice(STAGES.indexOf(to), STAGES.indexOf(from) + 1);
    await this.db
      .update(stages)
      .set({ status: 'pending', progress: 0, output: null, error: null })
      .where(and(eq(stages.projectId, projectId), inArray(stages.name, reset)));
    const moved = await this.db
      .update(projects)
      .set({ stage: to, updatedAt: new Date().toISOString() })
      .where(and(eq(projects.id, projectId), eq(projects.stage, from)))
      .returning({ id: projects.id });
    if (moved.length) await this.enqueueStage(projectId, to);
  }

  /** After a failing evaluation: the next iteration round starts again from `to`. */
  private async startNextRound(projectId: string, to: StageName): Promise<void> {
    await this.db
      .update(projects)
      .set({ round: sql`${projects.round} + 1` } as never)
      .where(eq(projects.id, projectId));
    await this.moveBack(projectId, 'evaluate', to);
  }

  /**
   * The re-cuts and transition changes earlier evaluation rounds asked for, applied in round order to a
   * freshly built timeline. One that no longer fits (its cut moved when a shot was regenerated) is skipped.
   */
  private async applyTimelineRevisions(ctx: StageCtx, built: Timeline): Promise<Timeline> {
    const dir = join(ctx.dir, 'revisions');
    const files = existsSync(dir)
      ? (await readdir(dir)).filter((f) => /^round-\d+\.json$/.test(f)).sort()
      : [];
    let timeline = built;
    for (const file of files) {
      if (Number(file.slice(6, -5)) >= ctx.project.round) continue;
      const revisions = Revision.array().parse(JSON.parse(await readFile(join(dir, file), 'utf8')));
      for (const r of revisions) {
        if (r.kind === 'regenerate') continue;
        const next = applyRevisions(timeline, [r]);
        const applied = JSON.stringify(next) !== JSON.stringify(timeline);
        timeline = next;
        await ctx.decisions.record({
          stage: 'edit',
          role: 'pipeline',
          ...(r.shotId ? { shotId: r.shotId } : {}),
          summary: `${applied ? 'applied' : 'skipped (no longer fits the timeline)'} ${r.kind} on ${r.itemId} from ${file.slice(0, -5)}: ${r.reason}`,
          output: r,
        });
      }
    }
    return timeline;
  }

  /** Re-sends the job each unfinished project needs (after a crash, a restart, or on resume). */
  async kick(projectId: string): Promise<void> {
    const p = await this.projectRow(projectId);
    if (!p || !['queued', 'running'].includes(p.status)) return;
    await this.enqueueStage(p.id, p.stage as StageName);
  }

  private track(projectId: string, ac: AbortController): () => void {
    let set = this.running.get(projectId);
    if (!set) {
      set = new Set();
      this.running.set(projectId, set);
    }
    set.add(ac);
    return () => set.delete(ac);
  }

  abortProject(projectId: string): void {
    for (const ac of this.running.get(projectId) ?? []) ac.abort();
  }

  /** Projects with a stage or shot running in this process (what a graceful stop hands back). */
  activeProjects(): string[] {
    return [...this.running].filter(([, set]) => set.size > 0).map(([id]) => id);
  }

  /** Aborts everything running in this process (a graceful stop whose grace period is over). */
  abortAll(): void {
    for (const id of this.running.keys()) this.abortProject(id);
  }

  /** Resolves once no job of the project runs in this process any more (or after `timeoutMs`). */
  async idle(projectId: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.running.get(projectId)?.size ?? 0) > 0 && Date.now() < until) await sleep(50);
    await this.drain();
  }

  private isLive(p: ProjectRow | undefined): p is ProjectRow {
    return !!p && (p.status === 'queued' || p.status === 'running');
  }

  // ---------- stage jobs ----------

  async runStageJob(job: StageJob, retryCount: number): Promise<void> {
    let p = await this.projectRow(job.projectId);
    if (!this.isLive(p) || p.stage !== job.stage) return; // stale or stopped: nothing to do
    if (p.status === 'queued') {
      await this.setProjectStatus(p.id, 'running');
      p = { ...p, status: 'running' };
    }
    const [stageRow] = await this.db
      .select()
      .from(stages)
      .where(and(eq(stages.projectId, p.id), eq(stages.name, job.stage)));
    if (stageRow?.status === 'done' && stageRow.output != null) {
      await this.advance(p.id, job.stage); // idempotent: its outputs exist
      return;
    }
    const logger = this.logger.child({ projectId: p.id, stage: job.stage });
    const ac = new AbortController();
    const untrack = this.track(p.id, ac);
    const decisionsSink = this.decisionSink(p.id, job.stage);
    const options = ProjectOptions.parse(p.options);
    const projectId = p.id;
    const clock = new StepClock();
    const ctx: StageCtx = {
      project: p,
      options,
      dir: this.projectDir(p.id),
      logger,
      signal: ac.signal,
      decisions: decisionsSink,
      plugin: { logger, signal: ac.signal, decisions: decisionsSink, env: this.env },
      progress: (fraction, label) => {
        clock.mark(label);
        // Stored at the pace events go out (every 300 ms), not at every frame a renderer reports.
        void this.bus
          .progress(`${projectId}:${job.stage}`, fraction, {
            type: 'stage',
            projectId,
            stage: job.stage,
            status: 'running',
            progress: fraction,
            ...(label ? { label } : {}),
          })
          .then((sent) =>
            sent
              ? this.setStage(projectId, job.stage, { progress: Math.max(0, Math.min(1, fraction)) })
              : undefined,
          );
      },
    };
    await this.setStage(p.id, job.stage, {
      status: 'running',
      error: null,
      runs: sql`${stages.runs} + 1`,
      startedAt: new Date().toISOString(),
    } as never);
    await this.bus.publish({ type: 'stage', projectId, stage: job.stage, status: 'running', progress: 0 });
    logger.info(`stage ${job.stage} started`);
    try {
      const result = await this.stageFns[job.stage](ctx);
      if (result.kind === 'done') {
        // A person may have sent the project back meanwhile (regenerate, replace): then this output is stale.
        const now = await this.projectRow(projectId);
        if (!this.isLive(now) || now.stage !== job.stage) return;
        await this.finishStage(projectId, job.stage, result.output, logger, clock.steps());
      }
    } catch (err) {
      const now = await this.projectRow(projectId);
      if (ac.signal.aborted || !this.isLive(now)) return; // cancelled or paused meanwhile
      const message = userMessage(err);
      const userCaused = err instanceof BeatframeError && err.exitCode === 2;
      await this.setStage(projectId, job.stage, { error: message });
      if (!userCaused && retryCount < 2) {
        logger.warn({ err: message, retryCount }, `stage ${job.stage} failed; it will be retried`);
        throw err; // pg-boss retries with backoff
      }
      logger.error({ err: message }, `stage ${job.stage} failed`);
      await this.setStage(projectId, job.stage, { status: 'failed', finishedAt: new Date().toISOString() });
      await this.bus.publish({ type: 'stage', projectId, stage: job.stage, status: 'failed', progress: 0 });
      await this.failProject(projectId, `${job.stage}: ${message}`);
    } finally {
      untrack();
    }
  }

  private async finishStage(
    projectId: string,
    stage: StageName,
    output: unknown,
    logger: Logger,
    steps: StepTime[] = [],
  ): Promise<void> {
    await this.setStage(projectId, stage, {
      status: 'done',
      progress: 1,
      output: (scrubSecrets(output) ?? {}) as object,
      finishedAt: new Date().toISOString(),
    });
    await this.bus.publish({
      type: 'stage',
      projectId,
      stage,
      status: 'done',
      progress: 1,
      ...(steps.length ? { steps } : {}),
    });
    logger.info(steps.length ? { steps } : {}, `stage ${stage} done`);
    await this.advance(projectId, stage);
  }

  async failProject(projectId: string, reason: string): Promise<void> {
    await this.setProjectStatus(projectId, 'failed', reason);
    await this.bus.publish({ type: 'failed', projectId, error: reason });
  }

  async pauseProject(projectId: string, reason: string): Promise<void> {
    const p = await this.projectRow(projectId);
    if (!this.isLive(p)) return;
    this.logger.warn({ projectId, reason }, 'project paused');
    await this.setProjectStatus(projectId, 'paused', reason);
    await this.bus.publish({ type: 'log', projectId, level: 'warn', message: `paused: ${reason}` });
  }

  private readonly stageFns: Record<StageName, (ctx: StageCtx) => Promise<StageResult>> = {
    ingest: async (ctx) => {
      const input = ctx.project.input as IngestInput;
      const song = await this.deps.ingest(input, {
        destDir: join(ctx.dir, 'song'),
        signal: ctx.signal,
        logger: ctx.logger,
        config: this.config,
      });
      await this.addAsset(ctx.project.id, 'song', song.audioPath);
      return { kind: 'done', output: song };
    },
    analyze: async (ctx) => {
      const song = await this.stageOutput<Song>(ctx.project.id, 'ingest');
      const analysis = await this.deps.analyze(song, {
        signal: ctx.signal,
        logger: ctx.logger,
        onProgress: (f) => ctx.progress(f),
        decisions: ctx.decisions,
      });
      return { kind: 'done', output: analysis };
    },
    plan: async (ctx) => {
      const input = await this.planInput(ctx);
      const crew = await this.crew(ctx.options.crew);
      const storyboard = await crew.plan(input, ctx.plugin);
      return { kind: 'done', output: storyboard };
    },
    prompt: async (ctx) => {
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
    },
    generate: async (ctx) => {
      const p = (await this.projectRow(ctx.project.id))!;
      const rows = await this.shotRows(p.id);
      // The gate before any paid generation: the stills first, then one approval of the storyboard and its cost.
      if ((await this.storyboardStep(ctx, p, rows)) === 'paused') return { kind: 'moved' };
      for (const s of rows) {
        if (s.status === 'generated' || s.status === 'accepted' || s.status === 'failed') continue;
        if (s.status === 'paused') await this.setShot(p.id, s.id, { status: 'pending' });
        await this.enqueueShot(p.id, s, ctx.options.provider);
      }
      await this.maybeFinishGenerate(p.id);
      return { kind: 'waiting' };
    },
    review: async (ctx) => {
      const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(ctx.project.id, 'prompt');
      const crew = await this.crew(ctx.options.crew);
      const rows = await this.shotRows(ctx.project.id);
      const toReview = rows.filter((r) => r.status === 'generated');
      // The editor checks each clip against what was asked of the provider, and may ask for a remix.
      const provider = await this.provider(ctx.options.provider);
      const canRemix = provider.capabilities.remix && typeof provider.remix === 'function';
      const again: string[] = [];
      const probed: string[] = [];
      let i = 0;
      for (const row of toReview) {
        ctx.progress(i++ / Math.max(1, toReview.length), `review: ${row.id}`);
        const clip = row.clip as Clip;
        const shot = { ...(row.shot as Shot), prompt: row.prompt };
        // A worker that died before making a clip's thumbnail left it to this stage.
        if (!row.thumbnailPath || !existsSync(row.thumbnailPath))
          await this.shotThumbnail(ctx.project.id, row.id, row.attempt, clip).catch((err) =>
            ctx.logger.warn({ err: userMessage(err) }, 'no thumbnail for the clip'),
          );
        const asked = this.clipRequest(provider, ctx.options, row);
        const [width, height] = asked.size.split('x').map(Number);
        // Deterministic clips are ffprobe-verified at download (size, length): a new take of the same
        // request is the same clip, so sampling frames and a review (~2 s a clip) cannot improve them.
        if (
          provider.capabilities.deterministic &&
          clip.width === width &&
          clip.height === height &&
          Math.abs(clip.durationSec - asked.seconds) < 0.5
        ) {
          await this.setShot(ctx.project.id, row.id, { status: 'accepted' });
          probed.push(row.id);
          continue;
        }
        const framePaths = await this.extractFrames(
          clip,
          join(ctx.dir, 'frames', `${row.id}-a${row.attempt}`),
        );
        const review = await crew.review(
          {
            shot,
            clip,
            storyboard,
            framePaths,
            attempt: row.attempt,
            maxAttempts: ctx.options.maxAttemptsPerShot,
            // A hand-supplied clip is what the user chose: the compositor fits it, a new take would not differ.
            ...(provider.name === 'manual'
              ? {}
              : {
                  expected: {
                    width,
                    height,
                    seconds: asked.seconds,
                    maxPromptChars: provider.capabilities.maxPromptChars,
                  },
                }),
            canRemix,
          },
          { ...ctx.plugin, logger: ctx.logger.child({ shotId: row.id }) },
        );
        const judged = await this.judgeContinuity(ctx, provider, row, clip, review);
        const verdict = reviewRetake(judged, {
          attempt: row.attempt,
          maxAttempts: ctx.options.maxAttemptsPerShot,
          clipUsd: provider.capabilities.usdFor(asked),
        });
        if (verdict.retake) {
          again.push(row.id);
          await this.setShot(ctx.project.id, row.id, {
            status: 'pending',
            prompt: judged.prompt ?? row.prompt,
            attempt: row.attempt + 1,
            retries: 0,
            progress: 0,
            error: null,
          });
        } else {
          if (judged.action !== 'accept')
            await ctx.decisions.record({
              role: 'pipeline',
              shotId: row.id,
              summary: `kept ${row.id} although the editor asked to ${judged.action}${judged === review ? '' : ` (${judged.reasons.join('; ')})`}: ${verdict.why}`,
            });
          await this.setShot(ctx.project.id, row.id, { status: 'accepted' });
        }
      }
      if (probed.length)
        await ctx.decisions.record({
          role: 'editor',
          summary: `accepted ${probed.length} ${provider.name} clip(s) on their ffprobe check alone (deterministic: a new take would be the same clip)`,
          output: { shots: probed },
        });
      if (again.length) {
        ctx.logger.info({ shots: again }, `review: ${again.length} shot(s) to generate again`);
        await this.moveBack(ctx.project.id, 'review', 'generate');
        return { kind: 'moved' };
      }
      return { kind: 'done', output: { accepted: toReview.length } };
    },
    edit: async (ctx) => {
      const song = await this.stageOutput<Song>(ctx.project.id, 'ingest');
      const analysis = await this.stageOutput<AudioAnalysis>(ctx.project.id, 'analyze');
      const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(ctx.project.id, 'prompt');
      const rows = await this.shotRows(ctx.project.id);
      const clips = rows
        .filter((r) => r.status === 'accepted' && r.clip)
        .map((r) => ({ ...(r.clip as Clip), shotId: r.id }));
      if (!clips.length) throw new BeatframeError('no clip to edit: every shot failed');
      const built = await this.deps.buildTimeline(
        { song, analysis, storyboard, clips, options: ctx.options },
        ctx.plugin,
      );
      const timeline = await this.applyTimelineRevisions(ctx, built);
      const path = join(ctx.dir, 'timeline.json');
      await writeFileAtomic(path, JSON.stringify(timeline, null, 2));
      await this.addAsset(ctx.project.id, 'timeline', path);
      return { kind: 'done', output: { timeline, path } };
    },
    render: async (ctx) => {
      const { timeline: cut } = await this.stageOutput<{ timeline: Timeline }>(ctx.project.id, 'edit');
      const preview = ctx.options.preview;
      const renderer = await this.renderer(preview ? PREVIEW_RENDERER : ctx.options.renderer);
      const timeline = preview ? previewTimeline(cut) : cut;
      if (preview)
        await ctx.decisions.record({
          role: 'pipeline',
          summary: `preview: the cut rendered by ${PREVIEW_RENDERER} at ${timeline.width}x${timeline.height} (the final render, ${ctx.options.renderer} at ${cut.width}x${cut.height}, on request)`,
        });
      const out = join(ctx.dir, 'render', `${preview ? 'preview' : 'video'}-r${ctx.project.round}.mp4`);
      const result = await produceAtomic(out, (tmp) =>
        renderer.render(timeline, tmp, {
          ...ctx.plugin,
          workDir: join(ctx.dir, 'render', 'work'),
          onProgress: (f, label) => ctx.progress(f, label),
        }),
      );
      await this.addAsset(ctx.project.id, 'video', out);
      return { kind: 'done', output: { ...result, path: out } satisfies RenderResult };
    },
    evaluate: async (ctx) => {
      const song = await this.stageOutput<Song>(ctx.project.id, 'ingest');
      const analysis = await this.stageOutput<AudioAnalysis>(ctx.project.id, 'analyze');
      const { timeline } = await this.stageOutput<{ timeline: Timeline }>(ctx.project.id, 'edit');
      const render = await this.stageOutput<RenderResult>(ctx.project.id, 'render');
      const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(ctx.project.id, 'prompt');
      let report: EvaluationReport;
      try {
        report = await this.deps.evaluate(
          {
            videoPath: render.path,
            songPath: song.audioPath,
            analysis,
            timeline,
            storyboard,
            song,
            outDir: join(ctx.dir, `evaluation-r${ctx.project.round}`),
            round: ctx.project.round,
            onProgress: (f, label) => ctx.progress(f, label),
            // The offline crew means offline: no frame goes to a vision model, whatever keys are set.
            ...(ctx.options.crew === 'heuristic' ? { vision: false as const } : {}),
          },
          ctx.plugin,
        );
      } catch (err) {
        // A video that cannot be measured is still a video: deliver it, say why it was not scored.
        ctx.logger.warn({ err: userMessage(err) }, 'evaluation failed; delivering without a score');
        return { kind: 'done', output: { skipped: userMessage(err) } };
      }
      await writeFileAtomic(
        join(ctx.dir, `evaluation-r${ctx.project.round}.json`),
        JSON.stringify(report, null, 2),
      );
      if (!report.passed && ctx.project.round < ctx.options.maxRounds) {
        // Cheap fixes first: re-cuts onto the beat and changed transitions need no new clips. Stored per
        // round (overwritten if this stage runs again after a crash), applied by every later edit.
        const timelineFixes = (
          await planRevisions(
            report,
            { timeline, analysis, round: ctx.project.round, maxRounds: ctx.options.maxRounds },
            ctx.plugin,
          )
        ).filter((r) => r.kind !== 'regenerate');
        if (timelineFixes.length)
          await writeFileAtomic(
            join(ctx.dir, 'revisions', `round-${String(ctx.project.round).padStart(3, '0')}.json`),
            JSON.stringify(timelineFixes, null, 2),
          );
        const rows = await this.shotRows(ctx.project.id);
        const crew = (await this.crew(ctx.options.crew)) as Crew & CrewExtras;
        let redo: Array<{ shotId: string; prompt?: string }>;
        if (crew.proposeRevisions) {
          const revisions = await crew.proposeRevisions(
            { report, storyboard, shots: rows.map((r) => ({ ...(r.shot as Shot), prompt: r.prompt })) },
            ctx.plugin,
          );
          redo = revisions.flatMap((r) =>
            r.kind === 'regenerate' && r.shotId
              ? [{ shotId: r.shotId, ...(r.prompt ? { prompt: r.prompt } : {}) }]
              : [],
          );
        } else {
          redo = [...new Set(report.issues.flatMap((i) => (i.shotId ? [i.shotId] : [])))].map((shotId) => ({
            shotId,
          }));
        }
        redo = redo.filter((r) => rows.some((row) => row.id === r.shotId));
        if (redo.length) {
          await ctx.decisions.record({
            role: 'pipeline',
            summary: `evaluation scored ${report.score.toFixed(2)} (did not pass): round ${ctx.project.round + 1} regenerates ${redo.map((r) => r.shotId).join(', ')}`,
            output: { score: report.score, shots: redo },
          });
          for (const r of rows) {
            const want = redo.find((x) => x.shotId === r.id);
            if (want)
              await this.setShot(ctx.project.id, r.id, {
                status: 'pending',
                attempt: r.attempt + 1,
                retries: 0,
                progress: 0,
                ...(want.prompt ? { prompt: want.prompt } : {}),
              });
          }
          await this.startNextRound(ctx.project.id, 'generate');
          return { kind: 'moved' };
        }
        if (timelineFixes.length) {
          await ctx.decisions.record({
            role: 'pipeline',
            summary: `evaluation scored ${report.score.toFixed(2)} (did not pass): round ${ctx.project.round + 1} re-edits with ${timelineFixes.length} timeline revision(s), no new clips`,
            output: { score: report.score, revisions: timelineFixes },
          });
          await this.startNextRound(ctx.project.id, 'edit');
          return { kind: 'moved' };
        }
      }
      const freeFixes = await lastFreeRecut(
        report,
        { timeline, analysis, round: ctx.project.round, maxRounds: ctx.options.maxRounds, dir: ctx.dir },
        ctx.plugin,
      );
      if (freeFixes.length) {
        await ctx.decisions.record({
          role: 'pipeline',
          summary: `evaluation scored ${report.score.toFixed(2)} (did not pass): no round left for new clips; round ${ctx.project.round + 1} re-edits with ${freeFixes.length} free timeline revision(s)`,
          output: { score: report.score, revisions: freeFixes },
        });
        await this.startNextRound(ctx.project.id, 'edit');
        return { kind: 'moved' };
      }
      if (!report.passed)
        await ctx.decisions.record({
          role: 'pipeline',
          summary: `evaluation scored ${report.score.toFixed(2)} (did not pass); ${ctx.project.round >= ctx.options.maxRounds ? `no rounds left (max ${ctx.options.maxRounds})` : 'no shot to generate again was proposed'}: delivering this cut`,
          output: { score: report.score },
        });
      return { kind: 'done', output: report };
    },
    deliver: async (ctx) => {
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
    },
  };

  /** Every delivered cut stays watchable and restorable (versions/v<n>.mp4); a failure here only warns. */
  private async keepDeliveredVersion(ctx: StageCtx, out: string, thumb: string, renderPath: string) {
    const score = await this.stageOutput<{ score?: number }>(ctx.project.id, 'evaluate').catch(
      () => undefined,
    );
    await keepVersion(ctx.dir, out, thumb, {
      renderPath,
      round: ctx.project.round,
      ...(typeof score?.score === 'number' ? { score: score.score } : {}),
    }).catch((err) => ctx.logger.warn({ err: userMessage(err) }, 'could not keep this cut as a version'));
  }

  private async planInput(ctx: StageCtx) {
    const song = await this.stageOutput<Song>(ctx.project.id, 'ingest');
    const analysis = await this.stageOutput<AudioAnalysis>(ctx.project.id, 'analyze');
    const provider = await this.provider(ctx.options.provider);
    return {
      song,
      analysis,
      options: ctx.options,
      provider: { name: provider.name, capabilities: provider.capabilities },
    };
  }

  private async addAsset(projectId: string, kind: string, path: string, shotId?: string): Promise<void> {
    const bytes = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    await this.db
      .insert(assets)
      .values({ projectId, kind, path, shotId: shotId ?? null, bytes })
      .onConflictDoNothing();
  }

  // ---------- costs ----------

  clipRequest(
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

  /**
   * Books a still before it is bought, once: a still whose booking is in the ledger but whose file never came
   * (a worker killed while the vendor answered, a stage retried after an error) keeps that booking, so a restart
   * neither books it twice nor eats into an approval that covered the stills exactly.
   */
  private async reserveStill(
    projectId: string,
    provider: string,
    usd: number,
    purpose: string,
    logger: Logger,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    const [booked] = await this.database.query<{ usd: number }>(
      'SELECT usd FROM costs WHERE project_id = $1 AND shot_id = $2 AND usd > 0 LIMIT 1',
      [projectId, purpose],
    );
    if (booked) {
      logger.info({ purpose, usd: Number(booked.usd) }, 'the still is booked already: not booked again');
      return { ok: true };
    }
    const r = await reserveSpend(this.database, this.config.budget, {
      projectId,
      shotId: purpose,
      attempt: 1,
      provider,
      usd,
    });
    return r.ok ? { ok: true } : { ok: false, reason: r.reason };
  }

  /**
   * The editor's continuity check (continuity.ts): a clip made from its keyframe whose first frames drifted from
   * it is sent back to be made again from the keyframe, with words that hold it to the start image (so a seedless
   * model's retake is not the identical request). The retake then goes through the one-retake rule and the budget.
   */
  private async judgeContinuity(
    ctx: StageCtx,
    provider: VideoProvider,
    row: ShotRow,
    clip: Clip,
    review: ClipReview,
  ): Promise<ClipReview> {
    const keyframe = keyframePath(ctx.dir, row.id);
    if (
      review.action !== 'accept' ||
      ctx.options.keyframes === false ||
      !provider.capabilities.imageToVideo ||
      provider.name === 'manual' ||
      !existsSync(keyframe)
    )
      return review;
    const check = await continuityOf(keyframe, clip.path).catch((err) => {
      ctx.logger.warn({ err: userMessage(err) }, 'continuity could not be measured');
      return undefined;
    });
    if (!check) return review;
    await ctx.decisions.record({
      role: 'editor',
      shotId: row.id,
      summary: `continuity of ${row.id} (attempt ${row.attempt}): its first frames are ${check.distance} from its keyframe (threshold ${check.threshold}, colour histogram and 32x18 thumbnail): ${check.drifted ? 'drifted, to be made again from the keyframe' : 'holds'}`,
      output: check,
    });
    if (!check.drifted) return review;
    return {
      ...review,
      action: 'regenerate',
      reasons: [`drifted from its keyframe (distance ${check.distance} > ${check.threshold})`],
      prompt: row.prompt.includes(CONTINUITY_CUE) ? row.prompt : `${row.prompt} ${CONTINUITY_CUE}`,
    };
  }

  /** The user's references, and the song's cover art as a style reference when its source had one. */
  private async stillRefs(
    projectId: string,
    options: ProjectOptions,
    decisions?: DecisionSink,
  ): Promise<UserReference[]> {
    const song = await this.stageOutput<Song>(projectId, 'ingest').catch(() => undefined);
    const { refs, cover } = withCoverArt(options.refs, song);
    if (cover)
      await decisions?.record({ role: 'pipeline', summary: coverArtSummary(cover), output: { cover } });
    return refs;
  }

  /** What the stills cost so far (reference stills, keyframes and re-rolls), from the ledger. */
  async stillsSpentUsd(projectId: string): Promise<number> {
    const [row] = await this.database.query<{ usd: number | string | null }>(
      `SELECT coalesce(sum(usd), 0) AS usd FROM costs WHERE project_id = $1 AND (shot_id LIKE 'keyframe %' OR shot_id LIKE 'character %')`,
      [projectId],
    );
    return Number(row?.usd ?? 0);
  }

  /** The storyboard gate's facts for a project (storyboard-gate.ts). */
  /** `probe`: keyframes are checked with ffprobe (the stage); a view only looks that their files are there. */
  private async gateInput(p: ProjectRow, options: ProjectOptions, rows: ShotRow[], probe = true) {
    const video = await this.provider(options.provider);
    const image = rows.length ? await this.keyframeImages(options, video) : undefined;
    const prompted = await this.stageOutput<{ estimate?: CostEstimate }>(p.id, 'prompt').catch(
      () => undefined,
    );
    const dir = this.projectDir(p.id);
    return {
      image,
      gate: {
        projectId: p.id,
        provider: options.provider,
        estimateUsd: p.estimateUsd,
        estimateMaxUsd: p.estimateMaxUsd,
        stillsUsd: image ? (prompted?.estimate?.stillsUsd ?? 0) : 0,
        approvedUsd: p.approvedUsd,
        keyframes: !!image,
        stillsMade: !image
          ? true
          : probe
            ? await keyframesMade(
                dir,
                rows.map((r) => r.id),
              )
            : rows.every((r) => existsSync(keyframePath(dir, r.id))),
        stills: rows.length,
        stillsSpentUsd: image ? await this.stillsSpentUsd(p.id) : 0,
      } satisfies GateInput,
    };
  }

  /** Makes the stills when they may be bought, and pauses where a person approves (storyboard-gate.ts). */
  private async storyboardStep(ctx: StageCtx, p: ProjectRow, rows: ShotRow[]): Promise<'go' | 'paused'> {
    let { gate } = await this.gateInput(p, ctx.options, rows);
    let step = storyboardGate(gate);
    if (step.kind === 'make-stills') {
      if ((await this.makeShotKeyframes(ctx, rows)) === 'paused') return 'paused';
      ({ gate } = await this.gateInput((await this.projectRow(p.id))!, ctx.options, rows));
      step = storyboardGate(gate);
    }
    if (step.kind !== 'pause') return 'go';
    await this.db
      .update(projects)
      .set({ approvalNeededUsd: step.approvalNeededUsd })
      .where(eq(projects.id, p.id));
    await this.pauseProject(p.id, step.reason);
    return 'paused';
  }

  /** The storyboard a person approves on: the keyframes, what they cost, the video still to come. */
  async storyboardOf(p: ProjectRow): Promise<StoryboardView | undefined> {
    const options = ProjectOptions.parse(p.options);
    const phase = p.status === 'paused' ? storyboardPhase(p.error) : undefined;
    const dir = this.projectDir(p.id);
    if (options.keyframes === false || (!phase && !existsSync(join(dir, 'keyframes')))) return undefined;
    const rows = await this.shotRows(p.id);
    const { image, gate } = await this.gateInput(p, options, rows, false).catch(() => ({
      image: undefined,
      gate: undefined,
    }));
    if (!image || !gate || !rows[0]) return undefined;
    const video = videoRange(gate);
    const size = this.clipRequest(await this.provider(options.provider), options, rows[0]).size;
    return {
      ...(phase ? { phase } : {}),
      stills: rows.map((r) => {
        const path = keyframePath(dir, r.id);
        return { shotId: r.id, index: r.index, prompt: r.prompt, ...(existsSync(path) ? { path } : {}) };
      }),
      stillsUsd: gate.stillsUsd,
      stillsSpentUsd: gate.stillsSpentUsd,
      rerollUsd: image.capabilities.usdFor({ size }),
      videoUsd: video.firstCutUsd,
      videoMaxUsd: video.upToUsd,
      imageProvider: image.name,
    };
  }

  /**
   * A person re-rolls a still of the storyboard they are approving (a new seed; a new prompt when given, which
   * becomes the shot's). The still's price joins the estimate and, being asked for, the approval; it is booked
   * in the ledger and logged like every still.
   */
  async rerollStill(projectId: string, shotId: string, prompt?: string): Promise<RerollResult> {
    const p = await this.projectRow(projectId);
    if (!p) throw new InputError(`no project with id ${projectId}`);
    if (p.status !== 'paused' || storyboardPhase(p.error) !== 'review')
      throw new InputError(
        `project ${projectId} is not waiting for its storyboard to be approved (it is ${p.status}${p.error ? `: ${p.error.slice(0, 80)}` : ''})`,
      );
    const options = ProjectOptions.parse(p.options);
    const video = await this.provider(options.provider);
    const image = await this.keyframeImages(options, video);
    const [row] = await this.db
      .select()
      .from(shots)
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
    if (!image) throw new InputError(`project ${projectId} makes no keyframes`);
    if (!row) throw new InputError(`project ${projectId} has no shot ${shotId}`);
    const text = prompt?.trim();
    if (prompt !== undefined && !text) throw new InputError('the new prompt is empty');
    const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(projectId, 'prompt');
    const size = this.clipRequest(video, options, row).size;
    const userRefs = await this.stillRefs(projectId, options);
    const price = stillsPrice({ dir: this.projectDir(projectId), storyboard, size, image, userRefs }, [
      { id: shotId, prompt: text ?? row.prompt, description: (row.shot as Shot).description },
    ]);
    const sink = this.decisionSink(projectId, 'generate');
    if (text) await this.setShot(projectId, shotId, { prompt: text });
    await sink.record({
      role: 'person',
      shotId,
      summary: `asked to ${text ? 'remake the still of' : 're-roll the still of'} ${shotId}${text ? ' with a new prompt' : ' (a new seed)'}: $${price.toFixed(2)} added to the estimate and the approval`,
      ...(text ? { output: { prompt: text } } : {}),
    });
    const raise = (usd: number) =>
      this.db
        .update(projects)
        .set({
          estimateUsd: sql`${projects.estimateUsd} + ${usd}`,
          estimateMaxUsd: sql`${projects.estimateMaxUsd} + ${usd}`,
          approvedUsd: sql`CASE WHEN ${projects.approvedUsd} IS NULL THEN NULL ELSE ${projects.approvedUsd} + ${usd} END`,
        } as never)
        .where(eq(projects.id, projectId));
    await raise(price);
    const logger = this.logger.child({ projectId, shotId });
    let result: Awaited<ReturnType<typeof rerollKeyframe>>;
    try {
      result = await rerollKeyframe(
        {
          dir: this.projectDir(projectId),
          storyboard,
          size,
          image,
          userRefs,
          ctx: { logger, decisions: sink, env: this.env },
          reserve: (usd, purpose) => this.reserveStill(projectId, image.name, usd, purpose, logger),
        },
        { id: shotId, prompt: text ?? row.prompt, description: (row.shot as Shot).description },
      );
    } catch (err) {
      await raise(-price);
      if (err instanceof StillsPaused) throw new InputError(`the still was not re-rolled: ${err.message}`);
      throw err;
    }
    if (!(result.usd > 0)) await raise(-price); // a take finished from a stored job was paid before
    // The pause's reason says the storyboard's figures: said again with this still in them.
    const now = (await this.projectRow(projectId))!;
    const { gate } = await this.gateInput(now, options, await this.shotRows(projectId));
    const step = storyboardGate(gate);
    if (step.kind === 'pause') {
      await this.db
        .update(projects)
        .set({ error: step.reason, approvalNeededUsd: step.approvalNeededUsd })
        .where(eq(projects.id, projectId));
    }
    await this.bus.publish({
      type: 'cost',
      projectId,
      spentUsd: now.spentUsd,
      estimateUsd: now.estimateUsd,
      ...(now.maxUsd != null ? { maxUsd: now.maxUsd } : {}),
    });
    return {
      shotId,
      take: result.take,
      seed: result.seed,
      usd: result.usd,
      path: keyframePath(this.projectDir(projectId), shotId),
    };
  }

  /** Look development and keyframes (keyframes.ts), after the approval and before any clip is paid for. */
  private async makeShotKeyframes(ctx: StageCtx, rows: ShotRow[]): Promise<'done' | 'paused' | 'none'> {
    const video = await this.provider(ctx.options.provider);
    const image = await this.keyframeImages(ctx.options, video);
    if (!image || !rows.length) return 'none';
    const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(ctx.project.id, 'prompt');
    const projectId = ctx.project.id;
    try {
      const plan = await makeKeyframes({
        dir: ctx.dir,
        storyboard,
        shots: rows.map((r) => ({ id: r.id, prompt: r.prompt, description: (r.shot as Shot).description })),
        size: this.clipRequest(video, ctx.options, rows[0]!).size,
        image,
        userRefs: await this.stillRefs(projectId, ctx.options, ctx.decisions),
        ctx: ctx.plugin,
        onProgress: (f) => ctx.progress(f * 0.5),
        reserve: (usd, purpose) => this.reserveStill(projectId, image.name, usd, purpose, ctx.logger),
      });
      ctx.logger.info(
        { keyframes: Object.keys(plan.keyframes).length, usd: plan.usd },
        'look development and keyframes ready',
      );
      return 'done';
    } catch (err) {
      if (!(err instanceof StillsPaused)) throw err;
      await this.pauseProject(projectId, err.message);
      return 'paused';
    }
  }

  estimateShots(
    provider: VideoProvider,
    options: ProjectOptions,
    rows: Shot[],
    analysis?: AudioAnalysis,
  ): CostEstimate {
    const prices: number[] = [];
    let seconds = 0;
    // On a seedless model, shots that send the identical request share one paid clip (shareTwinClip).
    const priced = new Set<string>();
    for (const s of rows) {
      const req = this.clipRequest(
        provider,
        options,
        { id: s.id, shot: s, prompt: s.prompt ?? s.description } as ShotRow,
        analysis,
      );
      const digest = requestDigest(req);
      const shared = !takesSeed(provider) && priced.has(digest);
      priced.add(digest);
      prices.push(shared ? 0 : provider.capabilities.usdFor(req));
      seconds += shared ? 0 : req.seconds;
    }
    const range = estimateRange(prices, options);
    return {
      provider: provider.name,
      ...(options.model ? { model: options.model } : {}),
      shots: rows.length,
      seconds,
      usd: range.firstCutUsd,
      upToUsd: range.upToUsd,
      exact: true,
    };
  }

  /** A shot list's estimate plus its reference stills and keyframes, bought first when keyframes will be made. */
  async estimateWithStills(
    provider: VideoProvider,
    options: ProjectOptions,
    rows: Shot[],
    storyboard: Storyboard | undefined,
    analysis?: AudioAnalysis,
    song?: Song,
  ): Promise<CostEstimate> {
    const estimate = this.estimateShots(provider, options, rows, analysis);
    const images = await this.keyframeImages(options, provider);
    if (!images || !rows[0] || !storyboard) return estimate;
    const size = this.clipRequest(provider, options, { id: 'x', shot: rows[0], prompt: 'x' } as ShotRow).size;
    const stillsUsd = stillsPrice(
      { dir: '', storyboard, size, image: images, userRefs: withCoverArt(options.refs, song).refs },
      rows.map((r) => ({ id: r.id, prompt: r.prompt ?? r.description, description: r.description })),
    );
    return {
      ...estimate,
      stillsUsd: Number(stillsUsd.toFixed(4)),
      usd: Number((estimate.usd + stillsUsd).toFixed(4)),
      upToUsd: Number(((estimate.upToUsd ?? estimate.usd) + stillsUsd).toFixed(4)),
    };
  }

  // ---------- shot jobs ----------

  async runShotJob(job: ShotJob): Promise<void> {
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
          // Local generators finish in seconds; remote models take minutes and dislike eager polling.
          (provider.name === 'local' || provider.name === 'manual' ? 500 : 5000),
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
  private async identicalRequestLeader(
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
  private async shareTwinClip(
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

  private readonly analyses = new Map<string, Promise<AudioAnalysis | undefined>>();

  /** The song's analysis, read once per project (every shot's request carries its tempo). */
  private analysisFor(projectId: string): Promise<AudioAnalysis | undefined> {
    let a = this.analyses.get(projectId);
    if (!a) {
      a = this.stageOutput<AudioAnalysis>(projectId, 'analyze').catch(() => undefined);
      this.analyses.set(projectId, a);
      if (this.analyses.size > 100) this.analyses.delete(this.analyses.keys().next().value!);
    }
    return a;
  }

  /** The storyboard the shots were written from (its style bible's "avoid" list is the negative prompt). */
  private storyboardFor(projectId: string): Promise<Storyboard | undefined> {
    return this.stageOutput<{ storyboard: Storyboard }>(projectId, 'prompt').then(
      (o) => o.storyboard,
      () => undefined,
    );
  }

  private backoffMs(n: number): number {
    return Math.min(60_000, (this.settings.retryBaseSec ?? 1) * 1000 * 2 ** Math.max(0, n - 1));
  }

  private async onShotError(
    p: ProjectRow,
    row: ShotRow,
    options: ProjectOptions,
    provider: VideoProvider,
    err: unknown,
    submitted: boolean,
    logger: Logger,
  ): Promise<void> {
    const pe = asProviderError(err);
    logger.warn({ kind: pe.kind, err: pe.message, submitted }, 'shot generation failed');
    await this.bus.publish({
      type: 'log',
      projectId: p.id,
      stage: 'generate',
      level: 'warn',
      message: `${row.id}: ${pe.kind}: ${pe.message}`,
    });
    const decision = decideOnFailure(
      pe,
      {
        attempt: row.attempt,
        retries: row.retries,
        submitted,
        clipUsd: provider.capabilities.usdFor(this.clipRequest(provider, options, row)),
      },
      {
        provider: provider.name,
        maxAttempt: options.maxAttemptsPerShot + 2,
        maxSubmitRetries: MAX_SUBMIT_RETRIES,
        maxRateLimitRetries: MAX_RATE_LIMIT_RETRIES,
        retryBaseSec: this.settings.retryBaseSec ?? 1,
      },
    );
    await this.decisionSink(p.id, 'generate').record({
      role: 'failure-policy',
      shotId: row.id,
      summary: `${row.id} attempt ${row.attempt}: ${pe.kind} → ${decision.action} (${decision.why})`,
      output: { kind: pe.kind, message: pe.message, decision },
    });
    await applyFailureDecision(decision, row, pe, provider.name, {
      setShot: (patch) => this.setShot(p.id, row.id, patch),
      enqueue: (attempt, delaySec) =>
        this.enqueueShot(p.id, { id: row.id, attempt }, provider.name, delaySec),
      finishGenerate: () => this.maybeFinishGenerate(p.id),
      pauseProject: (reason) => this.pauseProject(p.id, reason),
      failProject: (reason) => this.failProject(p.id, reason),
      addScreenshot: (path) => this.addAsset(p.id, 'screenshot', path, row.id),
      revisePrompt: () => this.revisePrompt(p, row, provider, pe.message, logger),
    });
  }

  private async revisePrompt(
    p: ProjectRow,
    row: ShotRow,
    provider: VideoProvider,
    error: string,
    logger: Logger,
  ): Promise<string> {
    const sink = this.decisionSink(p.id, 'generate');
    const crew = (await this.crew(ProjectOptions.parse(p.options).crew).catch(() => undefined)) as
      | (Crew & CrewExtras)
      | undefined;
    if (crew?.revisePromptAfterRefusal) {
      const storyboard = await this.stageOutput<{ storyboard: Storyboard }>(p.id, 'prompt').then(
        (o) => o.storyboard,
        () => undefined,
      );
      try {
        return await crew.revisePromptAfterRefusal(
          {
            shot: row.shot as Shot,
            prompt: row.prompt,
            error,
            maxPromptChars: provider.capabilities.maxPromptChars,
            ...(storyboard ? { storyboard } : {}),
          },
          { logger, decisions: sink, env: this.env },
        );
      } catch (err) {
        logger.warn({ err: userMessage(err) }, 'the crew could not revise the prompt; softening it instead');
      }
    }
    const prompt = softenPrompt(row.prompt);
    await sink.record({
      role: 'pipeline',
      shotId: row.id,
      summary: `the provider refused the prompt (${error}); softened it for attempt ${row.attempt + 1}`,
      output: { prompt },
    });
    return prompt;
  }

  private async budgetAlerts(projectId: string, projectSpent?: number, today?: number, refused = false) {
    const p = await this.projectRow(projectId);
    const cap = this.config.budget.dailyCapUsd;
    const candidates = [];
    if (p?.maxUsd != null)
      candidates.push({
        scope: 'project' as const,
        key: projectId,
        projectId,
        spentUsd: refused ? p.maxUsd : (projectSpent ?? p.spentUsd),
        capUsd: p.maxUsd,
      });
    if (cap !== undefined) {
      const day = utcDay();
      const [row] = await this.database.query<{ usd: number }>('SELECT usd FROM daily_spend WHERE day = $1', [
        day,
      ]);
      const spent = today ?? Number(row?.usd ?? 0);
      // A refusal means the cap is reached for practical purposes, whichever cap it was.
      const atCap = refused && (p?.maxUsd == null || (p.spentUsd ?? 0) + EPS < p.maxUsd);
      candidates.push({
        scope: 'daily' as const,
        key: day,
        projectId,
        spentUsd: atCap ? cap : spent,
        capUsd: cap,
      });
    }
    await checkBudgetAlerts(
      this.database,
      this.config.budget,
      this.logger.child({ projectId }),
      candidates,
      this.settings.fetch,
    );
  }

  private async rateLimit(provider: VideoProvider, signal: AbortSignal): Promise<void> {
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

  /** When every shot is finished, the generate stage is done and the project moves on (once). */
  async maybeFinishGenerate(projectId: string): Promise<void> {
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
      .where(
        and(eq(stages.projectId, projectId), eq(stages.name, 'generate'), sql`${stages.status} <> 'done'`),
      )
      .returning({ name: stages.name });
    if (done.length)
      await this.bus.publish({ type: 'stage', projectId, stage: 'generate', status: 'done', progress: 1 });
    await this.advance(projectId, 'generate');
  }

  // ---------- media helpers ----------

  async shotThumbnail(projectId: string, shotId: string, attempt: number, clip: Clip): Promise<string> {
    const thumb = join(this.projectDir(projectId), 'thumbs', `${shotId}-a${attempt}.jpg`);
    await this.thumbnail(clip.path, thumb, clip.durationSec / 2);
    await this.addAsset(projectId, 'thumbnail', thumb, shotId);
    await this.db
      .update(shots)
      .set({ thumbnailPath: thumb, clip: { ...clip, shotId, thumbnailPath: thumb } })
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId), eq(shots.attempt, attempt)));
    return thumb;
  }

  async thumbnail(video: string, dest: string, atSec: number): Promise<void> {
    await produceAtomic(dest, (tmp) =>
      runFfmpeg([
        '-y',
        '-v',
        'error',
        '-ss',
        String(Math.max(0, atSec)),
        '-i',
        video,
        '-frames:v',
        '1',
        '-vf',
        'scale=320:-2',
        tmp,
      ]),
    );
  }

  private async extractFrames(clip: Clip, prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (const [i, f] of [0.15, 0.5, 0.85].entries()) {
      const path = `${prefix}-${i}.jpg`;
      try {
        await this.thumbnail(clip.path, path, clip.durationSec * f);
        out.push(path);
      } catch {
        // A clip ffmpeg cannot seek into is judged on the frames that could be read.
      }
    }
    return out;
  }
}

export function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof BeatframeError && err.exitCode === 2)
    return new ProviderError('fatal', err.message, { cause: err });
  // Network failures and the like: worth another try.
  return new ProviderError('retryable', userMessage(err), { cause: err });
}

const RISKY =
  /\b(blood(y)?|gore|kill(s|ing|ed)?|weapons?|guns?|naked|nude|sexy|violent|violence|drugs?|dead|corpse|war)\b/gi;

/** Drops the words content filters trip on most often and asks for a safe rendition. */
export function softenPrompt(prompt: string): string {
  const cleaned = prompt
    .replace(RISKY, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return `${cleaned}${cleaned.endsWith('.') ? '' : '.'} Family-friendly, non-violent, tasteful.`;
}
