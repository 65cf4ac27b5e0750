/**
 * `createBeatframe`: the service the CLI, the API and the web app drive, over the database, pg-boss and the engine.
 * Over 400 lines because it is one class implementing the `Beatframe` interface call by call (create, list, get,
 * events, approve, regenerate, replace, cancel, resume, delete, workers); each method is short and leans on
 * store.ts and the engine, and the class is read beside the interface it implements.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { checkPublicUrl } from '@beatframe/audio';
import {
  BeatframeError,
  type Clip,
  createLogger,
  type Decision,
  type EvaluationReport,
  InputError,
  type Logger,
  type Project,
  ProjectOptions,
  produceAtomic,
  type Shot,
  type Song,
  type SongSource,
  STAGES,
  type StageName,
  type StageState,
  type Storyboard,
  scrubSecrets,
  sleep,
  userMessage,
} from '@beatframe/core';
import { minShotSecFor, planSlots } from '@beatframe/crew';
import {
  costs,
  type Database,
  decisions,
  openDatabase,
  projects,
  providerJobs,
  shots,
  stages,
} from '@beatframe/db';
import { probeMedia } from '@beatframe/media';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import { attentionOf } from './attention.js';
import type {
  Beatframe,
  CostEstimate,
  CostSummary,
  CreateBeatframeOptions,
  CreateProjectInput,
  EstimateInput,
  PipelineEvent,
  ProjectDetail,
  RerollResult,
  RunningWorker,
  ShotStatus,
  ShotView,
  WorkerOptions,
} from './beatframe.js';
import { utcDay } from './budget.js';
import { songFilesInUse } from './cleanup.js';
import { clipSizeOf } from './clip-request.js';
import { writeContactSheet } from './contact-sheet.js';
import { withDailyLimits } from './daily-limits.js';
import { loadDefaultDeps } from './default-deps.js';
import type { IngestInput, StageDeps } from './deps.js';
import { APPROVE_ANY, Engine, type EngineSettings } from './engine.js';
import { EventBus } from './events.js';
import { approvalFor, boughtAndUsed } from './ledger.js';
import { checkId, LIMITS, maxSongSec } from './limits.js';
import { noticesOf } from './notices.js';
import { SHOT_QUEUE, STAGE_QUEUE, startBoss } from './queue.js';
import { stopAndHandBack } from './shutdown.js';
import { typicalAnalysis } from './typical-song.js';
import {
  checkLyricsFile,
  checkReplacementClip,
  checkSongHeader,
  checkSunoId,
  type RequestCheckContext,
  validateProjectRequest,
} from './validate-request.js';

export interface CreateBeatframeInternals {
  /** Stage implementations; the real packages by default. */
  deps?: StageDeps;
  settings?: EngineSettings;
}

type ProjectRow = typeof projects.$inferSelect;
type StageRow = typeof stages.$inferSelect;

const LIVE = ['queued', 'running'];
const UNFINISHED = ['queued', 'running', 'paused'];

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'song'
  );
}

