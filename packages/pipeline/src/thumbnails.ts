/** Thumbnails and frames read from clips (ffmpeg). */
import { join } from 'node:path';
import { type Clip, produceAtomic } from '@beatframe/core';
import { shots } from '@beatframe/db';
import { grabFrames, runFfmpeg } from '@beatframe/media';
import { and, eq } from 'drizzle-orm';
import type { Engine } from './engine.js';

export async function shotThumbnail(
  this: Engine,
  projectId: string,
  shotId: string,
  attempt: number,
  clip: Clip,
): Promise<string> {
  const thumb = join(this.projectDir(projectId), 'thumbs', `${shotId}-a${attempt}.jpg`);
  await this.thumbnail(clip.path, thumb, clip.durationSec / 2);
  await this.addAsset(projectId, 'thumbnail', thumb, shotId);
  await this.db
    .update(shots)
    .set({ thumbnailPath: thumb, clip: { ...clip, shotId, thumbnailPath: thumb } })
    .where(and(eq(shots.projectId, projectId), eq(shots.id, shotId), eq(shots.attempt, attempt)));
  return thumb;
}

export async function thumbnail(this: Engine, video: string, dest: string, atSec: number): Promise<void> {
  await produceAtomic(dest, (tmp) =>
    runFfmpeg([
      '-y',
      '-v',
      'error',
      '-ss',
      String(Math.max(0, atSec)),
      '-i',
      video,
      '-frames:v',
      '1',
      '-vf',
      'scale=320:-2',
      tmp,
    ]),
  );
}

export async function extractFrames(this: Engine, clip: Clip, prefix: string): Promise<string[]> {
  // One ffmpeg process for the three stills (each start costs ~0.25 s of CPU); a clip it cannot seek into
  // everywhere is judged on the frames that could be read.
  return grabFrames(
    clip.path,
    [0.15, 0.5, 0.85].map((f, i) => ({ atSec: clip.durationSec * f, dest: `${prefix}-${i}.jpg` })),
  );
}
