import { z } from 'zod';

/**
 * The edit decision list. All times are in frames at `fps`, so every renderer cuts on the same frame.
 * Items are in order and tile the video; an item's `transitionIn` overlaps it with the previous item.
 */
export const TransitionKind = z.enum(['cut', 'fade', 'slide', 'wipe', 'zoom', 'flash']);
export type TransitionKind = z.infer<typeof TransitionKind>;

export const Transition = z.object({
  kind: TransitionKind,
  durationFrames: z.number().int().nonnegative(),
  direction: z.enum(['left', 'right', 'up', 'down']).optional(),
});
export type Transition = z.infer<typeof Transition>;

export const BeatEffect = z.object({
  kind: z.enum(['zoomPulse', 'flash']),
  /** Frames (timeline time) where the effect fires, on beats. */
  frames: z.array(z.number().int().nonnegative()),
  /** 0…1 */
  strength: z.number().min(0).max(1),
});
export type BeatEffect = z.infer<typeof BeatEffect>;

export const TimelineItem = z.object({
  id: z.string(),
  shotId: z.string().optional(),
  /** Local path of the clip (absolute, or relative to the timeline file). */
  src: z.string(),
  startFrame: z.number().int().nonnegative(),
  durationFrames: z.number().int().positive(),
  /** Where in the clip to start, seconds (the liveliest part). */
  clipStartSec: z.number().nonnegative().default(0),
  /** The clip's own duration, seconds, so renderers know when to loop. */
  clipDurationSec: z.number().positive(),
  playbackRate: z.number().positive().default(1),
  loop: z.boolean().default(false),
  /** How the clip fills the frame: 'cover' crops (the default), 'contain' letterboxes. */
  fit: z.enum(['cover', 'contain']).optional(),
  transitionIn: Transition.optional(),
  effects: z.array(BeatEffect).default([]),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const CaptionWord = z.object({
  text: z.string(),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().nonnegative(),
});

export const Caption = z.object({
  text: z.string(),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().nonnegative(),
  words: z.array(CaptionWord).optional(),
});
export type Caption = z.infer<typeof Caption>;

export const TextCard = z.object({
  kind: z.enum(['title', 'section']),
  text: z.string(),
  subtitle: z.string().optional(),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().nonnegative(),
});
export type TextCard = z.infer<typeof TextCard>;

/** The audio-reactive layer, drawn from the song itself by every renderer that can (over the shots, under text). */
export const TimelineVisualizer = z.object({
  kind: z.enum(['bars', 'wave', 'pulse']),
  color: z.string().default('#ffcc00'),
});
export type TimelineVisualizer = z.infer<typeof TimelineVisualizer>;

export const Timeline = z.object({
  version: z.literal(1),
  fps: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  durationFrames: z.number().int().positive(),
  /** The song, used as the soundtrack untouched. */
  audio: z.object({ src: z.string(), durationSec: z.number().positive() }),
  items: z.array(TimelineItem),
  cards: z.array(TextCard).default([]),
  captions: z.array(Caption).default([]),
  /** Beat frames, for renderers and previews that draw or pulse on the beat. */
  beatFrames: z.array(z.number().int().nonnegative()).default([]),
  visualizer: TimelineVisualizer.optional(),
  style: z
    .object({
      fontFamily: z.string().default('DejaVu Sans'),
      accent: z.string().default('#ffcc00'),
      captionColor: z.string().default('#ffffff'),
      /** 'lyric': large lines in the middle of the frame (a lyric video); subtitles at the bottom otherwise. */
      captionLayout: z.enum(['subtitle', 'lyric']).optional(),
    })
    .default({ fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' }),
});
export type Timeline = z.infer<typeof Timeline>;

/**
 * What the schema cannot check: items tile the video (each starts where the previous one ends, minus its
 * transition), transitions fit inside both neighbours, and the last item ends at the end. Returns the first
 * problem as one line, or undefined when the timeline is sound.
 */
export function timelineProblem(timeline: Timeline): string | undefined {
  const { items, durationFrames } = timeline;
  if (items.length === 0) return 'timeline has no items';
  if (items[0]!.startFrame !== 0) return 'timeline: the first item must start at frame 0';
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1]!;
    const item = items[i]!;
    const t = item.transitionIn?.durationFrames ?? 0;
    if (item.startFrame + t !== prev.startFrame + prev.durationFrames)
      return `timeline: item ${item.id} starts at ${item.startFrame} but item ${prev.id} ends at ${prev.startFrame + prev.durationFrames} (transition ${t})`;
    if (t > prev.durationFrames || t > item.durationFrames)
      return `timeline: the transition into item ${item.id} is longer than a neighbouring item`;
  }
  const last = items[items.length - 1]!;
  if (last.startFrame + last.durationFrames !== durationFrames)
    return `timeline: items end at frame ${last.startFrame + last.durationFrames}, the video at ${durationFrames}`;
  return undefined;
}

/** Bars of the spectrum visualizer, low notes on the left. */
export const VISUALIZER_BARS = 32;
/** Opacity of the bars and the waveform: the picture shows through. */
export const VISUALIZER_OPACITY = 0.7;
/** Share of each bar's slot left empty between bars. */
export const VISUALIZER_GAP = 0.35;
/** How much a bass hit grows the pulse ring (1 + this at full strength). */
export const VISUALIZER_PULSE_GROWTH = 0.35;

/**
 * Where each renderer draws the visualizer, in pixels (even, for ffmpeg's chroma): bars along the bottom,
 * the waveform across the lower third, the pulse ring centred. Shared so every renderer draws the same box.
 */
export function visualizerBox(
  kind: TimelineVisualizer['kind'],
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } {
  const even = (n: number) => 2 * Math.round(n / 2);
  if (kind === 'bars') {
    // A slim strip under the picture (a few % of the height), clear of the captions above it.
    const w = even(width * 0.5);
    const h = even(Math.max(8, height * 0.045));
    return { x: even((width - w) / 2), y: even(height - h - height * 0.025), w, h };
  }
  if (kind === 'wave') {
    const h = even(height * 0.24);
    return { x: 0, y: even(height * 0.78 - h / 2), w: even(width), h };
  }
  const size = even(Math.min(width, height) * 0.5);
  return { x: even((width - size) / 2), y: even((height - size) / 2), w: size, h: size };
}
