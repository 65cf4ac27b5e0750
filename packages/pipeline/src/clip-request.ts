import { createHash } from 'node:crypto';
import {
  type AudioAnalysis,
  type ClipRequest,
  frameSize,
  type ProjectOptions,
  type Shot,
  type Storyboard,
  snapDuration,
  type VideoProvider,
} from '@beatframe/core';

/**
 * What a shot asks of its provider: the clip length that covers the slot with the least waste, the size of
 * the asked shape, and the crew's negative prompt and seed for the providers that take them.
 */

/** How far the edit may slow a clip to fill its slot without it showing (playback at 0.85× or faster). */
export const MAX_SLOWDOWN = 0.15;

/**
 * The shortest allowed length that fills the slot, counting a slow-down of up to MAX_SLOWDOWN: a 4.001-s slot
 * buys a 4-s clip, not a 6-s one. The longest allowed when none does; the slot itself when any length goes.
 */
export function buySeconds(slotSec: number, durations: readonly number[]): number {
  const allowed = [...durations].filter((d) => d > 0).sort((a, b) => a - b);
  if (!allowed.length) return Math.max(0.5, slotSec);
  const need = slotSec * (1 - MAX_SLOWDOWN);
  return allowed.find((d) => d >= need - 1e-9) ?? (allowed[allowed.length - 1] as number);
}

/** A provider takes a seed unless its capabilities say it does not. */
export function takesSeed(provider: Pick<VideoProvider, 'capabilities'>): boolean {
  return provider.capabilities.seeds !== false;
}

/** A stable seed per shot, moved on with each attempt so a retake is a different request. */
export function shotSeed(projectId: string, shotId: string, attempt: number): number {
  const base = createHash('sha256').update(`${projectId}:${shotId}`).digest().readUInt32BE(0) & 0x3fffffff;
  return (base + Math.max(0, attempt - 1)) % 0x7fffffff;
}

export function clipRequestOf(
  provider: VideoProvider,
  options: ProjectOptions,
  row: { id: string; projectId?: string; attempt?: number; shot: unknown; prompt: string },
  ctx: { analysis?: AudioAnalysis | undefined; storyboard?: Storyboard | undefined } = {},
): ClipRequest {
  const shot = row.shot as Shot;
  const caps = provider.capabilities;
  const slot = Math.max(0.5, shot.end - shot.start);
  // The crew's length is kept when it is shorter; a stale or over-long one is cut to what the slot needs.
  const asked = shot.clipSeconds ? snapDuration(shot.clipSeconds, caps.durations) : Number.POSITIVE_INFINITY;
  // Any length goes: the crew's choice (it may want room to trim), else the slot.
  const seconds = caps.durations.length
    ? Math.min(asked, buySeconds(slot, caps.durations))
    : (shot.clipSeconds ?? slot);
  const avoid = ctx.storyboard?.styleBible.avoid ?? [];
  return {
    shotId: row.id,
    prompt: row.prompt || shot.description,
    seconds,
    size: clipSizeOf(caps, options),
    aspect: options.aspect,
    ...(options.model ? { model: options.model } : {}),
    ...(avoid.length ? { negativePrompt: avoid.join(', ') } : {}),
    ...(row.projectId && takesSeed(provider)
      ? { seed: shotSeed(row.projectId, row.id, row.attempt ?? 1) }
      : {}),
    music: {
      bpm: ctx.analysis?.bpm ?? 0,
      energy: shot.energy,
      mood: shot.mood,
    },
  };
}

/** Half a side, even (H.264 yuv420p needs even sides): a preview is made and rendered at half size. */
export function halfSide(n: number): number {
  return Math.max(2, 2 * Math.round(n / 4));
}

/**
 * The size a shot's clip is asked at: the provider's size of the frame's shape nearest in area. A preview on
 * a free, deterministic provider asks for the preview's own frame (half size): such clips cost nothing to
 * make again at full size for the final, and a quarter of the pixels is the preview's main saving.
 */
export function clipSizeOf(
  caps: Pick<VideoProvider['capabilities'], 'sizes' | 'deterministic'>,
  options: Pick<ProjectOptions, 'aspect' | 'resolution' | 'preview'>,
): string {
  const frame = frameSize(options.aspect, options.resolution);
  const small = caps.deterministic && options.preview;
  return nearestSize(caps.sizes, {
    width: small ? halfSide(frame.width) : frame.width,
    height: small ? halfSide(frame.height) : frame.height,
  });
}

/** The size of the frame's shape nearest in area; a size of another shape only when none has it. */
function nearestSize(sizes: string[], { width, height }: { width: number; height: number }): string {
  const want = `${width}x${height}`;
  if (!sizes.length || sizes.includes(want)) return want;
  const parsed = sizes.map((s) => {
    const [w, h] = s.split('x').map(Number);
    return { s, w: w ?? 0, h: h ?? 0 };
  });
  const sameShape = parsed.filter((p) => Math.sign(p.w - p.h) === Math.sign(width - height));
  const pool = sameShape.length ? sameShape : parsed;
  pool.sort((a, b) => Math.abs(a.w * a.h - width * height) - Math.abs(b.w * b.h - width * height));
  return pool[0]!.s;
}
