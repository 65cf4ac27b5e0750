/** Stage 2, analyze: beats, sections and lyrics of the song. */
import type { Song } from '@beatframe/core';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

export async function analyzeStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const song = await this.stageOutput<Song>(ctx.project.id, 'ingest');
  const analysis = await this.deps.analyze(song, {
    signal: ctx.signal,
    logger: ctx.logger,
    onProgress: (f) => ctx.progress(f),
    decisions: ctx.decisions,
    ...(ctx.options.bpm ? { bpm: ctx.options.bpm } : {}),
  });
  return { kind: 'done', output: analysis };
}
