import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { produceAtomic } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';

/** Length of the backdrop loop; its drift is periodic in it, so the loop has no seam. */
export const BACKDROP_LOOP_SEC = 12;

/**
 * A lyric video's backdrop from the song's cover art: the image covering the frame, dimmed so the lyrics
 * read, drifting slowly in a circle that closes after BACKDROP_LOOP_SEC (so it loops without a jump).
 * Written once beside the cover (`backdrop-WxH-FPS.mp4`) and reused.
 */
export async function coverBackdrop(
  coverPath: string,
  o: { width: number; height: number; fps: number; signal?: AbortSignal },
): Promise<string> {
  const out = join(dirname(coverPath), `backdrop-${o.width}x${o.height}-${o.fps}.mp4`);
  if (existsSync(out)) return out;
  const { width: W, height: H, fps } = o;
  const big = (n: number) => 2 * Math.round((n * 1.12) / 2);
  const drift = (axis: 'x' | 'y', fn: 'sin' | 'cos', size: number) =>
    `${axis}='(i${axis === 'x' ? 'w' : 'h'}-${size})/2*(1+0.8*${fn}(2*PI*t/${BACKDROP_LOOP_SEC}))'`;
  await produceAtomic(out, (tmp) =>
    runFfmpeg(
      [
        ...['-loop', '1', '-framerate', String(fps), '-i', coverPath],
        '-vf',
        [
          `scale=${big(W)}:${big(H)}:force_original_aspect_ratio=increase`,
          `crop=${W}:${H}:${drift('x', 'sin', W)}:${drift('y', 'cos', H)}`,
          'eq=brightness=-0.12:saturation=0.9',
          'setsar=1',
          'format=yuv420p',
        ].join(','),
        ...['-t', String(BACKDROP_LOOP_SEC), '-r', String(fps), '-c:v', 'libx264', '-preset', 'veryfast'],
        ...['-crf', '20', '-an', '-f', 'mp4', tmp],
      ],
      o.signal ? { signal: o.signal } : {},
    ),
  );
  return out;
}
