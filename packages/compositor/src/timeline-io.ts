import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, Timeline, userMessage, writeFileAtomic } from '@beatframe/core';

/**
 * Checks what the schema cannot: items tile the video (each item starts where the previous one ends,
 * minus its transition), transitions fit inside both neighbours, and the last item ends at the end.
 */
export function checkTimeline(timeline: Timeline): void {
  const { items, durationFrames } = timeline;
  if (items.length === 0) throw new InputError('timeline has no items');
  if (items[0]!.startFrame !== 0) throw new InputError('timeline: the first item must start at frame 0');
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1]!;
    const item = items[i]!;
    const t = item.transitionIn?.durationFrames ?? 0;
    if (item.startFrame + t !== prev.startFrame + prev.durationFrames) {
      throw new InputError(
        `timeline: item ${item.id} starts at ${item.startFrame} but item ${prev.id} ends at ${prev.startFrame + prev.durationFrames} (transition ${t})`,
      );
    }
    if (t > prev.durationFrames || t > item.durationFrames) {
      throw new InputError(
        `timeline: the transition into item ${item.id} is longer than a neighbouring item`,
      );
    }
  }
  const last = items[items.length - 1]!;
  if (last.startFrame + last.durationFrames !== durationFrames) {
    throw new InputError(
      `timeline: items end at frame ${last.startFrame + last.durationFrames}, the video at ${durationFrames}`,
    );
  }
}

/** Reads and validates a timeline file; relative media paths are resolved against the file's folder. */
export async function loadTimeline(path: string): Promise<Timeline> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(`timeline ${path} does not exist`);
    throw new InputError(`timeline ${path} is not valid JSON: ${userMessage(err)}`);
  }
  const parsed = Timeline.safeParse(raw);
  if (!parsed.success) throw new InputError(`timeline ${path} is invalid: ${userMessage(parsed.error)}`);
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) || /^[a-z]+:\/\//i.test(p) ? p : resolve(base, p));
  const timeline: Timeline = {
    ...parsed.data,
    audio: { ...parsed.data.audio, src: abs(parsed.data.audio.src) },
    items: parsed.data.items.map((it) => ({ ...it, src: abs(it.src) })),
  };
  checkTimeline(timeline);
  return timeline;
}

/** Writes a timeline atomically as pretty JSON. */
export async function saveTimeline(path: string, timeline: Timeline): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(Timeline.parse(timeline), null, 2)}\n`);
}
