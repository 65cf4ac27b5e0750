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
import { adaptPrompt, shotPromptOf } from '@beatframe/crew';

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
  const written = row.prompt || shot.description;
  // The prompt in the model's idiom (its catalogue's promptStyle); as the crew wrote it for a model without one.
  const style = caps.promptStyleOf?.(options.model);
  const adapted = style
    ? adaptPrompt(shotPromptOf(written, ctx.storyboard?.styleBible ?? { characters: [], avoid }), style)
    : undefined;
  const negativePrompt = adapted ? adapted.negativePrompt : avoid.length ? avoid.join(', ') : undefined;
  const req: ClipRequest = {
    shotId: row.id,
    prompt: adapted?.prompt || written,
    seconds,
    size: clipSizeOf(caps, options),
    aspect: options.aspect,
    ...(options.model ? { model: options.model } : {}),
    ...(negativePrompt ? { negativePrompt } : {}),
    ...(row.projectId && takesSeed(provider)
      ? { seed: shotSeed(row.projectId, row.id, row.attempt ?? 1) }
      : {}),
    music: {
      bpm: ctx.analysis?.bpm ?? 0,
      energy: shot.energy,
      mood: shot.mood,
    },
  };
  if (adapted?.notes.length) NOTES.set(req, adapted.notes);
  return req;
}

/** What adapting a request's prompt cost it (a sheet that pushed style words out), for the decision log. */
const NOTES = new WeakMap<ClipRequest, string[]>();

/** The notes of a request built here (they travel with a request spread into a new object via `carryNotes`). */
export function requestNotes(req: ClipRequest): string[] {
  return NOTES.get(req) ?? [];
}

/** The same notes on a request made from another (`{ ...req, imagePath }`). */
export function carryNotes(from: ClipRequest, to: ClipRequest): ClipRequest {
  const n = NOTES.get(from);
  if (n) NOTES.set(to, n);
  return to;
}

/** `req` with more notes (kept from the request it was made from, if any). */
export function addNotes(req: ClipRequest, notes: string[], from: ClipRequest = req): ClipRequest {
  NOTES.set(req, [...(NOTES.get(from) ?? []), ...notes]);
  return req;
}

/** Records a request's notes in the decision log (once, when the request is submitted). */
export async function recordRequestNotes(
  req: ClipRequest,
  decisions: { record(d: { role: string; summary: string; shotId?: string }): unknown },
): Promise<void> {
  for (const summary of requestNotes(req))
    await decisions.record({
      role: 'prompt-engineer',
      summary,
      ...(req.shotId ? { shotId: req.shotId } : {}),
    });
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
