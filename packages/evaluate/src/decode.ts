import { spawn } from 'node:child_process';
import { BeatframeError, InputError } from '@beatframe/core';
import { ffmpegPath, type MediaInfo, probeMedia, runFfmpeg } from '@beatframe/media';

/** What is kept of each decoded frame: a few numbers and a tiny grey thumbnail, never the frame itself. */
export interface FrameFeatures {
  /** Mean luma 0…1 (Rec. 601). */
  luma: number;
  /** Standard deviation of luma, 0…1. */
  lumaStd: number;
  saturation: number;
  /** Mean (R − B), −1…1: positive is warm. */
  warmth: number;
  /** Mean absolute luma change from the previous frame, 0…1 (0 for the first frame). */
  diff: number;
  /** Largest absolute luma change of any pixel from the previous frame, 0…1. */
  maxDiff: number;
  /**
   * Mean and largest absolute luma change from the first frame of the still run this frame belongs to (as ffmpeg's
   * freezedetect compares with a reference, not with the previous frame): a slow pan changes little frame to frame
   * but drifts away from where it started; a stuck clip does not. Absent on features made by hand.
   */
  stillDiff?: number;
  stillMaxDiff?: number;
}

/** Below these a frame is the same picture as another (codec noise at the analysis size): mean, largest pixel. */
export const SAME_PICTURE = { meanDiff: 0.0015, maxDiff: 0.04 } as const;

export interface DecodedVideo {
  info: MediaInfo;
  fps: number;
  width: number;
  height: number;
  frames: FrameFeatures[];
  /** Per-frame normalised RGB histograms, HIST_BINS per channel, concatenated. */
  hist: Float32Array[];
  /** Per-frame grey thumbnails (THUMB_W × THUMB_H, 0…255). */
  thumbs: Uint8Array[];
}

export const HIST_BINS = 16;
export const THUMB_W = 16;
export const THUMB_H = 9;

/** Analysis frame size: about 64×36 pixels whatever the aspect, even sides. */
function analysisSize(width: number, height: number): { w: number; h: number } {
  const area = 64 * 36;
  const aspect = width > 0 && height > 0 ? width / height : 16 / 9;
  const w = Math.max(8, 2 * Math.round(Math.sqrt(area * aspect) / 2));
  const h = Math.max(8, 2 * Math.round(w / aspect / 2));
  return { w, h };
}

/**
 * Decodes the video small (≈64×36 RGB, at its own frame rate up to 60 fps) through a pipe and keeps per-frame
 * features. Streams, so memory stays small for long videos.
 */
