import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, parseSize } from '@beatframe/core';
import { runFfmpeg } from './ffmpeg.js';

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
