import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { InputError, ProviderError, parseSize, produceAtomic } from '@beatframe/core';
import { runFfmpeg } from './ffmpeg.js';
import { probeMedia } from './probe.js';

export interface FitStillOptions {
  /** Output image format (default png). */
  format?: 'png' | 'jpeg';
  signal?: AbortSignal | undefined;
}

/**
 * The first frame of an image (or video) at `path`, scaled to cover `size` ("WIDTHxHEIGHT") and cropped to it,
 * as PNG or JPEG bytes, so a start image frames like the clip. `what` names it in the InputErrors: "`what` PATH
 * does not exist", "`what` PATH is not a readable image".
 */
export async function fitStill(path: string, size: string, what: string, opts: FitStillOptions = {}) {
  if (!existsSync(path)) throw new InputError(`${what} ${path} does not exist`);
  const { width, height } = parseSize(size);
  const jpeg = opts.format === 'jpeg';
  const dir = await mkdtemp(join(tmpdir(), 'bf-still-'));
  const out = join(dir, jpeg ? 'still.jpg' : 'still.png');
  try {
    await runFfmpeg(
      [
        '-i',
        path,
        '-frames:v',
        '1',
        '-vf',
        `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`,
        ...(jpeg ? ['-q:v', '3'] : []),
        out,
      ],
      opts.signal ? { signal: opts.signal } : {},
    );
    return await readFile(out);
  } catch (err) {
    throw new InputError(`${what} ${path} is not a readable image`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes image bytes a provider returned to `dest` atomically, after ffprobe has read them as a picture;
 * bytes that are not one are a retryable ProviderError (a truncated or garbled response), never a file on disk.
 */
export async function saveStill(
  bytes: Uint8Array,
  dest: string,
  what: string,
): Promise<{ width: number; height: number }> {
  return produceAtomic(dest, async (tmp) => {
    await writeFile(tmp, bytes);
    const size = await stillSize(tmp);
    if (!size) throw new ProviderError('retryable', `${what}: the image received is not a readable picture`);
    return size;
  });
}

/** The Still a provider returns: what it was for and the shot, where it is and its size, then who made it. */
export function stillOfJob<M extends { provider: string; costUsd: number }>(
  req: { purpose?: string | undefined; shotId?: string | undefined },
  path: string,
  size: { width: number; height: number },
  made: M,
) {
  return {
    ...(req.purpose ? { purpose: req.purpose } : {}),
    ...(req.shotId ? { shotId: req.shotId } : {}),
    path,
    ...size,
    ...made,
  };
}

/** Width and height of the picture at `path`, or undefined when ffprobe cannot read one. */
export async function stillSize(path: string): Promise<{ width: number; height: number } | undefined> {
  try {
    const info = await probeMedia(path);
    if (!info.video || info.video.width <= 0 || info.video.height <= 0) return undefined;
    return { width: info.video.width, height: info.video.height };
  } catch {
    return undefined;
  }
}

export interface FrameGrab {
  /** Where in the video, seconds. */
  atSec: number;
  /** The JPEG to write (atomically). */
  dest: string;
}

/**
 * Several stills of one video in one ffmpeg process: one seeked input per still. Each ffmpeg start costs ~0.25 s
 * of CPU on Debian's build (it loads ~200 libraries), more than decoding a frame; a review's three frames were
 * three processes. Returns the paths written; when the one process fails, each still is tried on its own, so a
 * clip ffmpeg cannot seek into everywhere still yields the frames that can be read.
 */
export async function grabFrames(
  video: string,
  grabs: FrameGrab[],
  opts: { width?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const scale = `scale=${opts.width ?? 320}:-2`;
  const run = opts.signal ? { signal: opts.signal } : {};
  const inputs = (list: FrameGrab[]) =>
    list.flatMap((g) => ['-ss', String(Math.max(0, g.atSec)), '-i', video]);
  const outputs = (tmps: string[]) =>
    tmps.flatMap((tmp, i) => ['-map', `${i}:v:0`, '-frames:v', '1', '-vf', scale, tmp]);
  if (grabs.length > 1) {
    try {
      await produceAll(
        grabs.map((g) => g.dest),
        async (tmps) => {
          await runFfmpeg(['-y', '-v', 'error', ...inputs(grabs), ...outputs(tmps)], run);
        },
      );
      return grabs.map((g) => g.dest);
    } catch {
      // One unreadable position fails the whole process: fall back to one still at a time.
    }
  }
  const done: string[] = [];
  for (const g of grabs) {
    try {
      await produceAtomic(g.dest, (tmp) =>
        runFfmpeg(['-y', '-v', 'error', ...inputs([g]), ...outputs([tmp])], run),
      );
      done.push(g.dest);
    } catch {
      // Judged on the frames that could be read.
    }
  }
  return done;
}

/** produceAtomic for several files made by one step: a failed step leaves none of them behind. */
async function produceAll(dests: string[], produce: (tmps: string[]) => Promise<void>): Promise<void> {
  const [first, ...rest] = dests;
  if (!first) return;
  if (!rest.length) return produceAtomic(first, (tmp) => produce([tmp]));
  return produceAtomic(first, (tmp0) => produceAll(rest, (tmps) => produce([tmp0, ...tmps])));
}

/** The image types the vendors' reference inputs take, by file extension. */
const REFERENCE_MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/**
 * A reference image's bytes and MIME type, read as they are (vendors fit references themselves). InputErrors:
 * "reference image PATH does not exist", "... must be a PNG, JPEG or WebP file".
 */
export async function readReferenceImage(path: string): Promise<{ bytes: Buffer; mimeType: string }> {
  if (!existsSync(path)) throw new InputError(`reference image ${path} does not exist`);
  const mimeType = REFERENCE_MIME[extname(path).toLowerCase()];
  if (!mimeType) throw new InputError(`reference image ${path} must be a PNG, JPEG or WebP file`);
  return { bytes: await readFile(path), mimeType };
}

/** ffmpeg's input arguments for one frame of a video at `t` seconds, scaled to `width` (height kept even). */
export function frameAtArgs(path: string, t: number, width: number): string[] {
  return ['-ss', t.toFixed(3), '-i', path, '-frames:v', '1', '-vf', `scale=${width}:-2`];
}
