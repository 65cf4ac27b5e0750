import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestOf, InputError, produceAtomic } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { type ClipTarget, clipIssues } from '@beatframe/timeline';

/** The ffmpeg filter that turns any clip into the target size (cover or contain), fps (constant) and yuv420p. */
export function normalizeFilter(target: ClipTarget): string {
  const { width: w, height: h, fps } = target;
  const fit =
    target.fit === 'contain'
      ? `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`
      : `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;
  return `${fit},setsar=1,fps=${fps},format=yuv420p`;
}

/**
 * Rewrites a clip as H.264 at exactly the target size and constant frame rate, rotation applied, no audio,
 * with a keyframe every half second so seeking is cheap. Cached in `cacheDir` by the source's path, size,
 * mtime and the target; returns the normalised file's path.
 */
export async function normalizeClip(
  src: string,
  target: ClipTarget,
  cacheDir: string,
  opts: { signal?: AbortSignal; crf?: number } = {},
): Promise<string> {
  if (!existsSync(src)) throw new InputError(`clip ${src} does not exist`);
  const st = await stat(src);
  const key = digestOf({ src, size: st.size, mtime: st.mtimeMs, target, crf: opts.crf ?? 16, v: 1 }).slice(
    0,
    20,
  );
  const out = join(cacheDir, `${key}.mp4`);
  if (existsSync(out)) return out;
  await produceAtomic(out, (tmp) =>
    runFfmpeg(
      [
        '-i',
        src,
        '-an',
        '-vf',
        normalizeFilter(target),
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        String(opts.crf ?? 16),
        '-g',
        String(Math.max(1, Math.round(target.fps / 2))),
        '-movflags',
        '+faststart',
        tmp,
      ],
      opts.signal ? { signal: opts.signal } : {},
    ),
  );
  return out;
}

export { type ClipTarget, clipIssues, probeMedia };
