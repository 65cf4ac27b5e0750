import { join } from 'node:path';
import {
  frameEncoding,
  muxSong,
  openRemotionSession,
  type RemotionSession,
  type RemotionSessionOptions,
  type RenderFramesToVideoOptions,
  remotionRenderRun,
  renderSilentVideo,
  sessionOptions,
} from '@beatframe/compositor';
import {
  parsePluginSettings,
  produceAtomic,
  type RenderContext,
  type Renderer,
  type RendererFactory,
  type RenderResult,
  type Timeline,
} from '@beatframe/core';
import type { z } from 'zod';
import { ChunkedSettings } from './settings.js';

export { ChunkedSettings } from './settings.js';

/** An inclusive frame range, as Remotion's `frameRange` takes it. */
export type FrameRange = [number, number];

/** Splits a timeline's frames into `count` contiguous ranges of near-equal length (at least `minFrames` each). */
export function splitFrames(durationFrames: number, count: number, minFrames = 30): FrameRange[] {
  const n = Math.max(1, Math.min(count, Math.floor(durationFrames / minFrames) || 1));
  const size = Math.ceil(durationFrames / n);
  const ranges: FrameRange[] = [];
  for (let start = 0; start < durationFrames; start += size) {
    ranges.push([start, Math.min(durationFrames, start + size) - 1]);
  }
  return ranges;
}

export interface ChunkOptions extends Omit<RenderFramesToVideoOptions, 'frameRange' | 'codec'> {
  /** Reuse an open session (bundle + browser); otherwise one is opened and closed for this chunk. */
  session?: RemotionSession;
  sessionOptions?: RemotionSessionOptions;
}

/**
 * Renders one frame range of a timeline to a silent MPEG-TS H.264 chunk: the unit of work a worker
 * can take. Chunks of one timeline join seamlessly (same encoder settings, TS packets concatenate).
 */
export async function renderChunk(
  timeline: Timeline,
  range: FrameRange,
  outPath: string,
  opts: ChunkOptions = {},
): Promise<void> {
  const session = opts.session ?? (await openRemotionSession(timeline, opts.sessionOptions ?? {}));
  try {
    const { session: _s, sessionOptions: _o, ...render } = opts;
    await renderSilentVideo(session, outPath, { ...render, frameRange: range, codec: 'h264-ts' });
  } finally {
    if (!opts.session) await session.close();
  }
}

/**
 * Joins chunks (in frame order) with Remotion's combineChunks, then puts the song under the picture
 * untouched: H.264 yuv420p + AAC, cut to the timeline's length, fast start.
 */
export async function joinChunks(
  timeline: Timeline,
  chunkPaths: string[],
  framesPerChunk: number,
  outPath: string,
  opts: { workDir: string; signal?: AbortSignal; onProgress?: (f: number) => void },
): Promise<void> {
  const { combineChunks, makeCancelSignal } = await import('@remotion/renderer');
  const { cancelSignal, cancel } = makeCancelSignal();
  opts.signal?.addEventListener('abort', () => cancel(), { once: true });
  const joined = join(opts.workDir, 'joined.mp4');
  await combineChunks({
    outputLocation: joined,
    videoFiles: chunkPaths,
    audioFiles: [],
    codec: 'h264',
    fps: timeline.fps,
    framesPerChunk,
    preferLossless: false,
    compositionDurationInFrames: timeline.durationFrames,
    logLevel: 'error',
    cancelSignal,
    onProgress: ({ totalProgress }) => opts.onProgress?.(totalProgress),
  });
  const durationSec = timeline.durationFrames / timeline.fps;
  await produceAtomic(outPath, (tmp) =>
    muxSong(joined, timeline.audio.src, tmp, {
      durationSec,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  );
}

export type ChunkedRendererSettings = z.infer<typeof ChunkedSettings>;

/**
 * Renders frame ranges as parallel jobs and joins them with combineChunks. Today the jobs run in this
 * process on one browser; `renderChunk` and `joinChunks` are the seams for handing chunks to workers.
 */
export function createChunkedRenderer(settings: ChunkedRendererSettings = {}): Renderer {
  return {
    name: 'chunked',
    description: 'Remotion in frame-range chunks rendered in parallel and joined with combineChunks',
    render: (timeline: Timeline, outPath: string, ctx: RenderContext): Promise<RenderResult> =>
      remotionRenderRun(timeline, outPath, ctx, 'chunked', async (work, progress) => {
        const jobs = Math.max(1, ctx.concurrency ?? settings.jobs ?? 2);
        const ranges = splitFrames(timeline.durationFrames, settings.chunks ?? jobs * 2);
        const framesPerChunk = ranges[0]![1] - ranges[0]![0] + 1;
        progress(0);
        const session = await openRemotionSession(timeline, {
          ...sessionOptions(settings, ctx),
          ...(settings.normalize !== undefined ? { normalize: settings.normalize } : {}),
        });
        const done = ranges.map(() => 0);
        const report = () => progress(0.03 + (0.9 * done.reduce((a, b) => a + b, 0)) / ranges.length);
        const paths = ranges.map((_, i) => join(work, `chunk-${String(i).padStart(4, '0')}.ts`));
        // One failed chunk cancels the others, so nothing keeps rendering into a closed browser.
        const stop = new AbortController();
        const onAbort = () => stop.abort();
        ctx.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          let next = 0;
          const worker = async () => {
            while (next < ranges.length && !stop.signal.aborted) {
              const i = next++;
              await renderChunk(timeline, ranges[i]!, paths[i]!, {
                session,
                concurrency: settings.concurrencyPerChunk ?? 1,
                ...frameEncoding(settings),
                signal: stop.signal,
                onProgress: (f) => {
                  done[i] = f;
                  report();
                },
              });
              ctx.logger.debug({ chunk: i, range: ranges[i] }, 'chunk rendered');
            }
          };
          const results = await Promise.allSettled(
            Array.from({ length: Math.min(jobs, ranges.length) }, () =>
              worker().catch((err) => {
                stop.abort();
                throw err;
              }),
            ),
          );
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed) throw failed.reason;
        } finally {
          ctx.signal?.removeEventListener('abort', onAbort);
          await session.close();
        }
        await joinChunks(timeline, paths, framesPerChunk, outPath, {
          workDir: work,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onProgress: (f) => progress(0.93 + f * 0.06),
        });
      }),
  };
}

const factory: RendererFactory = (settings) =>
  createChunkedRenderer(parsePluginSettings(ChunkedSettings, settings, 'renderers.chunked'));
export default factory;
