/** Stage 9, evaluate: the cut scored; a failing round sends shots back or re-cuts. */
import { join } from 'node:path';
import {
  type AudioAnalysis,
  type EvaluationReport,
  type RenderResult,
  type Shot,
  type Song,
  type Storyboard,
  type Timeline,
  userMessage,
  writeFileAtomic,
} from '@beatframe/core';
import { planRevisions } from '@beatframe/evaluate';
import type { Engine } from '../engine.js';
import { lastFreeRecut } from '../free-recut.js';
import type { StageCtx, StageResult } from './stage.js';

export async function evaluateStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
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
    const crew = await this.crew(ctx.options.crew);
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
}
