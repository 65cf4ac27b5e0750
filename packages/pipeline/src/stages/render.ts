/** Stage 8, render: the timeline rendered (and the half-size preview). */
import { join } from 'node:path';
import { produceAtomic, type RenderResult, type Timeline } from '@beatframe/core';
import { halfSide } from '../clip-request.js';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

/** The renderer of a preview: the fastest one (ffmpeg filter graphs, 2–4× real time at 720p). */
export const PREVIEW_RENDERER = 'ffmpeg';

/** A preview's timeline: the same cut at half the size (even sides, as H.264 yuv420p needs). */
export function previewTimeline(timeline: Timeline): Timeline {
  return { ...timeline, width: halfSide(timeline.width), height: halfSide(timeline.height) };
}

export async function renderStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const { timeline: cut } = await this.stageOutput<{ timeline: Timeline }>(ctx.project.id, 'edit');
  const preview = ctx.options.preview;
  // Pre-work started beside the clips and still running finishes first, rather than being done twice.
  if (!preview) await this.renderPrepDone(ctx.project.id);
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
}
