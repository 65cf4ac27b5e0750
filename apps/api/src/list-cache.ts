import type { Beatframe } from '@beatframe/pipeline';

/**
 * The project list as JSON text, built once and served to every request until something changes: any
 * pipeline event (a project created, a stage moving, a shot finishing) drops it, and it is rebuilt at most
 * `maxAgeMs` later in any case (changes another process made that no event announced here). Requests
 * that arrive while it is being built share that build. 200 concurrent list requests cost one query.
 */
export function listCache(
  bf: Beatframe,
  maxAgeMs = 1000,
): (key: string, build: () => Promise<string>) => Promise<string> {
  const entries = new Map<string, { at: number; body: Promise<string> }>();
  bf.subscribe('*', () => entries.clear());
  return (key, build) => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.body;
    const body = build();
    const entry = { at: Date.now(), body };
    entries.set(key, entry);
    body.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return body;
  };
}
