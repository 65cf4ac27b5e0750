import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, InputError, produceAtomic, writeFileAtomic } from '@beatframe/core';
import { type MediaInfo, probeMedia } from '@beatframe/media';

/** File extensions taken as video clips. */
export const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.m4v', '.webm', '.mkv', '.avi'];
/** The optional mapping file: `{ "<shotId>": "file.mp4", "3": "other.mov" }` (numbers are 1-based shot positions). */
export const MAPPING_FILE = 'clips.json';

export interface ShotKey {
  shotId?: string;
  /** 0-based position in the storyboard. */
  shotIndex?: number;
}

function isVideo(name: string): boolean {
  return VIDEO_EXTENSIONS.includes(extname(name).toLowerCase()) && !name.startsWith('.');
}

/** Reads `clips.json` when present; a broken one is the user's to fix, so it says where. */
export function readMapping(dir: string): Record<string, string> {
  const file = join(dir, MAPPING_FILE);
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${file} must map shot ids (or 1-based shot numbers) to file names`);
  }
  return Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}

/**
 * Finds the clip for a shot, in order: the mapping file, a file named after the shot id (`s3.mp4`), a file
 * whose name starts with the shot's 1-based number (`03-chorus.mp4`, `3.mov`).
 */
export function findShotClip(dir: string, key: ShotKey): string | undefined {
  const mapping = readMapping(dir);
  const number = key.shotIndex !== undefined ? key.shotIndex + 1 : undefined;
  const mapped =
    (key.shotId ? mapping[key.shotId] : undefined) ??
    (number !== undefined ? mapping[String(number)] : undefined);
  if (mapped) {
    const p = isAbsolute(mapped) ? mapped : join(dir, mapped);
    if (!existsSync(p))
      throw new InputError(`${MAPPING_FILE} maps ${key.shotId ?? number} to ${mapped}, which does not exist`);
    return p;
  }
  const files = readdirSync(dir).filter(isVideo).sort();
  if (key.shotId) {
    const byId = files.find((f) => f.slice(0, -extname(f).length) === key.shotId);
    if (byId) return join(dir, byId);
  }
  if (number !== undefined) {
    const byNumber = files.find((f) => Number(/^(\d+)(?=[-_. ])/.exec(f)?.[1]) === number);
    if (byNumber) return join(dir, byNumber);
  }
  return undefined;
}

/** What a user must add: the names that would be found for a shot. */
export function expectedNames(key: ShotKey): string {
  const names = [
    ...(key.shotId ? [`${key.shotId}.mp4`] : []),
    ...(key.shotIndex !== undefined ? [`${String(key.shotIndex + 1).padStart(2, '0')}-<anything>.mp4`] : []),
    `an entry in ${MAPPING_FILE}`,
  ];
  return names.join(', ');
}

/** The folder from settings or BEATFRAME_MANUAL_DIR, checked. */
export function manualDir(settingsDir: string | undefined, env: Record<string, string | undefined>): string {
  const dir = settingsDir ?? env.BEATFRAME_MANUAL_DIR;
  if (!dir)
    throw new ConfigError('manual needs a folder of clips: set BEATFRAME_MANUAL_DIR or providers.manual.dir');
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new ConfigError(`manual clip folder ${abs} does not exist`);
  return abs;
}

/** Where each shot's clip is, and which shots have none — to tell a user everything missing at once. */
export function planManualClips(dir: string, shots: Array<{ id: string; index: number }>) {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const s of shots) {
    const p = findShotClip(dir, { shotId: s.id, shotIndex: s.index });
    if (p) found[s.id] = p;
    else missing.push(s.id);
  }
  return { found, missing };
}

/**
 * Replaces one shot's clip with a file of your own: checks it is a video, copies it into the folder as
 * `<shotId><ext>` (atomically) and points the mapping at it when the mapping named that shot.
 */
export async function replaceShotClip(
  dir: string,
  shotId: string,
  source: string,
): Promise<{ path: string; info: MediaInfo }> {
  if (!/^[\w.-]+$/.test(shotId)) throw new InputError(`shot id "${shotId}" cannot be a file name`);
  if (!existsSync(source)) throw new InputError(`${source} does not exist`);
  const info = await probeMedia(source);
  if (!info.video) throw new InputError(`${source} has no video stream`);
  const ext = extname(source).toLowerCase() || '.mp4';
  if (!VIDEO_EXTENSIONS.includes(ext))
    throw new InputError(`${source}: use one of ${VIDEO_EXTENSIONS.join(', ')}`);
  const dest = join(dir, `${shotId}${ext}`);
  await produceAtomic(dest, (tmp) => copyFile(source, tmp));
  for (const f of readdirSync(dir)) {
    if (isVideo(f) && f !== `${shotId}${ext}` && f.slice(0, -extname(f).length) === shotId)
      await rm(join(dir, f));
  }
  const mapping = readMapping(dir);
  if (mapping[shotId]) {
    mapping[shotId] = `${shotId}${ext}`;
    await writeFileAtomic(join(dir, MAPPING_FILE), `${JSON.stringify(mapping, null, 2)}\n`);
  }
  return { path: dest, info };
}
