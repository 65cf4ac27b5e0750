import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatframeError, type Logger, type Timeline } from '@beatframe/core';
import { bundleComposition } from './bundle.js';
import { cardCacheKey, type OverlayPlan, overlayCacheKey, planOverlays } from './hybrid-overlays.js';
import { OVERLAY_COMPOSITION_ID } from './remotion/ids.js';
import type { OverlayFrame } from './remotion/Overlays.js';
import { chromiumOptions, RENDER_TIMEOUT_MS } from './remotion-render.js';

/** The overlays drawn ahead of the render (its pre-work while clips are made), into the same cache. */

export interface DrawnOverlays {
  plan: OverlayPlan;
  /** The caption overlays' images, by plan.unique's index. */
  cached: string[];
  /** Each card's still, fully shown. */
  cardStills: string[];
  drawnFrames: number;
  /** Share of a render's progress bar the drawing takes. */
  overlayShare: number;
}

/**
 * Draws the timeline's overlays (each distinct caption frame, each card once) that are not in the cache
 * beside the bundle yet, with Remotion on Chromium, into that cache; returns where all of them lie. Needs
 * only the timeline's text, size and style, never its clips: `prepareOverlays` runs it before the clips exist.
 * The browser is asked for only when something is missing.
 */
export async function drawOverlays(
  timeline: Timeline,
  o: {
    serveUrl: string;
    // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
    browser: () => Promise<any>;
    browserExecutable: string;
    workDir: string;
    concurrency?: number;
    signal?: AbortSignal;
    onProgress?: (fraction: number, label: string) => void;
  },
): Promise<DrawnOverlays> {
  const { durationFrames } = timeline;
  const plan = planOverlays(timeline);
  const drawn = join(o.workDir, 'overlays');
  await rm(drawn, { recursive: true, force: true });
  await mkdir(drawn, { recursive: true });
  // Overlays drawn before (an earlier round, another project with the same text) come from a cache beside
  // the bundle, named by it, so a changed composition starts afresh; Chromium draws only the rest.
  const cache = `${o.serveUrl.replace(/[\\/]+$/, '')}-overlays`;
  await mkdir(cache, { recursive: true });
  const cached = plan.unique.map((f) => join(cache, `${overlayCacheKey(timeline, f)}.png`));
  // Each card once, fully shown: ffmpeg fades and raises it (cardGraph).
  const cardStills = timeline.cards.map((_, i) => join(cache, `card-${cardCacheKey(timeline, i)}.png`));
  const wanted: Array<{ draw: OverlayFrame; file: string }> = [
    ...plan.unique.map((f, k) => ({ draw: f, file: cached[k]! })),
    ...cardStills.map((file, card) => ({ draw: { card }, file })),
  ];
  // One drawing per image not cached yet (distinct overlays at different times can look the same).
  const seen = new Set<string>();
  const missing = wanted.filter(({ file }) => {
    if (seen.has(file) || existsSync(file)) return false;
    seen.add(file);
    return true;
  });
  const overlayShare = missing.length / (missing.length + durationFrames / 4);
  if (missing.length) {
    const { renderFrames, selectComposition, makeCancelSignal } = await import('@remotion/renderer');
    // Chromium starts only now, for what is missing (seconds on a busy machine: said before, not after).
    o.onProgress?.(0, 'browser');
    const browser = await o.browser();
    const inputProps = { timeline, frames: missing.map((m) => m.draw) };
    const composition = await selectComposition({
      serveUrl: o.serveUrl,
      id: OVERLAY_COMPOSITION_ID,
      inputProps,
      puppeteerInstance: browser,
      browserExecutable: o.browserExecutable,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
    });
    const { cancelSignal, cancel } = makeCancelSignal();
    o.signal?.addEventListener('abort', () => cancel(), { once: true });
    await renderFrames({
      composition,
      serveUrl: o.serveUrl,
      inputProps,
      outputDir: drawn,
      imageFormat: 'png',
      imageSequencePattern: 'o[frame].[ext]',
      puppeteerInstance: browser,
      browserExecutable: o.browserExecutable,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      cancelSignal,
      onStart: () => undefined,
      onFrameUpdate: (done: number) =>
        o.onProgress?.((0.9 * overlayShare * done) / missing.length, `overlays: ${done}/${missing.length}`),
    }).catch((err: unknown) => {
      if (o.signal?.aborted) throw new BeatframeError('render cancelled', { code: 'ABORTED' });
      throw err;
    });
    const drawnFiles = (await readdir(drawn))
      .filter((f) => f.endsWith('.png'))
      .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
    if (drawnFiles.length !== missing.length) {
      throw new BeatframeError(`overlay render made ${drawnFiles.length} frames, expected ${missing.length}`);
    }
    // Into the cache whole (a copy, then a rename), so a cancelled render never leaves half an image.
    await Promise.all(
      drawnFiles.map(async (f, i) => {
        const to = missing[i]!.file;
        const tmp = `${to}.${process.pid}.tmp`;
        await copyFile(join(drawn, f), tmp);
        await rename(tmp, to);
      }),
    );
  }
  return { plan, cached, cardStills, drawnFrames: missing.length, overlayShare };
}

export interface PrepareOverlaysOptions {
  /** The compositor cache the render will use (its bundle and the overlays beside it). */
  cacheDir: string;
  browserExecutable: string;
  /** A folder of its own for Chromium's frames (not a render's work folder). */
  workDir: string;
  concurrency?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (fraction: number, label: string) => void;
}

/**
 * The hybrid render's work that needs no clip, done ahead: the composition bundled, and the timeline's
 * overlays (caption frames, card stills) drawn into the cache, where the render finds them. Takes a draft
 * timeline (`draftTimeline`: text, size and style, no items); Chromium runs only if something is missing.
 */
export async function prepareOverlays(
  timeline: Timeline,
  opts: PrepareOverlaysOptions,
): Promise<{ overlayFrames: number; drawnFrames: number; ms: number }> {
  const t0 = Date.now();
  opts.onProgress?.(0, 'bundle');
  const serveUrl = await bundleComposition(opts.cacheDir);
  // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
  let opened: Promise<any> | undefined;
  try {
    const drawn = await drawOverlays(timeline, {
      serveUrl,
      browser: () => {
        opened ??= import('@remotion/renderer').then(({ openBrowser }) =>
          openBrowser('chrome', {
            browserExecutable: opts.browserExecutable,
            // One process: it runs beside the clip generator, and a multi-process Chromium's processes held
            // 1.17 GB of summed RSS against 0.46 GB for one (101 caption frames; byte-identical PNGs, as fast).
            chromiumOptions: { ...chromiumOptions, enableMultiProcessOnLinux: false },
            logLevel: 'error',
          }),
        );
        return opened;
      },
      browserExecutable: opts.browserExecutable,
      workDir: opts.workDir,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress
        ? { onProgress: (f: number, label: string) => opts.onProgress?.(Math.min(1, f / 0.9), label) }
        : {}),
    });
    const ms = Date.now() - t0;
    opts.logger?.debug(
      { ms, overlays: drawn.plan.unique.length, drawn: drawn.drawnFrames },
      'hybrid: overlays drawn ahead',
    );
    opts.onProgress?.(1, 'overlays');
    return { overlayFrames: drawn.plan.unique.length, drawnFrames: drawn.drawnFrames, ms };
  } finally {
    // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
    const b: any = await opened?.catch(() => undefined);
    await b?.close({ silent: true });
    await rm(join(opts.workDir, 'overlays'), { recursive: true, force: true });
  }
}
