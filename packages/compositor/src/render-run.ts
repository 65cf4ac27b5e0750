import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderContext, RenderResult, Timeline } from '@beatframe/core';
import { renderResultOf } from '@beatframe/media';
import { checkTimeline } from '@beatframe/timeline';
import { removeQuietly } from './remotion-render.js';

/**
 * What every Remotion renderer's `render` does around its own work: the timeline checked first, a work
 * folder (the context's, or a temporary one removed afterwards, failed or not), progress clamped to 0–1
 * and ended at 1, and the result probed from the file written.
 */
export async function remotionRenderRun(
  timeline: Timeline,
  outPath: string,
  ctx: RenderContext,
  name: string,
  work: (workDir: string, progress: (f: number, label?: string) => void) => Promise<void>,
): Promise<RenderResult> {
  const started = Date.now();
  checkTimeline(timeline);
  const workDir = ctx.workDir ?? (await mkdtemp(join(tmpdir(), `beatframe-${name}-`)));
  try {
    await work(workDir, (f, label) => ctx.onProgress?.(Math.max(0, Math.min(1, f)), label));
  } finally {
    if (!ctx.workDir) await removeQuietly(workDir);
  }
  const result = await renderResultOf(outPath, { ...timeline, frames: timeline.durationFrames }, started);
  ctx.onProgress?.(1);
  return result;
}
