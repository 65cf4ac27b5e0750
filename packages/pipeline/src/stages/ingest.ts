/** Stage 1, ingest: the song is fetched or copied into the project folder. */
import { join } from 'node:path';
import type { IngestInput } from '../deps.js';
import type { Engine } from '../engine.js';
import type { StageCtx, StageResult } from './stage.js';

export async function ingestStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const input = ctx.project.input as IngestInput;
  const song = await this.deps.ingest(input, {
    destDir: join(ctx.dir, 'song'),
    signal: ctx.signal,
    logger: ctx.logger,
    config: this.config,
  });
  await this.addAsset(ctx.project.id, 'song', song.audioPath);
  return { kind: 'done', output: song };
}
