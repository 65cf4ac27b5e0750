import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frameAtArgs, probeMedia, runFfmpeg } from '@beatframe/media';

/** What the editor measures on a clip file before judging it. */
export interface ClipMetrics {
  durationSec: number;
  width: number;
  height: number;
  /** Frames sampled (at `sampleFps`, on a 64×36 grey thumbnail). */
  frames: number;
  sampleFps: number;
  /** Share of sampled frames that are (nearly) black. */
  blackShare: number;
  /** Share of consecutive sampled frames that do not change. */
  frozenShare: number;
  /** Mean absolute change between consecutive sampled frames, 0…1 (≈0.01 still, ≥0.08 very busy). */
  motion: number;
  /** Mean brightness, 0…1. */
  brightness: number;
}

const W = 64;
const H = 36;

/** Samples a clip's frames small and grey with ffmpeg and measures black, frozen and motion. */
export async function measureClip(
  path: string,
  opts: { signal?: AbortSignal; maxSec?: number } = {},
): Promise<ClipMetrics> {
  const info = await probeMedia(path, opts.signal ? { signal: opts.signal } : {});
  const dur = info.durationSec;
  // About 48 frames whatever the length: enough for the statistics, cheap to decode.
  const sampleFps = Math.min(12, Math.max(2, 48 / Math.max(0.5, Math.min(dur, opts.maxSec ?? 30))));
  const { stdout } = await runFfmpeg(
    [
      '-t',
      String(opts.maxSec ?? 30),
      '-i',
      path,
      '-an',
      '-vf',
      `fps=${sampleFps.toFixed(3)},scale=${W}:${H},format=gray`,
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { binary: true, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  const size = W * H;
  const frames = Math.floor(stdout.length / size);
  const means: number[] = [];
  const diffs: number[] = [];
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    let diff = 0;
    const o = f * size;
    for (let i = 0; i < size; i++) {
      const v = stdout[o + i] as number;
      sum += v;
      if (f > 0) diff += Math.abs(v - (stdout[o - size + i] as number));
    }
    means.push(sum / size / 255);
    if (f > 0) diffs.push(diff / size / 255);
  }
  const share = (xs: number[], test: (x: number) => boolean) =>
    xs.length ? xs.filter(test).length / xs.length : 0;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    durationSec: dur,
    width: info.video?.width ?? 0,
    height: info.video?.height ?? 0,
    frames,
    sampleFps,
    blackShare: share(means, (m) => m < 0.06),
    frozenShare: share(diffs, (d) => d < 0.0015),
    motion: mean(diffs),
    brightness: mean(means),
  };
}

/**
 * `count` JPEG stills spread across the clip (avoiding the very first and last frame), written
 * to `dir`; the editor sends them to a vision model.
 */
export async function sampleFrames(
  path: string,
  dir: string,
  opts: { count?: number; width?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const info = await probeMedia(path, opts.signal ? { signal: opts.signal } : {});
  const count = Math.min(6, Math.max(1, opts.count ?? 4));
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = (info.durationSec * (i + 0.5)) / count;
    const file = join(dir, `frame-${i + 1}.jpg`);
    await runFfmpeg(
      [...frameAtArgs(path, t, opts.width ?? 512), '-q:v', '4', file],
      opts.signal ? { signal: opts.signal } : {},
    );
    out.push(file);
  }
  return out;
}

/** A JPEG/PNG file as a data URL, the way vision models take images inline. */
export async function imageDataUrl(path: string): Promise<string> {
  const bytes = await readFile(path);
  const mime = /\.png$/i.test(path) ? 'image/png' : /\.webp$/i.test(path) ? 'image/webp' : 'image/jpeg';
  return `data:${mime};base64,${bytes.toString('base64')}`;
}
