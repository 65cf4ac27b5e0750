import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, Timeline, timelineProblem, userMessage, writeFileAtomic } from '@beatframe/core';

/** Throws an InputError naming the first way the timeline breaks the tiling rules (see core's timelineProblem). */
export function checkTimeline(timeline: Timeline): void {
  const problem = timelineProblem(timeline);
  if (problem) throw new InputError(problem);
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
