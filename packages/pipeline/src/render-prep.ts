/**
 * The render's pre-work, overlapped with generation: what the final render needs of the song, its analysis and
 * the storyboard but of no clip (the hybrid renderer's text overlays: title card, lyric captions) is done while
 * the clips are made, so the render stage finds it done. On a generator that makes its clips on this machine's
 * CPU, the pre-work holds one of the generator's slots while it runs: never more CPU-heavy processes than the
 * generator is allowed (one a core), both cores kept busy.
 */
import { join } from 'node:path';
import { type AudioAnalysis, type Song, type Storyboard, userMessage } from '@beatframe/core';
import type { Engine } from './engine.js';
import type { Lease } from './slots.js';
import type { StageCtx } from './stages/stage.js';

/**
 * Starts the render's pre-work in the background (once per project in this process); the render stage awaits
 * it (`renderPrepDone`). Never fails the project: what it did not finish, the render does.
 */
export function startRenderPrep(this: Engine, ctx: StageCtx): void {
  const projectId = ctx.project.id;
  if (ctx.options.preview || !this.deps.draftTimeline || this.renderPreps.has(projectId)) return;
  const ac = new AbortController();
  // The generate stage job returns at once (its shots run on): the pre-work is tracked on its own.
  const untrack = this.track(projectId, ac);
  const logger = ctx.logger.child({ stage: 'render', step: 'prepare' });
  const decisions = this.decisionSink(projectId, 'render');
  const run = (async () => {
    const renderer = await this.renderer(ctx.options.renderer);
    if (!renderer.prepare) return;
    const song = await this.stageOutput<Song>(projectId, 'ingest');
    const analysis = await this.stageOutput<AudioAnalysis>(projectId, 'analyze');
    const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(projectId, 'prompt');
    const draft = await this.deps.draftTimeline!({ song, analysis, storyboard, options: ctx.options });
    const provider = await this.provider(ctx.options.provider);
    let lease: Lease | undefined;
    let renew: NodeJS.Timeout | undefined;
    try {
      if (provider.capabilities.cpuBound) {
        lease = await this.providerSlot(provider, ac.signal);
        if (!lease) return;
        renew = setInterval(() => void lease?.renew().catch(() => {}), 20_000);
      }
      await decisions.record({
        role: 'pipeline',
        summary: `render pre-work started while the clips are made (${renderer.name}: the text overlays, which need no clip)${lease ? `, in one of ${provider.name}'s slots` : ''}`,
        output: { prepare: 'started' },
      });
      const done = await renderer.prepare(draft, {
        logger,
        signal: ac.signal,
        decisions,
        env: this.env,
        workDir: join(ctx.dir, 'render', 'prepare'),
        // One Chromium tab: the other core is the generator's.
        concurrency: 1,
      });
      await decisions.record({
        role: 'pipeline',
        summary: `render pre-work done while the clips are made: ${done.summary}`,
        output: { prepare: 'done' },
      });
    } finally {
      if (renew) clearInterval(renew);
      await lease?.release().catch(() => {});
    }
  })()
    .catch((err) => {
      if (!ac.signal.aborted)
        logger.warn({ err: userMessage(err) }, 'render pre-work failed; the render will do it');
    })
    .finally(() => {
      untrack();
      this.renderPreps.delete(projectId);
    });
  this.renderPreps.set(projectId, run);
}

/** Waits for this process's pre-work of the project, if any runs (the render would otherwise do it twice). */
export async function renderPrepDone(this: Engine, projectId: string): Promise<void> {
  await this.renderPreps.get(projectId);
}
