import type { ProviderError } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';

/** What a provider call rejected with (undefined when it succeeded), for assertions on kind and message. */
export function errorOf(p: Promise<unknown>): Promise<ProviderError | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => e as ProviderError,
  );
}

/** A still image (one frame of a test pattern, 640x480 unless told) at `path`, for image-to-video requests. */
export async function makeTestStill(path: string, size = '640x480'): Promise<string> {
  await runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1`, '-frames:v', '1', path]);
  return path;
}
