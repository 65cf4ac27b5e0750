import type { BeatEffect, Caption, TextCard, Timeline } from '@beatframe/core/schemas';

// The picture's math, shared by the composition (browser) and the hybrid render's ffmpeg graph (Node),
// so both draw the same frame.

/** Zoom pulse: scale = 1 + PULSE_SCALE × level; flash: white at FLASH_OPACITY × level. */
export const PULSE_SCALE = 0.07;
export const FLASH_OPACITY = 0.7;
/** Decay time constants, in seconds; an effect is over after EFFECT_TAIL time constants. */
export const PULSE_DECAY_SEC = 0.12;
export const FLASH_DECAY_SEC = 0.07;
export const EFFECT_TAIL = 4;

/** Frames since the last effect frame at or before `frame`, or undefined. `frames` is sorted. */
export function framesSinceHit(frames: number[], frame: number): number | undefined {
  let lo = 0;
  let hi = frames.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid]! <= frame) {
      found = frames[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found === undefined ? undefined : frame - found;
}

export function decayFrames(kind: BeatEffect['kind'], fps: number): number {
  return fps * (kind === 'zoomPulse' ? PULSE_DECAY_SEC : FLASH_DECAY_SEC);
}

/** 0…strength: how strongly an effect shows at a (timeline) frame. */
export function effectLevel(effect: BeatEffect, frame: number, fps: number): number {
  const decay = decayFrames(effect.kind, fps);
  const since = framesSinceHit(effect.frames, frame);
  if (since === undefined || since > decay * EFFECT_TAIL) return 0;
  return effect.strength * Math.exp(-since / decay);
}

export function pulseScale(effects: BeatEffect[], frame: number, fps: number): number {
  let scale = 1;
  for (const e of effects) if (e.kind === 'zoomPulse') scale += PULSE_SCALE * effectLevel(e, frame, fps);
  return scale;
}

export function flashOpacity(effects: BeatEffect[], frame: number, fps: number): number {
  let flash = 0;
  for (const e of effects)
    if (e.kind === 'flash') flash = Math.max(flash, FLASH_OPACITY * effectLevel(e, frame, fps));
  return flash > 0.005 ? flash : 0;
}

/** Frames at each edge of a card during which it fades (and, at the start, rises over twice that). */
export function cardEdgeFrames(card: TextCard, fps: number): number {
  const len = card.endFrame - card.startFrame;
  return Math.max(1, Math.min(Math.round(fps * 0.4), Math.floor(len / 3)));
}

/** Frames a caption takes to fade in. */
export const CAPTION_FADE_FRAMES = 4;

/**
 * What the overlays (cards, captions) look like at a frame, as a string: frames with the same key look
 * the same, so the hybrid render draws each distinct key once. '' means nothing is drawn. Beat flashes
 * are not overlays: the hybrid's ffmpeg graph draws them on the shots (a white layer, per frame).
 */
export function overlayKey(timeline: Timeline, frame: number): string {
  const parts: string[] = [];
  timeline.cards.forEach((card: TextCard, i: number) => {
    if (frame < card.startFrame || frame >= card.endFrame) return;
    const local = frame - card.startFrame;
    const edge = cardEdgeFrames(card, timeline.fps);
    const len = card.endFrame - card.startFrame;
    const moving = local < edge * 2 || local >= len - edge;
    parts.push(`c${i}:${moving ? local : 's'}`);
  });
  timeline.captions.forEach((c: Caption, i: number) => {
    if (frame < c.startFrame || frame >= c.endFrame) return;
    const local = frame - c.startFrame;
    const word = c.words?.findIndex((w) => frame >= w.startFrame && frame < w.endFrame) ?? -1;
    const sung = c.words?.filter((w) => frame >= w.startFrame).length ?? 0;
    parts.push(`t${i}:${local < CAPTION_FADE_FRAMES ? local : 's'}:${word}:${sung}`);
  });
  return parts.join('|');
}

// ffmpeg expressions of the same math, for the renderers that draw effects with ffmpeg filters.

const num = (n: number) => (Math.round(n * 1e6) / 1e6).toString();

/**
 * A balanced if-tree over sorted `keys`: `leaf(k)` decides for v at or after keys[k] (and before keys[k+1]),
 * `before` before the first. Its depth is log2 of the count, so a long song's hundreds of beats never give
 * ffmpeg's expression parser a deep nest, and each evaluation (once per frame) takes log2 steps.
 */
export function ifTree(keys: number[], v: string, leaf: (k: number) => string, before = '0'): string {
  if (keys.length === 0) return before;
  const tree = (lo: number, hi: number): string => {
    if (hi - lo === 1) return leaf(lo);
    const mid = (lo + hi) >> 1;
    return `if(lt(${v},${keys[mid]}),${tree(lo, mid)},${tree(mid, hi)})`;
  };
  return `if(lt(${v},${keys[0]}),${before},${tree(0, keys.length)})`;
}

/** Level of a decaying effect at frame v (as effectLevel): peak·e^(-since/decay) within its tail, else 0. */
export function decayExpr(hits: number[], decay: number, peak: number, v: string): string {
  const h = [...new Set(hits)].sort((a, b) => a - b);
  const tail = decay * EFFECT_TAIL;
  return ifTree(h, v, (k) => {
    const since = `(${v}-${h[k]})`;
    return `if(lte(${since},${num(tail)}),${num(peak)}*exp(-${since}/${num(decay)}),0)`;
  });
}

/** 1 when frame v lies in one of the inclusive [from, to] windows, else 0 (a filter's `enable`). */
export function windowsExpr(windows: Array<[number, number]>, v: string): string {
  const w = [...windows].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of w) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return ifTree(
    merged.map((x) => x[0]),
    v,
    (k) => `lte(${v},${merged[k]![1]})`,
  );
}

