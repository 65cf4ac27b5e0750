import { rm } from 'node:fs/promises';
import { runFfmpeg, runProcess } from '@beatframe/media';

/** A solid-colour clip (optionally with a border, a rotation tag, or variable frame rate). */
export async function makeClip(
  path: string,
  o: {
    colour: string;
    seconds: number;
    size?: string;
    fps?: number;
    border?: { colour: string; px: number };
    rotate?: number;
    vfr?: boolean;
    audio?: boolean;
  },
): Promise<void> {
  const size = o.size ?? '160x90';
  const [w, h] = size.split('x').map(Number) as [number, number];
  const rate = o.fps ?? 24;
  const inner = o.border ? `${w - 2 * o.border.px}x${h - 2 * o.border.px}` : size;
  const src = (r: number, d: number) => `color=c=${o.colour}:s=${inner}:r=${r}:d=${d}`;
  // Variable frame rate: the first half at the rate, the second at half of it, timestamps kept.
  const video = o.vfr
    ? ['-f', 'lavfi', '-i', src(rate, o.seconds / 2), '-f', 'lavfi', '-i', src(rate / 2, o.seconds / 2)]
    : ['-f', 'lavfi', '-i', src(rate, o.seconds)];
  const filters: string[] = [];
  if (o.vfr) filters.push('[0:v][1:v]concat=n=2:v=1:a=0');
  if (o.border) filters.push(`pad=${w}:${h}:${o.border.px}:${o.border.px}:${o.border.colour}`);
  const target = o.rotate ? `${path}.tmp.mp4` : path;
  await runFfmpeg([
    ...video,
    ...(o.audio ? ['-f', 'lavfi', '-i', `sine=f=1000:d=${o.seconds}`] : []),
    ...(filters.length ? ['-filter_complex', filters.join(',')] : []),
    ...(o.vfr ? ['-fps_mode', 'passthrough'] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(o.audio ? ['-c:a', 'aac', '-shortest'] : []),
    target,
  ]);
  // ffmpeg 5 writes a display matrix (rotation) only when remuxing with the tag.
  if (o.rotate) {
    await runFfmpeg(['-i', target, '-c', 'copy', '-metadata:s:v:0', `rotate=${o.rotate}`, path]);
    await rm(target);
  }
}

/** A song whose pitch sweeps, so any shift in time shows up when comparing samples. */
export async function makeSong(path: string, seconds: number, rate = 44100): Promise<void> {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='0.4*sin(2*PI*(220+80*t)*t)+0.2*sin(2*PI*3*t)*sin(2*PI*660*t)|0.4*sin(2*PI*(330+50*t)*t)':s=${rate}:d=${seconds}`,
    '-c:a',
    'pcm_s16le',
    path,
  ]);
}

/** Every frame of a video as RGB bytes at a small size. */
export async function decodeFrames(
  path: string,
  size = { w: 32, h: 18 },
): Promise<{ frames: Buffer[]; pixel(f: number, x: number, y: number): [number, number, number] }> {
  const { stdout } = await runFfmpeg(
    [
      '-i',
      path,
      '-vf',
      `scale=${size.w}:${size.h}:flags=area`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { binary: true },
  );
  const per = size.w * size.h * 3;
  const frames: Buffer[] = [];
  for (let o = 0; o + per <= stdout.length; o += per) frames.push(stdout.subarray(o, o + per));
  return {
    frames,
    pixel(f, x, y) {
      const b = frames[f]!;
      const i = (y * size.w + x) * 3;
      return [b[i]!, b[i + 1]!, b[i + 2]!];
    },
  };
}

/** Decoded audio as interleaved float samples at the given rate and channel count. */
export async function decodePcm(path: string, rate: number, channels: number): Promise<Float32Array> {
  const { stdout } = await runFfmpeg(
    [
      '-i',
      path,
      '-vn',
      '-f',
      'f32le',
      '-acodec',
      'pcm_f32le',
      '-ar',
      String(rate),
      '-ac',
      String(channels),
      'pipe:1',
    ],
    { binary: true },
  );
  const copy = new Uint8Array(stdout);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

/** Top-level MP4 boxes in file order (fast start = moov before mdat): the conformance suite's reader. */
export { topLevelBoxes } from '@beatframe/renderer-conformance';

/** ffprobe facts the tests check: codecs, pixel format, exact frame count, durations. */
export async function probeStreams(path: string): Promise<{
  video: { codec: string; pixFmt: string; width: number; height: number; frames: number; fps: string };
  audio: { codec: string; sampleRate: number; channels: number; durationSec: number };
  durationSec: number;
}> {
  const { stdout } = await runProcess('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  const j = JSON.parse(stdout.toString());
  const v = j.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
  const a = j.streams.find((s: { codec_type: string }) => s.codec_type === 'audio');
  return {
    video: {
      codec: v.codec_name,
      pixFmt: v.pix_fmt,
      width: v.width,
      height: v.height,
      frames: Number(v.nb_read_frames),
      fps: v.avg_frame_rate,
    },
    audio: {
      codec: a.codec_name,
      sampleRate: Number(a.sample_rate),
      channels: a.channels,
      durationSec: Number(a.duration),
    },
    durationSec: Number(j.format.duration),
  };
}
