import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, produceAtomic, writeFileAtomic } from '@beatframe/core';

/** One delivered cut, kept as `versions/v<n>.mp4` in the project folder so it can be watched and restored. */
export interface VideoVersion {
  n: number;
  /** When it was delivered (ISO). */
  at: string;
  /** The evaluation score of that cut, when it was scored. */
  score?: number;
  round?: number;
  /** Size and mtime of the render it came from: a deliver stage run again after a crash adds nothing. */
  source: string;
}

export interface VersionIndex {
  versions: VideoVersion[];
  /** The version the project's video currently is. */
  current?: number;
}

export const versionsDir = (projectDir: string) => join(projectDir, 'versions');
export const versionVideo = (projectDir: string, n: number) => join(versionsDir(projectDir), `v${n}.mp4`);
export const versionThumb = (projectDir: string, n: number) => join(versionsDir(projectDir), `v${n}.jpg`);
const indexPath = (projectDir: string) => join(versionsDir(projectDir), 'index.json');

export async function listVersions(projectDir: string): Promise<VersionIndex> {
  try {
    const parsed = JSON.parse(await readFile(indexPath(projectDir), 'utf8')) as VersionIndex;
    // A version whose file went missing is not offered.
    return { ...parsed, versions: parsed.versions.filter((v) => existsSync(versionVideo(projectDir, v.n))) };
  } catch {
    return { versions: [] };
  }
}

/** Keeps the delivered video as the next version (once per render), and marks it current. */
export async function keepVersion(
  projectDir: string,
  video: string,
  thumbnail: string | undefined,
  meta: { renderPath: string; score?: number; round?: number },
): Promise<VideoVersion> {
  const info = await stat(meta.renderPath);
  const source = `${info.size}:${Math.round(info.mtimeMs)}`;
  const index = await listVersions(projectDir);
  const same = index.versions.find((v) => v.source === source);
  if (same) return same;
  const n = Math.max(0, ...index.versions.map((v) => v.n)) + 1;
  await mkdir(versionsDir(projectDir), { recursive: true });
  await produceAtomic(versionVideo(projectDir, n), (tmp) => copyFile(video, tmp));
  if (thumbnail && existsSync(thumbnail))
    await produceAtomic(versionThumb(projectDir, n), (tmp) => copyFile(thumbnail, tmp));
  const version: VideoVersion = {
    n,
    at: new Date().toISOString(),
    source,
    ...(meta.score !== undefined ? { score: meta.score } : {}),
    ...(meta.round !== undefined ? { round: meta.round } : {}),
  };
  await writeFileAtomic(
    indexPath(projectDir),
    JSON.stringify({ versions: [...index.versions, version], current: n }, null, 2),
  );
  return version;
}

/** Puts version `n` back as the project's video (and thumbnail); the other versions stay. */
export async function restoreVersion(
  projectDir: string,
  n: number,
  video: string,
  thumbnail: string,
): Promise<VideoVersion> {
  const index = await listVersions(projectDir);
  const v = index.versions.find((x) => x.n === n);
  if (!v)
    throw new InputError(
      `no version ${n}; there are ${index.versions.map((x) => `v${x.n}`).join(', ') || 'none'}`,
    );
  await produceAtomic(video, (tmp) => copyFile(versionVideo(projectDir, n), tmp));
  if (existsSync(versionThumb(projectDir, n)))
    await produceAtomic(thumbnail, (tmp) => copyFile(versionThumb(projectDir, n), tmp));
  await writeFileAtomic(indexPath(projectDir), JSON.stringify({ ...index, current: n }, null, 2));
  return v;
}
