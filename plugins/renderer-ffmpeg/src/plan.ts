import type { BeatEffect, Timeline, TimelineItem, Transition } from '@beatframe/core';
import { splitAtCuts } from '@beatframe/timeline/effects';

/**
 * The timeline turned into a chain of segments that ffmpeg can fold left to right.
 *
 * Semantics (shared with the other renderers, see README): items are taken in `startFrame` order;
 * an item is on screen from its `startFrame` until the next item takes over. A `transitionIn` of D
 * frames blends the previous item into this one over [startFrame, startFrame + D), so the previous
 * item keeps playing (looping or holding) through the blend. Gaps between items are covered by the
 * item before them; a gap at the start is black; the last item runs to `durationFrames`.
 */
export interface PlannedSegment {
  /** The timeline item, or undefined for the black leader before the first item. */
  item?: TimelineItem;
  /** Timeline frame where the segment first appears (the start of its blend, if any). */
  startFrame: number;
  /** Frames this segment must produce: until the end of the next segment's blend, or the video's end. */
  frames: number;
  /** The blend into this segment from the previous one; absent for hard cuts. */
  transition?: {
    kind: Exclude<Transition['kind'], 'cut'>;
    frames: number;
    direction?: Transition['direction'];
  };
  /** Beat effects, with frames relative to the segment's start, clipped to the segment. */
  effects: BeatEffect[];
}

export interface PlanNote {
  summary: string;
  shotId?: string;
  itemId?: string;
}

export interface SegmentPlan {
  segments: PlannedSegment[];
  totalFrames: number;
  notes: PlanNote[];
}

/** Builds the segment chain; every adjustment it makes to an inconsistent timeline becomes a note. */
export function planSegments(timeline: Timeline): SegmentPlan {
  const notes: PlanNote[] = [];
  const total = timeline.durationFrames;
  const items = [...timeline.items]
    .filter((it) => {
      if (it.startFrame < total) return true;
      notes.push({
        summary: `item ${it.id} starts at frame ${it.startFrame}, after the video's end (${total}); left out`,
        itemId: it.id,
        ...(it.shotId ? { shotId: it.shotId } : {}),
      });
      return false;
    })
    .sort((a, b) => a.startFrame - b.startFrame);

  // Items that start on the same frame: the later one in the list wins, the earlier is hidden.
  const distinct: TimelineItem[] = [];
  for (const it of items) {
    const last = distinct[distinct.length - 1];
    if (last && last.startFrame === it.startFrame) {
      notes.push({ summary: `items ${last.id} and ${it.id} start on the same frame; ${last.id} left out` });
      distinct[distinct.length - 1] = it;
    } else distinct.push(it);
  }

  const starts: Array<{ item?: TimelineItem; start: number }> = distinct.map((item) => ({
    item,
    start: item.startFrame,
  }));
  if (starts.length === 0 || (starts[0]?.start ?? 0) > 0) {
    if (starts.length === 0) notes.push({ summary: 'the timeline has no items; the video is black' });
    starts.unshift({ start: 0 });
  }

  const segments: PlannedSegment[] = [];
  for (let i = 0; i < starts.length; i++) {
    const cur = starts[i]!;
    const next = starts[i + 1];
    const prevStart = i > 0 ? starts[i - 1]!.start : undefined;
    let transition: PlannedSegment['transition'];
    const t = cur.item?.transitionIn;
    if (t && t.kind !== 'cut' && t.durationFrames > 0 && prevStart !== undefined) {
      // The blend cannot start before the previous segment has shown at least one frame of its own.
      const nextStart = next?.start ?? total;
      const room = Math.min(nextStart - cur.start, total - cur.start) - 1;
      const frames = Math.max(0, Math.min(t.durationFrames, room));
      if (frames < t.durationFrames)
        notes.push({
          summary: `transition into ${cur.item!.id} shortened from ${t.durationFrames} to ${frames} frames to fit its slot`,
          itemId: cur.item!.id,
          ...(cur.item!.shotId ? { shotId: cur.item!.shotId } : {}),
        });
      if (frames > 0)
        transition = { kind: t.kind, frames, ...(t.direction ? { direction: t.direction } : {}) };
    }
    segments.push({
      ...(cur.item ? { item: cur.item } : {}),
      startFrame: cur.start,
      frames: 0,
      ...(transition ? { transition } : {}),
      effects: [],
    });
  }

  // Each segment runs until the next one's blend has finished (or the end of the video).
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    const end = next ? next.startFrame + (next.transition?.frames ?? 0) : total;
    seg.frames = end - seg.startFrame;
    const item = seg.item;
    if (!item) continue;
    const ownEnd = item.startFrame + item.durationFrames;
    const shownEnd = next ? next.startFrame : total;
    if (shownEnd > ownEnd)
      notes.push({
        summary: `item ${item.id} extended by ${shownEnd - ownEnd} frames to cover ${next ? 'a gap before the next item' : "the video's end"}`,
        itemId: item.id,
        ...(item.shotId ? { shotId: item.shotId } : {}),
      });
    seg.effects = item.effects
      .map((e) => ({
        ...e,
        frames: e.frames.map((f) => f - seg.startFrame).filter((f) => f >= 0 && f < seg.frames),
      }))
      .filter((e) => e.frames.length > 0 && e.strength > 0);
  }
  return { segments, totalFrames: total, notes };
}

/** The xfade transition name for a timeline transition. */
export function xfadeName(
  kind: Exclude<Transition['kind'], 'cut'>,
  direction?: Transition['direction'],
): string {
  const dir = direction ?? 'left';
  switch (kind) {
    case 'fade':
      return 'fade';
    case 'slide':
      return `slide${dir}`;
    case 'wipe':
      return `wipe${dir}`;
    case 'zoom':
      // The zoom itself is drawn by zoompan on both shots (see graph.ts); xfade crossfades them.
      return 'fade';
    case 'flash':
      // buildGraph draws flashes itself (a cut under a white burst); this is the nearest xfade.
      return 'fadewhite';
  }
}

/** A run of consecutive segments rendered by one ffmpeg pass; it starts on a hard cut. */
export interface PlannedChunk {
  /** Timeline frame of its first frame. */
  startFrame: number;
  frames: number;
  /** The chunk's segments, with `startFrame` relative to the chunk. */
  segments: PlannedSegment[];
}

/**
 * Splits the chain into passes of at most `maxSegments` segments (more when a run of transitions
 * leaves no hard cut to split on). ffmpeg opens every input of a pass up front, so this bounds the
 * memory and open files of songs with hundreds of shots; passes join losslessly (stream copy).
 */
export function planChunks(
  segments: PlannedSegment[],
  totalFrames: number,
  maxSegments: number,
): PlannedChunk[] {
  const bounds = splitAtCuts(
    segments.map((s) => ({ startFrame: s.startFrame, cut: !s.transition })),
    maxSegments,
  );
  return bounds.map((from, k) => {
    const to = bounds[k + 1] ?? segments.length;
    const start = segments[from]!.startFrame;
    const end = to < segments.length ? segments[to]!.startFrame : totalFrames;
    return {
      startFrame: start,
      frames: end - start,
      segments: segments.slice(from, to).map((s) => ({ ...s, startFrame: s.startFrame - start })),
    };
  });
}
