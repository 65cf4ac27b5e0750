/** Thumbnails and frames read from clips (ffmpeg). */
import { join } from 'node:path';
import { type Clip, produceAtomic } from '@beatframe/core';
import { shots } from '@beatframe/db';
import { runFfmpeg } from '@beatframe/media';
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
  const out: string[] = [];
  for (const [i, f] of [0.15, 0.5, 0.85].entries()) {
    const path = `${prefix}-${i}.jpg`;
    try {
      await this.thumbnail(clip.path, path, clip.durationSec * f);
      out.push(path);
    } catch {
      // A clip ffmpeg cannot seek into is judged on the frames that could be read.
    }
  }
  return out;
}
