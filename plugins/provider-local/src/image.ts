import type { PluginContext } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';

/** Three colours of an image: the average of its left, middle and right thirds. */
export async function coloursOfImage(path: string, ctx: PluginContext): Promise<string[]> {
  try {
    const { stdout } = await runFfmpeg(
      [
        '-i',
        path,
        '-frames:v',
        '1',
        '-vf',
        'scale=3:1:flags=area',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      { binary: true },
    );
    const hex: string[] = [];
    for (let i = 0; i + 2 < Math.min(stdout.length, 9); i += 3) {
      hex.push(
        [stdout[i], stdout[i + 1], stdout[i + 2]].map((v) => (v ?? 0).toString(16).padStart(2, '0')).join(''),
      );
    }
    return hex;
  } catch (err) {
    ctx.logger.warn(
      { path, err: (err as Error).message },
      'reference image unreadable; its colours are not used',
    );
    return [];
  }
}
