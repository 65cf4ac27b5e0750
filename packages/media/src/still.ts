import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
