import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@beatframe/core';

/**
 * Uploads are stored under generated names in <uploadDir>/songs, /lyrics and /clips. A song or lyrics
 * file stays while a project still has to read it; a clip is copied into its project at once. Anything else older
 * than the grace period (an upload whose request died, a project deleted before its song was read) is
 * an orphan and is removed.
 */
export async function sweepUploads(opts: {
  uploadDir: string;
  /** Files projects still need (the songs of projects whose ingest has not finished). */
  inUse: () => Promise<string[]>;
  /** Only files untouched for this long are candidates (an upload in progress is written to). */
  graceMs: number;
  logger?: Logger;
  now?: number;
}): Promise<string[]> {
  const keep = new Set(await opts.inUse());
  const now = opts.now ?? Date.now();
  const removed: string[] = [];
  for (const kind of ['songs', 'clips', 'lyrics']) {
    const dir = join(opts.uploadDir, kind);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      if (keep.has(path)) continue;
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile() || now - info.mtimeMs < opts.graceMs) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  if (removed.length) opts.logger?.info({ files: removed.length }, 'removed orphaned uploads');
  return removed;
}

/** Runs `sweep` at most once per `everyMs`, in the background; errors are logged, never thrown. */
export function throttled(sweep: () => Promise<unknown>, everyMs: number, logger?: Logger): () => void {
  let last = Number.NEGATIVE_INFINITY;
  let running = false;
  return () => {
    const now = Date.now();
    if (running || now - last < everyMs) return;
    last = now;
    running = true;
    sweep()
      .catch((err) => logger?.warn({ err: (err as Error).message }, 'upload sweep failed'))
      .finally(() => {
        running = false;
      });
  };
}
