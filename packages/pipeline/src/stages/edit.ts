/** Stage 7, edit: the timeline, with the revisions earlier evaluation rounds asked for. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AudioAnalysis,
  BeatframeError,
  type Clip,
  Revision,
  type Song,
  type Storyboard,
  type Timeline,
  writeFileAtomic,
} from '@beatframe/core';
import { applyRevisions } from '@beatframe/evaluate';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

export async function editStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
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
    { ...ctx.plugin, onProgress: (f, label) => ctx.progress(f, label) },
  );
  const timeline = await this.applyTimelineRevisions(ctx, built);
  const path = join(ctx.dir, 'timeline.json');
  await writeFileAtomic(path, JSON.stringify(timeline, null, 2));
  await this.addAsset(ctx.project.id, 'timeline', path);
  return { kind: 'done', output: { timeline, path } };
}

/**
 * The re-cuts and transition changes earlier evaluation rounds asked for, applied in round order to a
 * freshly built timeline. One that no longer fits (its cut moved when a shot was regenerated) is skipped.
 */
export async function applyTimelineRevisions(
  this: Engine,
  ctx: StageCtx,
  built: Timeline,
): Promise<Timeline> {
  const dir = join(ctx.dir, 'revisions');
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => /^round-\d+\.json$/.test(f)).sort() : [];
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
