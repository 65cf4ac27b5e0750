/** What the route modules share: the options, the pipeline, and the helpers that read requests and uploads. */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatframeError, type Logger } from '@beatframe/core';
import type { Beatframe, ProjectDetail } from '@beatframe/pipeline';
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { fileResponse } from './files.js';
import { listCache } from './list-cache.js';
import { MultipartError, readMultipart } from './multipart.js';
import { fail, projectOr404 } from './studio-util.js';
import { sweepUploads, throttled } from './uploads.js';
import { badId } from './validate-request.js';

export interface ApiOptions {
  bf: Beatframe;
  /** When set, every /api route needs `Authorization: Bearer <token>` (or the web session cookie). */
  token?: string;
  /** Origins allowed to call the API from a browser; CORS is off when empty. */
  cors?: string[];
  /** Largest upload (song or clip), bytes. Default 200 MB. */
  maxUploadBytes?: number;
  /** Where uploads are stored under generated names (default <dataDir>/uploads). */
  uploadDir?: string;
  /** The built web dashboard to serve at `/` (apps/web's public folder). */
  webDir?: string;
  /** SSE heartbeat interval, ms (default 15 s). */
  heartbeatMs?: number;
  /** Uploads no project needs are removed once untouched this long (default 1 h). */
  uploadGraceMs?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024;
export const AUDIO_EXT = new Set([
  '.mp3',
  '.wav',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.aac',
  '.aiff',
  '.webm',
]);
export const VIDEO_EXT = new Set(['.mp4', '.mov', '.webm', '.mkv', '.m4v']);

/** One line from zod's issues, e.g. "aspect: Invalid option". */
export function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) fail(400, 'INVALID', issues(r.error));
  return r.data;
}

export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) {
    const raw = await c.req.text();
    return raw.trim() === '' ? {} : fail(400, 'INVALID', 'send JSON (Content-Type: application/json)');
  }
  try {
    return await c.req.json();
  } catch {
    return fail(400, 'INVALID', 'the body is not valid JSON');
  }
}

/** The options resolved once, and the helpers every route module uses. */
export type ApiContext = ReturnType<typeof createApiContext>;

export function createApiContext(opts: ApiOptions) {
  const { bf } = opts;
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const uploadDir = opts.uploadDir ?? join(bf.config.dataDir, 'uploads');
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const logger = opts.logger ?? bf.logger;
  const sweep = throttled(
    () =>
      sweepUploads({
        uploadDir,
        inUse: () => bf.songFilesInUse(),
        graceMs: opts.uploadGraceMs ?? 3600_000,
        logger,
      }),
    opts.uploadGraceMs ?? 600_000,
    logger,
  );
  const listed = listCache(bf);
  const detail = (id: string): Promise<ProjectDetail> => projectOr404(bf, id);
  async function shot(id: string, shotId: string) {
    const bad = badId(shotId);
    if (bad) fail(400, 'INVALID', bad);
    const d = await detail(id);
    const s = d.shots.find((x) => x.id === shotId);
    if (!s) fail(404, 'NOT_FOUND', `project ${id} has no shot ${shotId}`);
    return { d, s };
  }
  /** Streams a multipart body: its one file to a generated name, the client's file name is never a path. */
  async function upload(c: Context, field: string, kind: 'songs' | 'clips', allowed: Set<string>) {
    const type = c.req.header('content-type') ?? '';
    if (!type.includes('multipart/form-data'))
      fail(400, 'INVALID', `send multipart/form-data with the file in \`${field}\``);
    let result: Awaited<ReturnType<typeof readMultipart>>;
    try {
      result = await readMultipart(c.req.raw, {
        fileField: field,
        dir: join(uploadDir, kind),
        allowedExt: allowed,
        maxBytes: maxUpload,
      });
    } catch (err) {
      if (err instanceof MultipartError)
        fail(err.status, err.status === 413 ? 'TOO_LARGE' : 'INVALID', err.message);
      throw err;
    }
    const { file } = result;
    if (!file) fail(400, 'INVALID', `send the file in the form field \`${field}\``);
    if (file.size === 0) {
      await rm(file.path, { force: true });
      fail(400, 'INVALID', 'the uploaded file is empty');
    }
    return { fields: result.fields, file };
  }
  /** The pipeline's messages name files; a person uploaded "song.mp3", not a generated path. */
  async function withUpload<T>(path: string, label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await rm(path, { force: true });
      if (err instanceof BeatframeError) err.message = err.message.replaceAll(path, label);
      throw err;
    }
  }
  /** Lyrics come as a text field; the pipeline reads them from a file at ingest, like the CLI's --lyrics. */
  async function saveLyrics(text: string): Promise<string> {
    const dir = join(uploadDir, 'lyrics');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${randomUUID()}.lrc`);
    await writeFile(path, text, 'utf8');
    return path;
  }
  const displayName = (fileName: string) =>
    fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^\p{L}\p{N} _().,'&-]+/gu, ' ')
      .trim()
      .slice(0, 120) || undefined;

  const fileRoute = async (c: Context, path: string | undefined, what: string, downloadName?: string) => {
    if (!path || !existsSync(path)) fail(404, 'NOT_FOUND', `${what} is not there (yet)`);
    return fileResponse(c.req.raw, path, downloadName ? { downloadName } : {});
  };
  return {
    bf,
    opts,
    maxUpload,
    uploadDir,
    heartbeatMs,
    logger,
    sweep,
    listed,
    detail,
    shot,
    upload,
    withUpload,
    saveLyrics,
    displayName,
    fileRoute,
  };
}
