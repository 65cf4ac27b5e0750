import type { PipelineEvent } from '@beatframe/pipeline';

/**
 * The API speaks of projects and assets by id and URL, never by server path. Messages the pipeline
 * writes for a local user ("ffmpeg could not read /home/x/.beatframe/projects/p/clips/s1.mp4") are
 * shortened here to the file's name before they leave the server.
 */

// An absolute POSIX path of two or more segments, not part of a URL (no "://" or host before it).
const ABS_PATH = /(?<![\w.:/~-])\/(?:[^\s/'"`<>()[\]{},;]+\/)+([^\s/'"`<>()[\]{},;]*)/g;
// Windows drive paths, for a server that runs there.
const WIN_PATH = /\b[A-Za-z]:\\(?:[^\s\\'"`<>]+\\)+([^\s\\'"`<>]*)/g;

/** `text` with every absolute path replaced by its last segment (the file's name). */
export function withoutPaths(text: string): string {
  return text
    .replace(ABS_PATH, (_m, name: string) => name || '…')
    .replace(WIN_PATH, (_m, name: string) => name || '…');
}

/** Same, for an optional field. */
export function maybeWithoutPaths<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : withoutPaths(text)) as T;
}

/** A pipeline event as a client sees it: the delivered video as its URL, messages without server paths. */
export function publicEvent(e: PipelineEvent): Record<string, unknown> {
  switch (e.type) {
    case 'done': {
      const { videoPath: _path, ...rest } = e;
      return { ...rest, videoUrl: `/api/projects/${e.projectId}/video` };
    }
    case 'failed':
      return { ...e, error: withoutPaths(e.error) };
    case 'log':
      return { ...e, message: withoutPaths(e.message) };
    case 'project':
      return e.reason === undefined ? e : { ...e, reason: withoutPaths(e.reason) };
    case 'shot':
      return e.error === undefined ? e : { ...e, error: withoutPaths(e.error) };
    default:
      return e;
  }
}

/** A project's messages (its error, each stage's error) without server paths. */
export function projectWithoutPaths<T extends { error?: string; stages: Array<{ error?: string }> }>(
  p: T,
): T {
  return {
    ...p,
    ...(p.error !== undefined ? { error: withoutPaths(p.error) } : {}),
    stages: p.stages.map((s) => (s.error === undefined ? s : { ...s, error: withoutPaths(s.error) })),
  };
}

/**
 * What goes to the log for an unexpected error: its first line, without a failed query's SQL and
 * parameters (they may hold what a client sent).
 */
export function errorForLog(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/^Failed query/i.test(message)) {
    const cause = (err as { cause?: unknown }).cause;
    return `database query failed${cause instanceof Error ? `: ${cause.message.split('\n')[0]}` : ''}`;
  }
  return message.split('\n')[0] ?? '';
}

/** Every string in a JSON value without server paths (keys ending in "Url" hold our own URLs and stay). */
export function deepWithoutPaths<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (/url$/i.test(key) ? value : withoutPaths(value)) as T;
  if (Array.isArray(value)) return value.map((v) => deepWithoutPaths(v, key)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, deepWithoutPaths(v, k)]),
    ) as T;
  return value;
}