export async function decodeVideo(
  path: string,
  opts: {
    signal?: AbortSignal;
    maxFps?: number;
    /** Share of the video decoded so far, 0…1, about every half second of decoding. */
    onProgress?: (fraction: number) => void;
  } = {},
): Promise<DecodedVideo> {
  const info = await probeMedia(path, opts);
  if (!info.video) throw new InputError(`${path} has no video stream`);
  const maxFps = opts.maxFps ?? 60;
  let fps = info.video.fps > 0 ? info.video.fps : 30;
  // Above the cap, every k-th frame: 120 fps → 60, 50 → 50.
  if (fps > maxFps) fps = fps / Math.ceil(fps / maxFps);
  const rotated = info.video.rotation === 90 || info.video.rotation === 270;
  const { w, h } = analysisSize(
    rotated ? info.video.height : info.video.width,
    rotated ? info.video.width : info.video.height,
  );
  const frameBytes = w * h * 3;
  const frames: FrameFeatures[] = [];
  const hist: Float32Array[] = [];
  const thumbs: Uint8Array[] = [];
  let prevGrey: Float32Array | null = null;
  // The first frame of the current still run: a frame that is not the same picture as it starts a new run.
  let refGrey: Float32Array | null = null;
  const pixels = w * h;
  const expected = Math.max(1, Math.round((info.durationSec || 0) * fps));
  let reportedAt = Date.now();

  const handleFrame = (buf: Buffer, off: number) => {
    const grey = new Float32Array(pixels);
    const hst = new Float32Array(HIST_BINS * 3);
    let sumY = 0;
    let sumY2 = 0;
    let sumS = 0;
    let sumWarm = 0;
    for (let p = 0; p < pixels; p++) {
      const r = buf[off + p * 3]!;
      const g = buf[off + p * 3 + 1]!;
      const b = buf[off + p * 3 + 2]!;
      const y = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      grey[p] = y;
      sumY += y;
      sumY2 += y * y;
      const mx = Math.max(r, g, b);
      const mn = Math.min(r, g, b);
      sumS += mx === 0 ? 0 : (mx - mn) / mx;
      sumWarm += (r - b) / 255;
      softBin(hst, 0, r);
      softBin(hst, HIST_BINS, g);
      softBin(hst, 2 * HIST_BINS, b);
    }
    for (let i = 0; i < hst.length; i++) hst[i]! /= pixels;
    let diff = 0;
    let maxDiff = 0;
    if (prevGrey) {
      for (let p = 0; p < pixels; p++) {
        const d = Math.abs(grey[p]! - prevGrey[p]!);
        diff += d;
        if (d > maxDiff) maxDiff = d;
      }
      diff /= pixels;
    }
    let stillDiff = 0;
    let stillMaxDiff = 0;
    if (refGrey) {
      for (let p = 0; p < pixels; p++) {
        const d = Math.abs(grey[p]! - refGrey[p]!);
        stillDiff += d;
        if (d > stillMaxDiff) stillMaxDiff = d;
      }
      stillDiff /= pixels;
    }
    if (!refGrey || stillDiff >= SAME_PICTURE.meanDiff || stillMaxDiff >= SAME_PICTURE.maxDiff)
      refGrey = grey;
    const mean = sumY / pixels;
    frames.push({
      luma: mean,
      lumaStd: Math.sqrt(Math.max(0, sumY2 / pixels - mean * mean)),
      saturation: sumS / pixels,
      warmth: sumWarm / pixels,
      diff,
      maxDiff,
      stillDiff,
      stillMaxDiff,
    });
    hist.push(hst);
    thumbs.push(thumbnail(grey, w, h));
    prevGrey = grey;
  };

  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    // At 64×36 the deblocking filter's work is invisible: skipping it makes decoding cheaper.
    '-skip_loop_filter',
    'all',
    '-flags2',
    '+fast',
    '-i',
    path,
    '-an',
    '-sn',
    '-vf',
    `fps=${fps},scale=${w}:${h}:flags=area,format=rgb24`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending: Buffer = Buffer.alloc(0);
    let err = '';
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      let off = 0;
      while (pending.length - off >= frameBytes) {
        handleFrame(pending, off);
        off += frameBytes;
      }
      if (opts.onProgress && Date.now() - reportedAt >= 500) {
        reportedAt = Date.now();
        opts.onProgress(Math.min(1, frames.length / expected));
      }
      pending = pending.subarray(off);
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new BeatframeError("ffmpeg was not found; run 'npm run setup' or install it", {
              code: 'MISSING_TOOL',
            })
          : e,
      ),
    );
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new BeatframeError('cancelled', { code: 'ABORTED' }));
      if (code !== 0)
        return reject(new InputError(`could not decode the video ${path}: ${err.trim().split('\n').pop()}`));
      resolve();
    });
  });
  if (frames.length < 2) throw new InputError(`${path} has fewer than two video frames`);
  return { info, fps, width: w, height: h, frames, hist, thumbs };
}

/**
 * Adds a value to the histogram split between its two nearest bins, so a flat area drifting by a few
 * levels moves a little mass, not all of it at once when it crosses a bin edge (which looks like a cut).
 */
function softBin(hst: Float32Array, base: number, v: number): void {
  const pos = (v * (HIST_BINS - 1)) / 255;
  const lo = Math.floor(pos);
  const f = pos - lo;
  hst[base + lo]! += 1 - f;
  if (f > 0) hst[base + lo + 1]! += f;
}

function thumbnail(grey: Float32Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(THUMB_W * THUMB_H);
  const sums = new Float32Array(THUMB_W * THUMB_H);
  const counts = new Uint16Array(THUMB_W * THUMB_H);
  for (let y = 0; y < h; y++) {
    const ty = Math.min(THUMB_H - 1, Math.floor((y * THUMB_H) / h));
    for (let x = 0; x < w; x++) {
      const tx = Math.min(THUMB_W - 1, Math.floor((x * THUMB_W) / w));
      sums[ty * THUMB_W + tx]! += grey[y * w + x]!;
      counts[ty * THUMB_W + tx]! += 1;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.round((255 * sums[i]!) / Math.max(1, counts[i]!));
  return out;
}

export interface DecodedAudio {
  sampleRate: number;
  samples: Float32Array;
  durationSec: number;
}

/** Decodes the first audio stream to mono float PCM; null when the file has no audio. */
export async function decodeAudio(
  path: string,
  opts: { sampleRate?: number; signal?: AbortSignal } = {},
): Promise<DecodedAudio | null> {
  const sampleRate = opts.sampleRate ?? 16000;
  const info = await probeMedia(path, opts);
  if (!info.audio) return null;
  const { stdout } = await runFfmpeg(
    [
      '-i',
      path,
      '-vn',
      '-sn',
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      String(sampleRate),
      '-f',
      'f32le',
      'pipe:1',
    ],
    { binary: true, ...(opts.signal ? { signal: opts.signal } : {}) },
  ).catch((err: unknown) => {
    throw new InputError(`could not decode the audio of ${path}`, { cause: err });
  });
  const samples = new Float32Array(
    stdout.buffer,
    stdout.byteOffset,
    Math.floor(stdout.byteLength / 4),
  ).slice();
  return { sampleRate, samples, durationSec: samples.length / sampleRate };
}
