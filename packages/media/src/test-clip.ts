import { rm } from 'node:fs/promises';
import type { Clip } from '@beatframe/core';
import { runFfmpeg } from './ffmpeg.js';

/**
 * A small real clip for tests, benchmarks and the vendor emulators: ffmpeg's test sources (H.264 yuv420p, fast
 * start), with a tone when asked. The one `makeTestClip` (`@beatframe/media/testing`).
 */
export interface TestClipOptions {
  width: number;
  height: number;
  fps: number;
  durationSec: number;
  /** lavfi source: testsrc2 (moving pattern), mandelbrot (slow zoom), life, cellauto, rgbtestsrc. */
  pattern?: string;
  /** Rotation metadata, degrees (a phone clip). */
  rotate?: number;
  /** Encode with variable frame timing (drops frames irregularly). */
  variableFrameRate?: boolean;
  /** A 330-Hz tone (AAC). */
  withAudio?: boolean;
  /** A tone of this pitch instead (48 kHz, AAC at 48 kb/s), as the vendor emulators serve. */
  toneHz?: number;
  /** Scrolls the pattern, so a reviewer that measures movement sees a moving shot. */
  motion?: boolean;
  hue?: number;
}

export async function makeTestClip(path: string, o: TestClipOptions): Promise<Clip> {
  const size = `${o.width}x${o.height}`;
  const pattern = o.pattern ?? 'testsrc2';
  const src =
    pattern === 'mandelbrot'
      ? `mandelbrot=s=${size}:r=${o.fps}`
      : pattern === 'life'
        ? `life=s=${size}:r=${o.fps}:mold=10:ratio=0.1:seed=7:death_color=#101040:life_color=#ffcc00`
        : `${pattern}=s=${size}:r=${o.fps}`;
  const vf = [
    ...(o.motion ? ['scroll=h=0.012:v=0.006'] : []),
    `hue=h=${o.hue ?? 0}`,
    ...(o.variableFrameRate ? ["select='not(eq(mod(n\\,7)\\,3))'"] : []),
  ];
  const tone =
    o.toneHz !== undefined
      ? ['-f', 'lavfi', '-i', `sine=frequency=${o.toneHz}:sample_rate=48000:duration=${o.durationSec}`]
      : o.withAudio
        ? ['-f', 'lavfi', '-i', `sine=f=330:d=${o.durationSec}`]
        : [];
  const audio = o.toneHz !== undefined ? ['-c:a', 'aac', '-b:a', '48k'] : ['-c:a', 'aac'];
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    src,
    ...tone,
    '-t',
    String(o.durationSec),
    '-vf',
    vf.join(','),
    ...(o.variableFrameRate ? ['-fps_mode', 'vfr'] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(tone.length ? [...audio, '-shortest'] : ['-an']),
    '-movflags',
    '+faststart',
    o.rotate ? `${path}.unrotated.mp4` : path,
  ]);
  if (o.rotate) {
    // ffmpeg 5 turns the rotate tag into a display matrix when stream-copying (not when encoding).
    await runFfmpeg([
      '-i',
      `${path}.unrotated.mp4`,
      '-c',
      'copy',
      '-metadata:s:v:0',
      `rotate=${o.rotate}`,
      '-movflags',
      '+faststart',
      path,
    ]);
    await rm(`${path}.unrotated.mp4`, { force: true });
  }
  return {
    path,
    durationSec: o.durationSec,
    width: o.width,
    height: o.height,
    fps: o.fps,
    hasAudio: tone.length > 0,
    provider: 'test',
    costUsd: 0,
  };
}
