/** Keyframes and the storyboard gate: stills bought before any clip, their bookings, re-rolls and the view. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DecisionSink,
  type ImageProvider,
  InputError,
  type Logger,
  ProjectOptions,
  type Shot,
  type Song,
  type Storyboard,
  type VideoProvider,
} from '@beatframe/core';
import { projects, shots } from '@beatframe/db';
import { and, eq, sql } from 'drizzle-orm';
import type { CostEstimate, RerollResult, StoryboardView } from './beatframe.js';
import { reserveSpend } from './budget.js';
import { coverArtSummary, withCoverArt } from './cover-reference.js';
import type { Engine } from './engine.js';
import {
  keyframePath,
  keyframesMade,
  makeKeyframes,
  rerollKeyframe,
  StillsPaused,
  stillsPrice,
  type UserReference,
} from './keyframes.js';
import type { StageCtx } from './stages/stage.js';
import type { ProjectRow, ShotRow } from './store.js';
import { type GateInput, storyboardGate, storyboardPhase, videoRange } from './storyboard-gate.js';

/** The image model keyframes come from: only when keyframes are on and the video model starts from a still. */
export async function keyframeImages(
  this: Engine,
  options: ProjectOptions,
  video: VideoProvider,
): Promise<ImageProvider | undefined> {
  if (options.keyframes === false || !video.capabilities.imageToVideo || !this.deps.imageProvider)
    return undefined;
  return options.imageProvider
    ? this.deps.imageProvider(options.imageProvider, this.config)
    : this.deps.imageProvider(options.provider, this.config, { byDefault: true });
}

/**
 * Books a still before it is bought, once: a still whose booking is in the ledger but whose file never came
 * (a worker killed while the vendor answered, a stage retried after an error) keeps that booking, so a restart
 * neither books it twice nor eats into an approval that covered the stills exactly.
 */
export async function reserveStill(
  this: Engine,
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

/** The user's references, and the song's cover art as a style reference when its source had one. */
export async function stillRefs(
  this: Engine,
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
export async function stillsSpentUsd(this: Engine, projectId: string): Promise<number> {
  const [row] = await this.database.query<{ usd: number | string | null }>(
    `SELECT coalesce(sum(usd), 0) AS usd FROM costs WHERE project_id = $1 AND (shot_id LIKE 'keyframe %' OR shot_id LIKE 'character %')`,
    [projectId],
  );
  return Number(row?.usd ?? 0);
}

/** The storyboard gate's facts for a project (storyboard-gate.ts). */
/** `probe`: keyframes are checked with ffprobe (the stage); a view only looks that their files are there. */
export async function gateInput(
  this: Engine,
  p: ProjectRow,
  options: ProjectOptions,
  rows: ShotRow[],
  probe = true,
) {
  const video = await this.provider(options.provider);
  const image = rows.length ? await this.keyframeImages(options, video) : undefined;
  const prompted = await this.stageOutput<{ estimate?: CostEstimate }>(p.id, 'prompt').catch(() => undefined);
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
export async function storyboardStep(
  this: Engine,
  ctx: StageCtx,
  p: ProjectRow,
  rows: ShotRow[],
): Promise<'go' | 'paused'> {
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
export async function storyboardOf(this: Engine, p: ProjectRow): Promise<StoryboardView | undefined> {
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
export async function rerollStill(
  this: Engine,
  projectId: string,
  shotId: string,
  prompt?: string,
): Promise<RerollResult> {
  // Two re-rolls of one still at once (a double click, the CLI beside the dashboard, two API servers on one
  // PostgreSQL) would both read the same last take and buy the same still twice: under the database's lock
  // they run one after the other, each a take (and a price) of its own.
  return this.database.withLock(`still:${projectId}/${shotId}`, () =>
    rerollOnce.call(this, projectId, shotId, prompt),
  );
}

async function rerollOnce(
  this: Engine,
  projectId: string,
  shotId: string,
  prompt?: string,
): Promise<RerollResult> {
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
  // The characters' reference stills were made with the storyboard: a re-roll buys the shot's keyframe alone.
  const price = stillsPrice(
    { dir: this.projectDir(projectId), storyboard, size, image, userRefs },
    [{ id: shotId, prompt: text ?? row.prompt, description: (row.shot as Shot).description }],
    { references: false },
  );
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
export async function makeShotKeyframes(
  this: Engine,
  ctx: StageCtx,
  rows: ShotRow[],
): Promise<'done' | 'paused' | 'none'> {
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