function toProject(row: ProjectRow, stageRows: StageRow[]): Project {
  const byName = new Map(stageRows.map((s) => [s.name, s]));
  return {
    id: row.id,
    name: row.name,
    status: row.status as Project['status'],
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    options: ProjectOptions.parse(row.options),
    budget: {
      ...(row.maxUsd != null ? { maxUsd: row.maxUsd } : {}),
      estimateUsd: row.estimateUsd,
      spentUsd: row.spentUsd,
    },
    stages: STAGES.map((name): StageState => {
      const s = byName.get(name);
      return {
        name,
        status: (s?.status ?? 'pending') as StageState['status'],
        progress: s?.progress ?? 0,
        ...(s?.startedAt ? { startedAt: new Date(s.startedAt).toISOString() } : {}),
        ...(s?.finishedAt ? { finishedAt: new Date(s.finishedAt).toISOString() } : {}),
        ...(s?.error ? { error: s.error } : {}),
      };
    }),
    ...(row.outputPath ? { outputPath: row.outputPath } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** Opens the database and the job queue, and returns the service. */
export async function createBeatframe(
  opts: CreateBeatframeOptions & CreateBeatframeInternals,
): Promise<Beatframe & { engine: Engine }> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger({ level: opts.config.logLevel, env });
  const database = await openDatabase({
    dataDir: opts.config.dataDir,
    ...(opts.config.databaseUrl ? { databaseUrl: opts.config.databaseUrl } : {}),
    logger,
  });
  let boss: PgBoss;
  try {
    boss = await startBoss(database, logger, true, Boolean(env.BEATFRAME_ROTATE_CRON?.trim()));
  } catch (err) {
    await database.close();
    throw err;
  }
  const bus = new EventBus(database, logger);
  const deps = withDailyLimits(opts.deps ?? (await loadDefaultDeps()), database, opts.config, logger);
  const engine = new Engine(database, boss, bus, opts.config, logger, env, deps, opts.settings);
  return new BeatframeService(opts, database, boss, bus, engine, logger, deps);
}

/**
 * The `Beatframe` interface (beatframe.ts) implemented in this process: the database, the job queue, the event bus
 * and the engine that runs the stages. Built by createBeatframe only.
 */
class BeatframeService implements Beatframe {
  readonly config;
  readonly dbKind;
  private readonly db;
  private workers: RunningWorker[] = [];
  private closed = false;

  constructor(
    opts: CreateBeatframeOptions,
    private readonly database: Database,
    private readonly boss: PgBoss,
    private readonly bus: EventBus,
    readonly engine: Engine,
    readonly logger: Logger,
    private readonly deps: StageDeps,
  ) {
    this.config = opts.config;
    this.dbKind = database.kind;
    this.db = database.db;
  }

  private requestChecks(): RequestCheckContext {
    const { config, deps, engine, logger } = this;
    return {
      config,
      deps,
      env: engine.env,
      logger,
      provider: (n) => engine.provider(n),
      approveAny: APPROVE_ANY,
    };
  }

  private async row(id: string): Promise<ProjectRow> {
    checkId('project', id);
    const row = await this.engine.projectRow(id);
    if (!row) throw new InputError(`no project with id ${id}`);
    return row;
  }

  private async stageRows(id: string): Promise<StageRow[]> {
    return this.db.select().from(stages).where(eq(stages.projectId, id));
  }

  async createProject(input: CreateProjectInput): Promise<Project> {
    const parsed = ProjectOptions.safeParse({ ...this.config.defaults, ...(input.options ?? {}) });
    if (!parsed.success) throw new InputError(`invalid option: ${userMessage(parsed.error)}`);
    const options = parsed.data;
    if (options.outPath) options.outPath = resolve(options.outPath);
    let source: SongSource;
    let fallbackName: string;
    if ('path' in input.song) {
      const path = resolve(input.song.path);
      if (!existsSync(path)) throw new InputError(`song file ${path} does not exist`);
      await checkSongHeader(path, maxSongSec(this.config));
      if (this.deps.validateSong)
        await this.deps.validateSong(path, { maxDurationSec: maxSongSec(this.config) });
      else {
        const info = await probeMedia(path);
        if (!info.audio) throw new InputError(`${path} has no audio track`);
        if (!(info.durationSec > 0)) throw new InputError(`${path} has no playable audio (zero length)`);
      }
      source = { kind: 'file', path };
      fallbackName = basename(path, extname(path));
    } else if ('url' in input.song) {
      let u: URL;
      try {
        u = new URL(input.song.url);
      } catch {
        throw new InputError(`${input.song.url} is not a URL`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        throw new InputError(`only http(s) song URLs are supported`);
      // A literal private, own or loopback address is refused now; names are checked again when they resolve.
      checkPublicUrl(u.href);
      source = { kind: 'url', url: u.toString() };
      fallbackName = basename(u.pathname, extname(u.pathname)) || u.hostname;
    } else {
      const sunoId = checkSunoId(input.song.sunoId);
      source = { kind: 'suno', id: sunoId };
      fallbackName = `suno-${sunoId.slice(0, 8)}`;
    }
    if (input.lyricsPath) await checkLyricsFile(resolve(input.lyricsPath));
    // Everything else that could stop the project later is checked now, before anything is stored or paid.
    await validateProjectRequest(options, input, this.requestChecks());
    const name = input.name ?? input.title ?? fallbackName;
    const id = `${slug(name)}-${randomBytes(3).toString('hex')}`;
    const ingest: IngestInput = {
      source,
      ...(input.lyricsPath ? { lyricsPath: resolve(input.lyricsPath) } : {}),
      ...(input.title ? { title: input.title } : {}),
      ...(input.artist ? { artist: input.artist } : {}),
    };
    await this.db.transaction(async (tx) => {
      await tx.insert(projects).values({
        id,
        name,
        // What came from outside is stored without secrets (a token in a URL, say).
        input: scrubSecrets(ingest),
        options: scrubSecrets(options),
        maxUsd: input.maxCostUsd ?? null,
        approvedUsd: input.approvedUsd === undefined ? null : Math.min(input.approvedUsd, APPROVE_ANY),
      });
      await tx.insert(stages).values(STAGES.map((s) => ({ projectId: id, name: s })));
    });
    await this.bus.publish({ type: 'project', projectId: id, status: 'queued' });
    await this.engine.enqueueStage(id, 'ingest');
    this.logger.info({ projectId: id }, 'project queued');
    return toProject(await this.row(id), await this.stageRows(id));
  }

  async listProjects(filter?: { status?: Project['status'][] }): Promise<Project[]> {
    const rows = await this.db
      .select()
      .from(projects)
      .where(filter?.status?.length ? inArray(projects.status, filter.status) : undefined)
      .orderBy(asc(projects.createdAt));
    if (!rows.length) return [];
    const all = await this.db
      .select()
      .from(stages)
      .where(
        inArray(
          stages.projectId,
          rows.map((r) => r.id),
        ),
      );
    const byProject = new Map<string, StageRow[]>();
    for (const s of all) byProject.set(s.projectId, [...(byProject.get(s.projectId) ?? []), s]);
    return rows.map((r) => toProject(r, byProject.get(r.id) ?? []));
  }

  async getProject(id: string): Promise<ProjectDetail> {
    const row = await this.row(id);
    const stageRows = await this.stageRows(id);
    const project = toProject(row, stageRows);
    const jobs = await this.db.select().from(providerJobs).where(eq(providerJobs.projectId, id));
    const shotViews: ShotView[] = (await this.engine.shotRows(id)).map((s) => {
      const shot = s.shot as Shot;
      const clip = s.clip as Clip | null;
      const job = jobs.find((j) => j.shotId === s.id && j.attempt === s.attempt);
      return {
        id: s.id,
        index: s.index,
        sceneId: shot.sceneId,
        start: shot.start,
        end: shot.end,
        description: shot.description,
        prompt: s.prompt,
        status: s.status as ShotStatus,
        attempt: s.attempt,
        progress: s.progress,
        costUsd: s.costUsd,
        ...(clip ? { clip, clipPath: clip.path } : {}),
        ...(s.thumbnailPath ? { thumbnailPath: s.thumbnailPath } : {}),
        ...(job ? { providerJobId: job.jobId } : {}),
        ...(s.error ? { error: s.error } : {}),
        shot,
      };
    });
    const out = (name: StageName) => stageRows.find((s) => s.name === name)?.output ?? undefined;
    const evaluation = out('evaluate') as EvaluationReport | { skipped: string } | undefined;
    const thumb = join(this.engine.projectDir(id), 'thumbnail.jpg');
    return {
      project,
      currentStage: row.stage as StageName,
      shots: shotViews,
      costs: await this.costSummary(row),
      awaitingApproval: row.status === 'paused' && (row.error ?? '').startsWith('awaiting approval'),
      ...(row.error ? { reason: row.error } : {}),
      ...(await attentionOf(this.db, row).then((a) => (a ? { attention: a } : {}))),
      ...(out('ingest') ? { song: out('ingest') as Song } : {}),
      ...(await this.engine.storyboardOf(row).then((sb) => (sb ? { storyboard: sb } : {}))),
      ...(evaluation && 'version' in evaluation ? { evaluation } : {}),
      notices: await noticesOf(this.db, id, evaluation, row.status),
      ...(row.status === 'done' && row.outputPath ? { videoPath: row.outputPath } : {}),
      ...(existsSync(thumb) ? { thumbnailPath: thumb } : {}),
    };
  }

  private async costSummary(row: ProjectRow): Promise<CostSummary> {
    const by = await this.db
      .select({ provider: costs.provider, usd: sql<number>`sum(${costs.usd})` })
      .from(costs)
      .where(eq(costs.projectId, row.id))
      .groupBy(costs.provider);
    const [today] = await this.database.query<{ usd: number }>('SELECT usd FROM daily_spend WHERE day = $1', [
      utcDay(),
    ]);
    return {
      estimateUsd: row.estimateUsd,
      spentUsd: row.spentUsd,
      ...(row.maxUsd != null ? { maxUsd: row.maxUsd } : {}),
      ...(row.approvedUsd != null ? { approvedUsd: row.approvedUsd } : {}),
      ...(row.estimateMaxUsd > 0 ? { estimateMaxUsd: row.estimateMaxUsd } : {}),
      ...(row.approvalNeededUsd != null ? { approvalNeededUsd: row.approvalNeededUsd } : {}),
      ...(await boughtAndUsed(this.db, row.id)),
      byProvider: Object.fromEntries(by.map((b) => [b.provider, Number(b.usd)])),
      todayUsd: Number(today?.usd ?? 0),
      ...(this.config.budget.dailyCapUsd !== undefined
        ? { dailyCapUsd: this.config.budget.dailyCapUsd }
        : {}),
    };
  }

  subscribe(projectId: string | '*', listener: (event: PipelineEvent) => void): () => void {
    return this.bus.subscribe(projectId, listener);
  }

  eventsSince(projectId: string | '*', afterId?: number, limit?: number): Promise<PipelineEvent[]> {
    return this.bus.since(projectId, afterId, limit);
  }

  async decisions(projectId: string): Promise<Decision[]> {
    await this.row(projectId);
    const rows = await this.db
      .select()
      .from(decisions)
      .where(eq(decisions.projectId, projectId))
      .orderBy(asc(decisions.id));
    return rows.map((d) => ({
      projectId: d.projectId ?? projectId,
      ...(d.stage ? { stage: d.stage as StageName } : {}),
      role: d.role,
      ...(d.shotId ? { shotId: d.shotId } : {}),
      summary: d.summary,
      ...(d.inputDigest ? { inputDigest: d.inputDigest } : {}),
      ...(d.output != null ? { output: d.output } : {}),
      ...(d.model ? { model: d.model } : {}),
      ...(d.tokens ? { tokens: d.tokens as { input: number; output: number } } : {}),
      ...(d.costUsd != null ? { costUsd: d.costUsd } : {}),
      ...(d.ms != null ? { ms: d.ms } : {}),
      at: new Date(d.at).toISOString(),
    }));
  }

  async estimateCost(input: EstimateInput): Promise<CostEstimate> {
    if ('projectId' in input) {
      const row = await this.row(input.projectId);
      const options = ProjectOptions.parse(row.options);
      const provider = await this.engine.provider(options.provider);
      const rows = await this.engine.shotRows(row.id);
      if (rows.length) {
        const prompted = await this.engine
          .stageOutput<{ storyboard: Storyboard }>(row.id, 'prompt')
          .catch(() => undefined);
        return this.engine.estimateWithStills(
          provider,
          options,
          rows.map((r) => ({ ...(r.shot as Shot), prompt: r.prompt })),
          prompted?.storyboard,
          undefined,
          await this.engine.stageOutput<Song>(row.id, 'ingest').catch(() => undefined),
        );
      }
      const song = await this.engine.stageOutput<Song>(row.id, 'ingest').catch(() => undefined);
      return this.roughEstimate(options.provider, options.model, song?.durationSec ?? 180, options);
    }
    const options = ProjectOptions.parse({
      ...this.config.defaults,
      provider: input.provider,
      ...(input.model ? { model: input.model } : {}),
      ...(input.aspect ? { aspect: input.aspect } : {}),
      ...(input.resolution ? { resolution: input.resolution } : {}),
    });
    return this.roughEstimate(input.provider, input.model, input.durationSec, options);
  }

  /**
   * Before the plan exists: the song covered by clips of the provider's typical length. Arithmetic on
   * one typical shot (its price times the count), so any duration costs the same to estimate.
   */
  private async roughEstimate(
    providerName: string,
    model: string | undefined,
    durationSec: number,
    options: ProjectOptions,
  ): Promise<CostEstimate> {
    if (!(Number.isFinite(durationSec) && durationSec > 0 && durationSec <= LIMITS.maxEstimateSec))
      throw new InputError(
        `durationSec must be a number of seconds above 0 and at most ${LIMITS.maxEstimateSec}, not ${durationSec}`,
        { code: 'OUT_OF_RANGE' },
      );
    const provider = await this.engine.provider(providerName);
    // A typical song of this length, planned by the heuristic crew's slot planner: each slot one shot,
    // each shot a distinct request (so a seedless provider's twin-clip sharing does not apply).
    const plan = planSlots(typicalAnalysis(durationSec), provider.capabilities.durations, {
      minShotSec: minShotSecFor(provider),
    });
    const shots: Shot[] = plan.shots.map((s) => ({
      ...s,
      description: `shot ${s.index + 1}`,
      mood: 'x',
    }));
    const e = this.engine.estimateShots(provider, { ...options, ...(model ? { model } : {}) }, shots);
    return { ...e, exact: false };
  }

  async approveCost(projectId: string, maxUsd?: number): Promise<void> {
    const row = await this.row(projectId);
    const approved = approvalFor(row, maxUsd);
    await this.db
      .update(projects)
      .set({ approvedUsd: approved, approvalNeededUsd: null })
      .where(eq(projects.id, projectId));
    await this.engine.decisionSink(projectId, 'generate').record({
      role: 'person',
      summary: `spending up to ${approved >= APPROVE_ANY ? 'the estimate, once priced,' : `$${approved.toFixed(2)}`} approved`,
    });
    if (row.status === 'paused' && (row.error ?? '').startsWith('awaiting approval'))
      await this.resume(projectId);
  }

  /** Puts the project back to `stage` (resetting it and the stages after it) and queues it. */
  private async restartFrom(projectId: string, stage: StageName): Promise<void> {
    const later = STAGES.slice(STAGES.indexOf(stage));
    await this.db
      .update(stages)
      .set({ status: 'pending', progress: 0, output: null, error: null })
      .where(and(eq(stages.projectId, projectId), inArray(stages.name, later)));
    await this.db
      .update(projects)
      .set({ stage, status: 'queued', error: null, updatedAt: new Date().toISOString() })
      .where(eq(projects.id, projectId));
    await this.bus.publish({ type: 'project', projectId, status: 'queued' });
    await this.engine.enqueueStage(projectId, stage);
  }

  private async shotRow(projectId: string, shotId: string) {
    const [s] = await this.db
      .select()
      .from(shots)
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
    if (!s) throw new InputError(`project ${projectId} has no shot ${shotId}`);
    return s;
  }

  async regenerateShot(projectId: string, shotId: string, prompt?: string): Promise<void> {
    const row = await this.row(projectId);
    const s = await this.shotRow(projectId, shotId);
    await this.db
      .update(shots)
      .set({
        status: 'pending',
        attempt: s.attempt + 1,
        retries: 0,
        progress: 0,
        error: null,
        ...(prompt?.trim() ? { prompt: prompt.trim() } : {}),
      })
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
    await this.engine.decisionSink(projectId, 'generate').record({
      role: 'person',
      shotId,
      summary: `asked to generate ${shotId} again${prompt ? ' with a new prompt' : ''}`,
      ...(prompt ? { output: { prompt } } : {}),
    });
    // Before generation the new prompt is simply used when its turn comes.
    if (STAGES.indexOf(row.stage as StageName) > STAGES.indexOf('generate') || row.status !== 'running')
      await this.restartFrom(
        projectId,
        STAGES.indexOf(row.stage as StageName) < STAGES.indexOf('generate')
          ? (row.stage as StageName)
          : 'generate',
      );
    else if (row.stage === 'generate')
      await this.engine.enqueueShot(
        projectId,
        { id: shotId, attempt: s.attempt + 1 },
        ProjectOptions.parse(row.options).provider,
      );
  }

  async rerollStill(projectId: string, shotId: string, prompt?: string): Promise<RerollResult> {
    await this.row(projectId);
    checkId('shot', shotId);
    return this.engine.rerollStill(projectId, shotId, prompt);
  }

  async contactSheet(projectId: string): Promise<string> {
    const row = await this.row(projectId);
    const sb = await this.engine.storyboardOf(row);
    const stills = (sb?.stills ?? []).flatMap((s) =>
      s.path ? [{ path: s.path, label: String(s.index + 1) }] : [],
    );
    if (!stills.length) throw new InputError(`project ${projectId} has no keyframes (yet)`);
    const dest = join(this.engine.projectDir(projectId), 'keyframes', 'contact-sheet.jpg');
    await writeContactSheet(stills, dest);
    return dest;
  }

  async renderFinal(projectId: string): Promise<void> {
    const row = await this.row(projectId);
    const options = ProjectOptions.parse(row.options);
    if (!options.preview)
      throw new InputError(`project ${projectId} is not a preview: its render is the final one`);
    if (row.status !== 'done')
      throw new InputError(
        `project ${projectId} is ${row.status}: the final render follows a delivered preview`,
      );
    await this.db
      .update(projects)
      .set({ options: { ...(row.options as object), preview: false } })
      .where(eq(projects.id, projectId));
    await this.engine.decisionSink(projectId, 'render').record({
      role: 'person',
      summary: `final render asked for: the previewed cut again with ${options.renderer} at full size`,
    });
    // A free, deterministic provider made the preview's clips at half size: it makes the same clips again
    // at full size (same requests but the size, same seeds), and the cut follows them. Paid clips are reused.
    const provider = await this.engine.provider(options.provider);
    if (
      clipSizeOf(provider.capabilities, options) !==
      clipSizeOf(provider.capabilities, { ...options, preview: false })
    ) {
      const remade = (await this.engine.shotRows(projectId)).filter(
        (s) => (s.clip as Clip | null)?.provider === provider.name,
      );
      if (remade.length) {
        await this.db.transaction(async (tx) => {
          for (const s of remade) {
            // The preview's $0 jobs give way: a shot's attempt holds one job, and this one is the same take.
            await tx
              .delete(providerJobs)
              .where(
                and(
                  eq(providerJobs.projectId, projectId),
                  eq(providerJobs.shotId, s.id),
                  eq(providerJobs.attempt, s.attempt),
                  eq(providerJobs.costUsd, 0),
                ),
              );
            await tx
              .update(shots)
              .set({
                status: 'pending',
                clip: null,
                thumbnailPath: null,
                progress: 0,
                retries: 0,
                error: null,
              })
              .where(and(eq(shots.projectId, projectId), eq(shots.id, s.id)));
          }
        });
        await this.engine.decisionSink(projectId, 'generate').record({
          role: 'pipeline',
          summary: `final: ${remade.length} ${provider.name} clip(s) made again at full size (the preview's were half size; free and deterministic, so the same pictures)`,
          output: { shots: remade.map((s) => s.id) },
        });
        await this.restartFrom(projectId, 'generate');
        return;
      }
    }
    await this.restartFrom(projectId, 'render');
  }

  async replaceShotClip(projectId: string, shotId: string, filePath: string): Promise<void> {
    const row = await this.row(projectId);
    const s = await this.shotRow(projectId, shotId);
    const src = resolve(filePath);
    if (!existsSync(src)) throw new InputError(`clip file ${src} does not exist`);
    const info = await probeMedia(src);
    checkReplacementClip(info, src);
    const dest = join(
      this.engine.projectDir(projectId),
      'clips',
      `${shotId}-manual-${Date.now()}${extname(src) || '.mp4'}`,
    );
    await mkdir(join(this.engine.projectDir(projectId), 'clips'), { recursive: true });
    await produceAtomic(dest, (tmp) => copyFile(src, tmp));
    const clip: Clip = {
      shotId,
      path: dest,
      durationSec: info.durationSec,
      width: info.video.width,
      height: info.video.height,
      fps: info.video.fps || 30,
      hasAudio: !!info.audio,
      provider: 'manual',
      costUsd: 0,
    };
    const thumb = join(this.engine.projectDir(projectId), 'thumbs', `${shotId}-manual.jpg`);
    const thumbOk = await this.engine.thumbnail(dest, thumb, info.durationSec / 2).then(
      () => true,
      () => false,
    );
    await this.db
      .update(shots)
      .set({
        status: 'accepted',
        clip,
        thumbnailPath: thumbOk ? thumb : null,
        progress: 1,
        error: null,
        attempt: s.attempt + 1,
      })
      .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId)));
    await this.engine.decisionSink(projectId, 'edit').record({
      role: 'person',
      shotId,
      summary: `replaced the clip of ${shotId} with ${basename(src)}`,
    });
    const at = STAGES.indexOf(row.stage as StageName);
    if (at > STAGES.indexOf('review') || row.status === 'done' || row.status === 'failed')
      await this.restartFrom(projectId, 'edit');
    else await this.engine.maybeFinishGenerate(projectId);
  }

  async cancel(projectId: string): Promise<void> {
    const row = await this.row(projectId);
    if (row.status === 'done') throw new InputError(`project ${projectId} is already done`);
    await this.engine.failProject(projectId, 'cancelled');
    this.engine.abortProject(projectId);
    const options = ProjectOptions.parse(row.options);
    const open = await this.db
      .select()
      .from(providerJobs)
      .where(and(eq(providerJobs.projectId, projectId), eq(providerJobs.state, 'submitted')));
    if (open.length) {
      const provider = await this.engine.provider(options.provider).catch(() => undefined);
      for (const j of open) {
        await provider
          ?.cancel?.(j.ref as never, { logger: this.logger, env: this.engine.env })
          .catch((err) => this.logger.warn({ err: userMessage(err) }, 'provider could not cancel a job'));
      }
    }
  }

  async resume(projectId?: string, opts: { approvedUsd?: number } = {}): Promise<string[]> {
    const rows = projectId
      ? [await this.row(projectId)]
      : await this.db.select().from(projects).where(inArray(projects.status, UNFINISHED));
    const ids: string[] = [];
    for (const row of rows) {
      if (row.status === 'done') {
        if (projectId) throw new InputError(`project ${row.id} is already done: ${row.outputPath}`);
        continue;
      }
      if (opts.approvedUsd !== undefined) {
        const asked = approvalFor(row, opts.approvedUsd);
        const approved = Math.max(row.approvedUsd ?? 0, asked);
        // An explicit amount (`resume --max-cost N`) raises the project's cap with the approval: both are the
        // person's word on what may be spent, and a cap left lower would pause again at once.
        const raiseCap = opts.approvedUsd < APPROVE_ANY && row.maxUsd != null && row.maxUsd < asked;
        await this.db
          .update(projects)
          .set({ approvedUsd: approved, approvalNeededUsd: null, ...(raiseCap ? { maxUsd: asked } : {}) })
          .where(eq(projects.id, row.id));
        await this.engine.decisionSink(row.id, 'generate').record({
          role: 'person',
          summary: `spending up to $${approved.toFixed(2)} approved${raiseCap ? ` (the cap raised from $${row.maxUsd!.toFixed(2)} to $${asked.toFixed(2)})` : ''}`,
        });
      }
      await this.db
        .update(shots)
        .set({ status: 'pending' })
        .where(and(eq(shots.projectId, row.id), inArray(shots.status, ['paused', 'failed'])));
      await this.db
        .update(stages)
        .set({ status: 'pending', error: null })
        .where(and(eq(stages.projectId, row.id), eq(stages.status, 'failed')));
      if (!LIVE.includes(row.status)) {
        await this.db
          .update(projects)
          .set({ status: 'queued', error: null, updatedAt: new Date().toISOString() })
          .where(eq(projects.id, row.id));
        await this.bus.publish({ type: 'project', projectId: row.id, status: 'queued' });
      }
      await this.engine.kick(row.id);
      ids.push(row.id);
    }
    return ids;
  }

  async deleteProject(projectId: string): Promise<void> {
    const row = await this.row(projectId);
    // Stop first (provider jobs cancelled, running stages aborted and finished): a job still at work
    // would write into the folder again after it is removed.
    if (UNFINISHED.includes(row.status)) await this.cancel(projectId).catch(() => {});
    this.engine.abortProject(projectId);
    await this.engine.idle(projectId);
    await this.db.delete(projects).where(eq(projects.id, projectId));
    await rm(this.engine.projectDir(projectId), { recursive: true, force: true });
  }

  songFilesInUse(): Promise<string[]> {
    return songFilesInUse(this.database);
  }

  async interrupt(projectId: string): Promise<void> {
    await this.engine.pauseProject(projectId, `interrupted; go on with \`beatframe resume ${projectId}\``);
  }

  async videoPath(projectId: string): Promise<string | undefined> {
    const row = await this.row(projectId);
    return row.status === 'done' && row.outputPath && existsSync(row.outputPath) ? row.outputPath : undefined;
  }

  async thumbnailPath(projectId: string): Promise<string | undefined> {
    await this.row(projectId);
    const p = join(this.engine.projectDir(projectId), 'thumbnail.jpg');
    return existsSync(p) ? p : undefined;
  }

  async waitFor(projectId: string, opts: { signal?: AbortSignal } = {}): Promise<Project> {
    let wake: () => void = () => {};
    const unsubscribe = this.subscribe(projectId, (e) => {
      if (e.type === 'project' || e.type === 'done' || e.type === 'failed') wake();
    });
    try {
      for (;;) {
        const row = await this.row(projectId);
        if (
          row.status === 'done' ||
          row.status === 'failed' ||
          row.status === 'paused' ||
          opts.signal?.aborted
        )
          return toProject(row, await this.stageRows(projectId));
        const ac = new AbortController();
        wake = () => ac.abort();
        opts.signal?.addEventListener('abort', wake, { once: true });
        await sleep(1000, ac.signal);
        opts.signal?.removeEventListener('abort', wake);
      }
    } finally {
      unsubscribe();
    }
  }

  /** Jobs left active by a process that died: on PGlite only this process can hold the database. */
  private async releaseOrphanedJobs(): Promise<void> {
    if (this.database.kind !== 'pglite') return; // on PostgreSQL, missed heartbeats and lease expiry hand them back
    await this.engine.slots.clear();
    for (const name of [STAGE_QUEUE, SHOT_QUEUE]) {
      const jobs = await this.boss.findJobs(name, { limit: 100000 });
      const active = jobs.filter((j) => j.state === 'active').map((j) => j.id);
      if (active.length) {
        await this.boss.deleteJob(name, active);
        this.logger.info({ queue: name, jobs: active.length }, 'released jobs of a worker that stopped');
      }
    }
  }

  async recover(): Promise<string[]> {
    await this.releaseOrphanedJobs();
    const rows = await this.db.select().from(projects).where(inArray(projects.status, LIVE));
    for (const r of rows) await this.engine.kick(r.id);
    if (rows.length) this.logger.info({ projects: rows.map((r) => r.id) }, 'picked up unfinished projects');
    return rows.map((r) => r.id);
  }

  async startWorker(opts: WorkerOptions = {}): Promise<RunningWorker> {
    if (this.closed) throw new BeatframeError('the service is closed');
    const concurrency = Math.max(1, opts.concurrency ?? 8);
    const tiers: Record<string, number> = {};
    for (const p of (await this.deps.listProviders?.(this.config)) ?? []) {
      const configured = Number(this.config.providers[p.name]?.concurrency);
      tiers[p.name] = Math.max(
        1,
        Number.isFinite(configured) && configured > 0 ? configured : p.capabilities.concurrency,
      );
    }
    if (opts.recover !== false) await this.recover();
    const ids = [
      await this.boss.work<{ projectId: string; shotId: string; attempt: number }>(
        SHOT_QUEUE,
        {
          localConcurrency: concurrency,
          pollingIntervalSeconds: 0.5,
          // NOTIFY only announces new jobs; ones held back by a limit or a delay are found by polling.
          notifyPollingIntervalSeconds: 0.5,
          groupConcurrency: { default: concurrency, tiers },
        },
        async ([job]) => {
          if (job) await this.engine.runShotJob(job.data);
        },
      ),
      await this.boss.work<{ projectId: string; stage: StageName }>(
        STAGE_QUEUE,
        { localConcurrency: 2, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 },
        async ([job]) => {
          if (job) await this.engine.runStageJob(job.data, job.retryCount);
        },
      ),
    ];
    this.logger.info({ concurrency, tiers, db: this.dbKind }, 'worker started');
    const worker: RunningWorker = {
      stop: async (o = {}) => {
        this.workers = this.workers.filter((w) => w !== worker);
        const jobsDone = Promise.all(
          [SHOT_QUEUE, STAGE_QUEUE].map((q, i) =>
            this.boss.offWork(q, { id: ids[i]!, wait: true }).catch(() => {}),
          ),
        );
        await stopAndHandBack(this.engine, jobsDone, o.graceMs, this.logger);
      },
    };
    this.workers.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.engine.drain();
    await this.engine.closeProviders();
    await this.boss.stop({ graceful: true, timeout: 5000 }).catch(() => {});
    await this.bus.close();
    await this.database.close();
  }
}
