import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  browserExecutable,
  compositorCacheDir,
  frameEncoding,
  muxSong,
  openRemotionSession,
  prepareOverlays,
  remotionRenderRun,
  removeQuietly,
  renderHybrid,
  renderSilentVideo,
  sessionOptions,
} from '@beatframe/compositor';
import {
  loadConfig,
  parsePluginSettings,
  produceAtomic,
  type RenderContext,
  type Renderer,
  type RendererFactory,
  type RenderResult,
  type Timeline,
} from '@beatframe/core';
import type { z } from 'zod';
import { RemotionSettings } from './settings.js';

export { RemotionSettings } from './settings.js';

export type RemotionRendererSettings = z.infer<typeof RemotionSettings>;

/**
 * Renders a timeline with Remotion on local Chromium: frames of the composition encoded to H.264 yuv420p,
 * then the song muxed in untouched (AAC), cut to the video's length, moov first for fast start.
 */
export function createRemotionRenderer(settings: RemotionRendererSettings = {}): Renderer {
  return {
    name: 'remotion',
    description: 'Remotion on local Chromium: every feature of the timeline (the default)',
    async render(timeline: Timeline, outPath: string, ctx: RenderContext): Promise<RenderResult> {
      const mode = settings.mode ?? 'hybrid';
      let overlayFrames: number | undefined;
      const result = await remotionRenderRun(timeline, outPath, ctx, 'remotion', async (work, progress) => {
        progress(0, 'bundle');
        // Opening the session (bundle, clips, browser) is the first tenth of the bar, so it moves from the start.
        const session = await openRemotionSession(timeline, {
          onProgress: (f, label) => progress(0.1 * f, label),
          ...sessionOptions(settings, ctx),
          // The hybrid's ffmpeg graph reads the clips as they are (fitted on the fly); only the browser's
          // decoder wants them normalised.
          normalize: settings.normalize ?? mode === 'browser',
          // The hybrid needs Chromium only for overlays not drawn yet (none, when `prepare` drew them).
          lazyBrowser: mode === 'hybrid',
        });
        if (mode === 'hybrid') {
          try {
            await produceAtomic(outPath, async (tmp) => {
              overlayFrames = (
                await renderHybrid(session, tmp, {
                  workDir: work,
                  logger: ctx.logger,
                  concurrency: ctx.concurrency ?? settings.concurrency ?? 2,
                  ...(settings.x264Preset ? { x264Preset: settings.x264Preset } : {}),
                  ...(settings.crf !== undefined ? { crf: settings.crf } : {}),
                  ...(settings.maxItemsPerPass ? { maxItemsPerPass: settings.maxItemsPerPass } : {}),
                  ...(ctx.signal ? { signal: ctx.signal } : {}),
                  onProgress: (f, label) => progress(0.1 + f * 0.89, label),
                })
              ).overlayFrames;
            });
          } finally {
            await session.close();
          }
          return;
        }
        const silent = join(work, 'video.mp4');
        try {
          progress(0.1, 'frames');
          await renderSilentVideo(session, silent, {
            concurrency: ctx.concurrency ?? settings.concurrency ?? 2,
            ...frameEncoding(settings),
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            onProgress: (f) => progress(0.1 + f * 0.87, 'frames'),
          });
        } finally {
          await session.close();
        }
        progress(0.97, 'mux');
        await produceAtomic(outPath, (tmp) =>
          muxSong(silent, timeline.audio.src, tmp, {
            durationSec: timeline.durationFrames / timeline.fps,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          }),
        );
      });
      ctx.logger.info({ outPath, ms: result.elapsedMs, mode, overlayFrames }, 'rendered with remotion');
      return result;
    },
    // The hybrid's text overlays (cards, captions) depend on no clip: drawn into the cache while clips are made.
    ...((settings.mode ?? 'hybrid') === 'hybrid'
      ? {
          async prepare(draft: Timeline, ctx: RenderContext) {
            const config = loadConfig();
            const work = ctx.workDir ?? (await mkdtemp(join(tmpdir(), 'beatframe-prepare-')));
            try {
              const done = await prepareOverlays(draft, {
                cacheDir: settings.cacheDir ?? compositorCacheDir(config),
                browserExecutable: settings.browserExecutable ?? browserExecutable(config),
                workDir: work,
                concurrency: ctx.concurrency ?? settings.concurrency ?? 2,
                logger: ctx.logger,
                ...(ctx.signal ? { signal: ctx.signal } : {}),
                ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
              });
              return {
                summary: `${done.overlayFrames} caption overlay(s) and ${draft.cards.length} card(s), ${done.drawnFrames} drawn now (the rest were cached), in ${(done.ms / 1000).toFixed(1)} s`,
              };
            } finally {
              if (!ctx.workDir) await removeQuietly(work);
            }
          },
        }
      : {}),
  };
}

const factory: RendererFactory = (settings) =>
  createRemotionRenderer(parsePluginSettings(RemotionSettings, settings, 'renderers.remotion'));
export default factory;
