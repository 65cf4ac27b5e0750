/**
 * The engine: the orchestrator of stage jobs and shot jobs (see docs/architecture-notes.md). Over 400 lines
 * because the class also binds the ~40 functions of its concern modules (store, queue, stages, shot job…) under
 * their names, one line each; the logic here is the stage job's run and the moves between stages.
 */
import { join } from 'node:path';
import {
  type AudioAnalysis,
  type BeatframeConfig,
  BeatframeError,
  type Crew,
  type CrewMode,
  type Logger,
  ProjectOptions,
  type Renderer,
  STAGES,
  type StageName,
  scrubSecrets,
  sleep,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { type Database, projects, stages } from '@beatframe/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import type { StageDeps } from './deps.js';
import { estimateShots, estimateWithStills } from './estimates.js';
import type { EventBus } from './events.js';
import { enqueueShot, enqueueStage, type StageJob } from './queue.js';
import { RateLimiter } from './rate.js';
import { renderPrepDone, startRenderPrep } from './render-prep.js';
import { budgetAlerts, onShotError, revisePrompt } from './shot-error.js';
import { analysisFor, backoffMs, clipRequest, rateLimit, runShotJob, storyboardFor } from './shot-job.js';
import { type Lease, ProviderSlots } from './slots.js';
import { analyzeStage } from './stages/analyze.js';
import { deliverStage, keepDeliveredVersion } from './stages/deliver.js';
import { applyTimelineRevisions, editStage } from './stages/edit.js';
import { evaluateStage } from './stages/evaluate.js';
import { generateStage, maybeFinishGenerate } from './stages/generate.js';
import { ingestStage } from './stages/ingest.js';
import { planInput, planStage } from './stages/plan.js';
import { promptStage } from './stages/prompt.js';
import { renderStage } from './stages/render.js';
import { judgeContinuity, reviewStage } from './stages/review.js';
import type { StageCtx, StageResult } from './stages/stage.js';
import { StepClock, type StepTime } from './step-clock.js';
import type { ProjectRow } from './store.js';
import {
  addAsset,
  decisionSink,
  projectRow,
  setProjectStatus,
  setShot,
  setStage,
  shotRows,
  stageOutput,
} from './store.js';
import {
  gateInput,
  keyframeImages,
  makeShotKeyframes,
  rerollStill,
  reserveStill,
  stillRefs,
  stillsSpentUsd,
  storyboardOf,
  storyboardStep,
} from './storyboard.js';
import { extractFrames, shotThumbnail, thumbnail } from './thumbnails.js';
import { identicalRequestLeader, shareTwinClip } from './twin-clip.js';

export { APPROVE_ANY } from './ceiling.js';

export interface EngineSettings {
  /** Poll interval per provider, ms (config providers.<name>.pollIntervalMs, default 2000). */
  pollIntervalMs?: number;
  /** Base of the exponential retry backoff, seconds. */
  retryBaseSec?: number;
  fetch?: typeof fetch;
}

/** The durable state machine: stage jobs, shot jobs, and what moves a project from one to the next. */
export class Engine {
  readonly db;
  readonly crews = new Map<CrewMode, Promise<Crew>>();
  readonly providers = new Map<string, Promise<VideoProvider>>();
  readonly renderers = new Map<string, Promise<Renderer>>();
  readonly running = new Map<string, Set<AbortController>>();
  readonly rate = new RateLimiter();
  thumbQueue: Promise<unknown> = Promise.resolve();
  /** The render's pre-work running in this process, by project (render-prep.ts). */
  readonly renderPreps = new Map<string, Promise<void>>();
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

  crew(mode: CrewMode): Promise<Crew> {
    let c = this.crews.get(mode);
    if (!c) {
      c = this.deps.crew(mode, { logger: this.logger, env: this.env, config: this.config });
      c.catch(() => this.crews.delete(mode));
      this.crews.set(mode, c);
    }
    return c;
  }

  renderer(name: string): Promise<Renderer> {
    let r = this.renderers.get(name);
    if (!r) {
      r = this.deps.renderer(name, this.config);
      r.catch(() => this.renderers.delete(name));
      this.renderers.set(name, r);
    }
    return r;
  }

  providerSetting(name: string, key: string): unknown {
    return this.config.providers[name]?.[key];
  }

  /** One of the provider's slots (its configured concurrency, else its own), or undefined when aborted. */
  providerSlot(provider: VideoProvider, signal: AbortSignal): Promise<Lease | undefined> {
    const limit = Number(
      this.providerSetting(provider.name, 'concurrency') ?? provider.capabilities.concurrency,
    );
    return this.slots.acquire(provider.name, Math.max(1, Number.isFinite(limit) ? limit : 1), signal);
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
  async moveBack(projectId: string, from: StageName, to: StageName): Promise<void> {
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
  async startNextRound(projectId: string, to: StageName): Promise<void> {
    await this.db
      .update(projects)
      .set({ round: sql`${projects.round} + 1` } as never)
      .where(eq(projects.id, projectId));
    await this.moveBack(projectId, 'evaluate', to);
  }

  /** Re-sends the job each unfinished project needs (after a crash, a restart, or on resume). */
  async kick(projectId: string): Promise<void> {
    const p = await this.projectRow(projectId);
    if (!p || !['queued', 'running'].includes(p.status)) return;
    await this.enqueueStage(p.id, p.stage as StageName);
  }

  track(projectId: string, ac: AbortController): () => void {
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

  isLive(p: ProjectRow | undefined): p is ProjectRow {
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

  async finishStage(
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

  // The rest of the engine lives in one module per concern; each function takes the engine as `this`
  // (`function f(this: Engine, ...)`), and is bound here so every part reaches the others as `this.f(...)`.

  // ---------- rows (store.ts) ----------
  readonly projectRow = projectRow;
  readonly shotRows = shotRows;
  readonly stageOutput = stageOutput;
  readonly setStage = setStage;
  readonly setShot = setShot;
  readonly setProjectStatus = setProjectStatus;
  readonly decisionSink = decisionSink;
  readonly addAsset = addAsset;

  // ---------- queue (queue.ts) ----------
  readonly enqueueStage = enqueueStage;
  readonly enqueueShot = enqueueShot;

  // ---------- stage helpers (stages/*.ts) ----------
  readonly planInput = planInput;
  readonly maybeFinishGenerate = maybeFinishGenerate;
  readonly startRenderPrep = startRenderPrep;
  readonly renderPrepDone = renderPrepDone;
  readonly judgeContinuity = judgeContinuity;
  readonly applyTimelineRevisions = applyTimelineRevisions;
  readonly keepDeliveredVersion = keepDeliveredVersion;

  // ---------- keyframes and the storyboard gate (storyboard.ts) ----------
  readonly keyframeImages = keyframeImages;
  readonly reserveStill = reserveStill;
  readonly stillRefs = stillRefs;
  readonly stillsSpentUsd = stillsSpentUsd;
  readonly gateInput = gateInput;
  readonly storyboardStep = storyboardStep;
  readonly storyboardOf = storyboardOf;
  readonly rerollStill = rerollStill;
  readonly makeShotKeyframes = makeShotKeyframes;

  // ---------- costs (estimates.ts) ----------
  readonly estimateShots = estimateShots;
  readonly estimateWithStills = estimateWithStills;

  // ---------- shot jobs (shot-job.ts, twin-clip.ts, shot-error.ts) ----------
  /** The song's analysis per project, read once (shot-job.ts `analysisFor`). */
  readonly analyses = new Map<string, Promise<AudioAnalysis | undefined>>();
  readonly clipRequest = clipRequest;
  readonly runShotJob = runShotJob;
  readonly identicalRequestLeader = identicalRequestLeader;
  readonly shareTwinClip = shareTwinClip;
  readonly analysisFor = analysisFor;
  readonly storyboardFor = storyboardFor;
  readonly backoffMs = backoffMs;
  readonly rateLimit = rateLimit;
  readonly onShotError = onShotError;
  readonly revisePrompt = revisePrompt;
  readonly budgetAlerts = budgetAlerts;

  // ---------- media helpers (thumbnails.ts) ----------
  readonly shotThumbnail = shotThumbnail;
  readonly thumbnail = thumbnail;
  readonly extractFrames = extractFrames;

  // ---------- the stages (stages/<name>.ts), in order ----------
  readonly stageFns: Record<StageName, (ctx: StageCtx) => Promise<StageResult>> = {
    ingest: (ctx) => ingestStage.call(this, ctx),
    analyze: (ctx) => analyzeStage.call(this, ctx),
    plan: (ctx) => planStage.call(this, ctx),
    prompt: (ctx) => promptStage.call(this, ctx),
    generate: (ctx) => generateStage.call(this, ctx),
    review: (ctx) => reviewStage.call(this, ctx),
    edit: (ctx) => editStage.call(this, ctx),
    render: (ctx) => renderStage.call(this, ctx),
    evaluate: (ctx) => evaluateStage.call(this, ctx),
    deliver: (ctx) => deliverStage.call(this, ctx),
  };
}
