import { runFfmpeg } from '@beatframe/media';

/**
 * Continuity without a vision model: how far a clip's opening frames have drifted from the keyframe it was
 * started from. Both are shrunk to a 32x18 thumbnail (ffmpeg, RGB): the distance is the mean of the thumbnails'
 * per-pixel difference and of their colour histograms' difference (8 levels a channel), each 0 (same) to 1.
 * A clip that starts from its keyframe scores about 0.1 (its picture moves); a different picture, 0.3 and above.
 */

export const THUMB = { width: 32, height: 18 } as const;
/** Above this, a clip is taken to have left its keyframe (subject, wardrobe, colours, framing). */
export const DRIFT_THRESHOLD = 0.25;
/** How far into the clip its "first frames" are looked at: past a fade-in, before the action moves on. */
const FRAMES_AT = [0.1, 0.5];

export interface ContinuityCheck {
  distance: number;
  pixel: number;
  histogram: number;
  threshold: number;
  drifted: boolean;
}

async function thumbnail(path: string, atSec?: number): Promise<Buffer> {
  const args = [
    ...(atSec !== undefined ? ['-ss', String(atSec)] : []),
    '-i',
    path,
    '-frames:v',
    '1',
    '-vf',
    `scale=${THUMB.width}:${THUMB.height}:flags=area,format=rgb24`,
    '-f',
    'rawvideo',
    '-',
  ];
  const { stdout: out } = await runFfmpeg(args, { binary: true });
  if (out.length !== THUMB.width * THUMB.height * 3) throw new Error(`no frame could be read from ${path}`);
  return out;
}

function pixelDistance(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length * 255);
}

function histogram(px: Buffer): number[] {
  const bins = new Array<number>(24).fill(0);
  for (let i = 0; i < px.length; i++) bins[(i % 3) * 8 + (px[i]! >> 5)]!++;
  const n = px.length / 3;
  return bins.map((b) => b / n);
}

function histogramDistance(a: Buffer, b: Buffer): number {
  const ha = histogram(a);
  const hb = histogram(b);
  // Per channel the L1 distance of two distributions is at most 2: halved, summed over three channels, /3.
  return ha.reduce((s, v, i) => s + Math.abs(v - hb[i]!), 0) / 6;
}

/** The distance of a clip's first frames from its keyframe (the closest of the frames looked at). */
export async function continuityOf(
  keyframe: string,
  clip: string,
  threshold = DRIFT_THRESHOLD,
): Promise<ContinuityCheck> {
  const key = await thumbnail(keyframe);
  let best: Omit<ContinuityCheck, 'threshold' | 'drifted'> | undefined;
  for (const at of FRAMES_AT) {
    const frame = await thumbnail(clip, at).catch(() => undefined);
    if (!frame) continue;
    const pixel = pixelDistance(key, frame);
    const hist = histogramDistance(key, frame);
    const distance = (pixel + hist) / 2;
    if (!best || distance < best.distance) best = { distance, pixel, histogram: hist };
  }
  if (!best) throw new Error(`no frame could be read from ${clip}`);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    distance: round(best.distance),
    pixel: round(best.pixel),
    histogram: round(best.histogram),
    threshold,
    drifted: best.distance > threshold,
  };
}
