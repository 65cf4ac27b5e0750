/** Stage 3, plan: the crew's shot list (and the planner's input, shared with the prompt stage). */
import type { AudioAnalysis, Song } from '@beatframe/core';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

export async function planStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const input = await this.planInput(ctx);
  const crew = await this.crew(ctx.options.crew);
  const storyboard = await crew.plan(input, ctx.plugin);
  return { kind: 'done', output: storyboard };
}

export async function planInput(this: Engine, ctx: StageCtx) {
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
