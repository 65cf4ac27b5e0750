import { BeatframeError, digestOf, type Timeline } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { CAPTION_FADE_FRAMES, cardEdgeFrames, overlayKey } from '@beatframe/timeline/effects';

/** The hybrid render's overlays: which distinct ones a timeline has, their cache keys, their boxes, the card graph. */

/** Distinct overlays of a timeline: `unique[k]` is a frame that shows overlay k; `index[f]` is f's k, or -1. */
export interface OverlayPlan {
  unique: number[];
  index: number[];
}

export function planOverlays(timeline: Timeline): OverlayPlan {
  // Cards are drawn once each, fully shown, and faded and raised by ffmpeg (cardGraph): the plan is the captions'.
  const captions = { ...timeline, cards: [] };
  const byKey = new Map<string, number>();
  const unique: number[] = [];
  const index: number[] = [];
  for (let f = 0; f < timeline.durationFrames; f++) {
    const key = overlayKey(captions, f);
    if (!key) {
      index.push(-1);
      continue;
    }
    let k = byKey.get(key);
    if (k === undefined) {
      k = unique.length;
      byKey.set(key, k);
      unique.push(f);
    }
    index.push(k);
  }
  return { unique, index };
}

/** A number for an ffmpeg expression: six decimals at most, no exponent. */
export const num = (n: number) => (Math.round(n * 1e6) / 1e6).toString();

/**
 * What an overlay frame looks like, as a cache key: the captions it shows (their times made relative to
 * their own start, and the frame's state as planOverlays tells them apart), the style and the size.
 * Another round or project showing the same text the same way finds it drawn already.
 */
export function overlayCacheKey(timeline: Timeline, frame: number): string {
  const { fps } = timeline;
  const captions = timeline.captions
    .filter((c) => frame >= c.startFrame && frame < c.endFrame)
    .map((c) => {
      const local = frame - c.startFrame;
      const word = c.words?.findIndex((w) => frame >= w.startFrame && frame < w.endFrame) ?? -1;
      const sung = c.words?.filter((w) => frame >= w.startFrame).length ?? 0;
      return {
        ...c,
        startFrame: 0,
        endFrame: c.endFrame - c.startFrame,
        ...(c.words
          ? {
              words: c.words.map((w) => ({
                ...w,
                startFrame: w.startFrame - c.startFrame,
                endFrame: w.endFrame - c.startFrame,
              })),
            }
          : {}),
        at: `${local < CAPTION_FADE_FRAMES ? local : 's'}:${word}:${sung}`,
      };
    });
  return digestOf({
    v: 2,
    width: timeline.width,
    height: timeline.height,
    fps,
    style: timeline.style,
    captions,
  }).slice(0, 32);
}

/** A card's still (fully shown), as a cache key: its text, kind and subtitle, the style and the size. */
export function cardCacheKey(timeline: Timeline, card: number): string {
  const { startFrame: _s, endFrame: _e, ...shown } = timeline.cards[card]!;
  return digestOf({
    v: 2,
    card: shown,
    width: timeline.width,
    height: timeline.height,
    fps: timeline.fps,
    style: timeline.style,
  }).slice(0, 32);
}

/** Share of the frame's height a card rises by as it comes in (the composition's Card). */
const CARD_RISE = 0.02;

/** Where a still's visible pixels lie (alpha > 0), widened to even edges for 4:2:0; undefined if none. */
export async function alphaBox(
  png: string,
  width: number,
  height: number,
): Promise<{ x: number; y: number; w: number; h: number } | undefined> {
  const { stdout } = await runFfmpeg(
    ['-i', png, '-vf', 'format=rgba,alphaextract', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { binary: true },
  );
  if (stdout.length !== width * height)
    throw new BeatframeError(`overlay still ${png} is not ${width}x${height}`);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (stdout[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return undefined;
  const x = x0 & ~1;
  const y = y0 & ~1;
  return { x, y, w: Math.min(width, (x1 + 2) & ~1) - x, h: Math.min(height, (y1 + 2) & ~1) - y };
}

/**
 * The box all of bbox's boxes (ffmpeg's metadata=print of lavfi.bbox.*) fit in, widened to even edges for
 * 4:2:0; the whole frame if it cannot be read, undefined if nothing is visible.
 */
export function unionBox(
  printed: string,
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  const at = (k: string) =>
    [...printed.matchAll(new RegExp(`lavfi\\.bbox\\.${k}=(\\d+)`, 'g'))].map((m) => Number(m[1]));
  const [xs1, xs2, ys1, ys2] = [at('x1'), at('x2'), at('y1'), at('y2')];
  if (xs1.length !== xs2.length || xs1.length !== ys1.length || xs1.length !== ys2.length) {
    return { x: 0, y: 0, w: width, h: height };
  }
  xs1.forEach((_, i) => {
    x0 = Math.min(x0, xs1[i]!);
    x1 = Math.max(x1, xs2[i]!);
    y0 = Math.min(y0, ys1[i]!);
    y1 = Math.max(y1, ys2[i]!);
  });
  if (x1 < 0) return undefined;
  const x = x0 & ~1;
  const y = y0 & ~1;
  return { x, y, w: Math.min(width, (x1 + 2) & ~1) - x, h: Math.min(height, (y1 + 2) & ~1) - y };
}

/**
 * The ffmpeg chain of one card over `under`, from its still (input `input`, cropped to `box`): looped for the
 * card's frames from its start, faded in and out on its alpha and raised as the composition's Card does —
 * opacity k/edge over the first edge frames and (len-k)/edge over the last, a rise of 2 % of the height
 * easing out (cubic) over twice the edge. Per-frame arithmetic only; outside the card's frames the overlay
 * has no frame and passes the picture through.
 */
export function cardGraph(
  timeline: Timeline,
  card: number,
  input: number,
  box: { x: number; y: number; w: number; h: number },
  under: string,
  out: string,
): string {
  const { fps, height } = timeline;
  const c = timeline.cards[card]!;
  const len = c.endFrame - c.startFrame;
  const edge = cardEdgeFrames(c, fps);
  const lift = `${num((CARD_RISE * height) / 2)}*pow(1-min(1,(t*${fps}-${c.startFrame})/${2 * edge}),3)`;
  const label = `card${card}`;
  return [
    `[${input}:v]format=rgba,crop=${box.w}:${box.h}:${box.x}:${box.y},format=yuva420p,` +
      `loop=loop=${len - 1}:size=1:start=0,settb=1/${fps},setpts=N+${c.startFrame},` +
      `fade=t=in:s=0:n=${edge}:alpha=1,fade=t=out:s=${len - edge}:n=${edge}:alpha=1[${label}]`,
    // y is even (4:2:0): the rise rounds to whole pairs of rows.
    `[${under}][${label}]overlay=x=${box.x}:y='${box.y}+2*round(${lift})':format=yuv420:eof_action=pass[${out}]`,
  ].join(';\n');
}

/** A white layer at opacity `a` over limited-range yuv420p, by eq: Y·(1-a)+235·a, chroma ×(1-a). */
