import { join } from 'node:path';
import { parseSize } from '@beatframe/core';
import { makeTestClip } from '@beatframe/media/testing';

/** The test clip an emulated job delivers, rendered into the emulator's folder as `<name>.mp4`; its path. */
export function jobClip(
  dir: string,
  name: string,
  job: { size: string; seconds: number },
  look: { fps: number; motion?: boolean; toneHz?: number },
): Promise<string> {
  return makeTestClip(join(dir, `${name}.mp4`), {
    ...parseSize(job.size),
    durationSec: job.seconds,
    ...look,
  }).then((c) => c.path);
}

/**
 * Starts rendering a running job's clip once (a job set to fail makes none); `ready` holds its path when done,
 * which is when the job may report itself finished.
 */
export function startJobClip(
  dir: string,
  job: {
    id: string;
    size?: string | undefined;
    seconds: number;
    fail?: unknown;
    file?: Promise<string>;
    ready?: string;
  },
  look: { fps: number; motion?: boolean },
): void {
  if (job.file || job.fail) return;
  // A job that runs was given its size when it was created.
  job.file = jobClip(dir, job.id, { size: job.size!, seconds: job.seconds }, look);
  job.file.then((f) => {
    job.ready = f;
  });
}