/** ffmpeg's join of a run of hard cuts: the streams labelled `labels` one after another, as [out]. */
export function concatRun(labels: string[], out: string, fps: number): string {
  return `${labels.map((l) => `[${l}]`).join('')}concat=n=${labels.length}:v=1:a=0,settb=1/${fps}[${out}]`;
}

/**
 * Folds the shot streams of an ffmpeg graph left to right into one: runs of hard cuts become one concat,
 * and a blend passes only its own frames through xfade. xfade works in 4:4:4, so the frames before a
 * blend would otherwise be converted there and back once for every later transition (softer colour, work
 * growing with the song, and a render in passes converting them fewer times than one in a single run).
 */
export class ShotFold {
  private n = 0;
  private run: string[];

  /** `chains` receives the filter chains; the fold starts from the stream labelled `first`. */
  constructor(
    private readonly chains: string[],
    private readonly fps: number,
    first = 's0',
  ) {
    this.run = [first];
  }

  /** The next stream follows on a hard cut. */
  cut(label: string): void {
    this.run.push(label);
  }

  /** The run so far as one stream, which the fold then continues from. */
  flush(): string {
    if (this.run.length === 1) return this.run[0]!;
    const out = `c${this.n++}`;
    this.chains.push(concatRun(this.run, out, this.fps));
    this.run = [out];
    return out;
  }

  /** Continues from these streams, one after another (for cuts drawn by hand, such as a flash's). */
  continueWith(labels: string[]): void {
    this.run = labels;
  }

  /** Blends into `next` with xfade `name` over `frames`, starting at frame `start` of the fold. */
  blend(next: string, name: string, start: number, frames: number): void {
    const acc = this.flush();
    const out = `x${this.n++}`;
    const duration = Number((frames / this.fps).toFixed(6));
    this.chains.push(`[${acc}]split[${out}a][${out}b]`);
    this.chains.push(`[${out}a]trim=end_frame=${start}[${out}pre]`);
    this.chains.push(`[${out}b]trim=start_frame=${start},setpts=PTS-STARTPTS[${out}old]`);
    this.chains.push(
      `[${out}old][${next}]xfade=transition=${name}:duration=${duration}:offset=0,format=yuv420p[${out}]`,
    );
    this.run = [`${out}pre`, out];
  }
}

/**
 * Where a long render splits into passes (each one ffmpeg run, joined by stream copy): the index of each
 * pass's first item. A pass starts only on a hard cut (`cut`), never inside a `keepWhole` frame range
 * [from, to) (what a pass could not shift cleanly, such as a fading card), and holds `maxPerPass` items —
 * more when the item after them does not start on an allowed cut. ffmpeg opens and buffers every input of
 * a pass, so this bounds the memory a song with hundreds of shots takes.
 */
export function splitAtCuts(
  starts: Array<{ startFrame: number; cut: boolean }>,
  maxPerPass: number,
  keepWhole: Array<[number, number]> = [],
): number[] {
  const bounds = [0];
  let count = 0;
  starts.forEach((s, i) => {
    const inside = keepWhole.some(([from, to]) => s.startFrame > from && s.startFrame < to);
    if (i > 0 && count >= maxPerPass && s.cut && !inside) {
      bounds.push(i);
      count = 0;
    }
    count++;
  });
  return bounds;
}
