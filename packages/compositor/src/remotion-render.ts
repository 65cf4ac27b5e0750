import { existsSync, constants as fsConstants } from 'node:fs';
import { copyFile, link as fsLink, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import {
  type BeatframeConfig,
  BeatframeError,
  ConfigError,
  digestOf,
  InputError,
  type Logger,
  loadConfig,
  type Timeline,
} from '@beatframe/core';
import { probeMedia, runFfmpeg, VIDEO_WITH_SONG_ARGS } from '@beatframe/media';
import { bundleComposition } from './bundle.js';
import { type ClipTarget, clipIssues, normalizeClip } from './normalize.js';
import { COMPOSITION_ID } from './remotion/ids.js';

export { COMPOSITION_ID };

/** Where bundles and normalised clips are cached: BEATFRAME_CACHE_DIR, else <dataDir>/cache/compositor. */
export function compositorCacheDir(config: Pick<BeatframeConfig, 'dataDir'> = loadConfig()): string {
  return process.env.BEATFRAME_CACHE_DIR
    ? resolve(process.env.BEATFRAME_CACHE_DIR, 'compositor')
    : join(config.dataDir, 'cache', 'compositor');
}

/** The Chromium Remotion drives: configured or found on disk, never downloaded. */
export function browserExecutable(config: Pick<BeatframeConfig, 'browserExecutable'> = loadConfig()): string {
  const exe = config.browserExecutable;
  if (!exe || !existsSync(exe)) {
    throw new ConfigError(
      'no Chromium found: install chromium or set BEATFRAME_BROWSER_EXECUTABLE to a Chrome/Chromium binary',
    );
  }
  return exe;
}

/** Chromium settings for rendering here: headless, software GL. Remotion adds --no-sandbox and friends. */
export const chromiumOptions = { headless: true, gl: 'swangle' as const, enableMultiProcessOnLinux: true };

/** How long a page may take to load or a frame to draw: generous, for busy machines (Remotion's default is 30 s). */
export const RENDER_TIMEOUT_MS = 180_000;

/**
 * Makes every media file of the timeline reachable from the bundle: each file is hard-linked (or copied) into
 * `<bundle>/public/media/<digest><ext>` and the timeline's paths become those public names. Clips
 * are first normalised to the timeline's size and frame rate (cached) unless `normalize` is false.
 */
export async function stageMedia(
  timeline: Timeline,
  bundleDir: string,
  opts: {
    normalize?: boolean;
    cacheDir: string;
    signal?: AbortSignal;
    logger?: Logger;
    /** After each distinct clip is ready: how many of how many. */
    onClip?: (done: number, total: number) => void;
  },
): Promise<Timeline> {
  const mediaDir = join(bundleDir, 'public', 'media');
  await mkdir(mediaDir, { recursive: true });
  const staged = new Map<string, string>();
  const stage = async (file: string): Promise<string> => {
    if (/^(https?|blob|data):/i.test(file)) return file;
    const hit = staged.get(file);
    if (hit) return hit;
    if (!existsSync(file)) throw new InputError(`media file ${file} does not exist`);
    const st = await stat(file);
    const name = `${digestOf({ file: resolve(file), size: st.size, mtime: st.mtimeMs }).slice(0, 20)}${extname(file).toLowerCase()}`;
    const link = join(mediaDir, name);
    if (!existsSync(link)) {
      // Remotion's file server refuses symlinks: hard-link (free on one filesystem), else copy.
      const tmp = `${link}.${process.pid}.tmp`;
      try {
        await fsLink(resolve(file), tmp);
      } catch {
        await copyFile(resolve(file), tmp, fsConstants.COPYFILE_FICLONE);
      }
      await rename(tmp, link);
    }
    const rel = `media/${name}`;
    staged.set(file, rel);
    return rel;
  };
  const target = { width: timeline.width, height: timeline.height, fps: timeline.fps };
  const normDir = join(opts.cacheDir, 'clips');
  const items = [];
  const normalized = new Map<string, Promise<string>>();
  const distinct = new Set(timeline.items.map((i) => i.src)).size;
  let ready = 0;
  for (const item of timeline.items) {
    let src = item.src;
    if (opts.normalize !== false && !/^(https?|blob|data):/i.test(src)) {
      let p = normalized.get(src);
      if (!p) {
        p = clipAsTimelineNeeds(src, { ...target, fit: item.fit ?? 'cover' }, normDir, opts.signal);
        normalized.set(src, p);
        src = await p;
        opts.onClip?.(++ready, distinct);
      } else src = await p;
    }
    items.push({ ...item, src: await stage(src) });
  }
  return { ...timeline, items, audio: { ...timeline.audio, src: await stage(timeline.audio.src) } };
}

/**
 * The clip itself when it already is what the timeline needs (size, constant frame rate, H.264 yuv420p,
 * upright), as a generator that was asked for the timeline's format delivers it; else its normalised copy.
 * Re-encoding a clip that needs nothing cost ~1 s a clip and a generation loss.
 */
async function clipAsTimelineNeeds(
  src: string,
  target: ClipTarget,
  normDir: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const info = await probeMedia(src, signal ? { signal } : {}).catch(() => undefined);
  if (info && clipIssues(info, target).length === 0) return src;
  return normalizeClip(src, target, normDir, signal ? { signal } : {});
}

/**
 * Puts the song, untouched in time, under a rendered (silent) video: the video stream is copied,
 * the song encoded to AAC, both cut to the video's exact length, moov atom first (fast start).
 */
export async function muxSong(
  videoPath: string,
  audioPath: string,
  outPath: string,
  opts: { durationSec: number; signal?: AbortSignal },
): Promise<void> {
  const info = await probeMedia(audioPath);
  const aac = info.audio?.codec === 'aac';
  await runFfmpeg(
    [
      '-i',
      videoPath,
      '-i',
      audioPath,
      ...VIDEO_WITH_SONG_ARGS,
      ...(aac ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']),
      '-t',
      opts.durationSec.toFixed(6),
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      outPath,
    ],
    opts.signal ? { signal: opts.signal } : {},
  );
}

/** Removes a render's temporary folder, ignoring what is already gone. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export function outputName(path: string): string {
  return basename(path);
}

export interface RemotionSessionOptions {
  cacheDir?: string;
  /** Normalise clips to the timeline's size and fps before rendering (default true: faster decoding). */
  normalize?: boolean;
  browserExecutable?: string;
  signal?: AbortSignal;
  logger?: Logger;
  onBundleProgress?: (fraction: number) => void;
  /**
   * Opening a session takes seconds (bundle on a cold cache, clips, browser): its progress 0…1 with the
   * step ("bundle", "clips: 3/16", "browser"), so a render bar moves from its first second.
   */
  onProgress?: (fraction: number, label: string) => void;
  /**
   * Open no Chromium until `ensureBrowser` asks for it, and select no composition (the hybrid render needs a
   * browser only for overlays not drawn yet: with its text drawn ahead, it starts none).
   */
  lazyBrowser?: boolean;
}

/** The session options a renderer takes from its settings and its render context (unset ones left out). */
export function sessionOptions(
  settings: { cacheDir?: string | undefined; browserExecutable?: string | undefined },
  ctx: { signal?: AbortSignal | undefined; logger: Logger },
): Pick<RemotionSessionOptions, 'cacheDir' | 'browserExecutable' | 'signal' | 'logger'> {
  return {
    ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
    ...(settings.browserExecutable ? { browserExecutable: settings.browserExecutable } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    logger: ctx.logger,
  };
}

/** A bundle, the staged timeline and an open Chromium, ready for one or more renderMedia calls. */
export interface RemotionSession {
  serveUrl: string;
  inputProps: Timeline;
  // biome-ignore lint/suspicious/noExplicitAny: VideoConfig from @remotion/renderer, loaded lazily.
  composition: any;
  // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer (undefined until opened when lazy).
  browser: any;
  browserExecutable: string;
  /** The session's Chromium, opened now if the session was opened without it (`lazyBrowser`). */
  // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
  ensureBrowser(): Promise<any>;
  /** A lazy session closes its Chromium now (`ensureBrowser` would open another); others keep theirs. */
  releaseBrowser?(): Promise<void>;
  close(): Promise<void>;
}

export async function openRemotionSession(
  timeline: Timeline,
  opts: RemotionSessionOptions = {},
): Promise<RemotionSession> {
  const config = loadConfig();
  const cacheDir = opts.cacheDir ?? compositorCacheDir(config);
  const exe = opts.browserExecutable ?? browserExecutable(config);
  const t0 = Date.now();
  opts.onProgress?.(0, 'bundle');
  const serveUrl = await bundleComposition(cacheDir, {
    onProgress: (f) => {
      opts.onBundleProgress?.(f);
      opts.onProgress?.(0.4 * f, 'bundle');
    },
  });
  const t1 = Date.now();
  opts.onProgress?.(0.4, 'clips');
  const inputProps = await stageMedia(timeline, serveUrl, {
    cacheDir,
    ...(opts.normalize !== undefined ? { normalize: opts.normalize } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onClip: (done, total) => opts.onProgress?.(0.4 + (0.5 * done) / total, `clips: ${done}/${total}`),
  });
  opts.logger?.debug({ bundleMs: t1 - t0, clipsMs: Date.now() - t1 }, 'remotion: bundled and staged');
  const { openBrowser, selectComposition } = await import('@remotion/renderer');
  const launch = () =>
    openBrowser('chrome', {
      browserExecutable: exe,
      chromiumOptions,
      logLevel: 'error',
    });
  if (opts.lazyBrowser) {
    // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
    let opened: Promise<any> | undefined;
    const session: RemotionSession = {
      serveUrl,
      inputProps,
      composition: undefined,
      browser: undefined,
      browserExecutable: exe,
      ensureBrowser: () => {
        opened ??= launch().then((b) => {
          session.browser = b;
          return b;
        });
        return opened;
      },
      releaseBrowser: async () => {
        const was = opened;
        opened = undefined;
        session.browser = undefined;
        // biome-ignore lint/suspicious/noExplicitAny: HeadlessBrowser from @remotion/renderer.
        const b: any = await was?.catch(() => undefined);
        await b?.close({ silent: true });
      },
      close: () => session.releaseBrowser!(),
    };
    opts.onProgress?.(1, 'clips');
    return session;
  }
  opts.onProgress?.(0.9, 'browser');
  const browser = await launch();
  try {
    const composition = await selectComposition({
      serveUrl,
      id: COMPOSITION_ID,
      inputProps,
      puppeteerInstance: browser,
      browserExecutable: exe,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
    });
    opts.logger?.debug({ ms: Date.now() - t0 }, 'remotion: browser open, composition selected');
    opts.onProgress?.(1, 'browser');
    return {
      serveUrl,
      inputProps,
      composition,
      browser,
      browserExecutable: exe,
      ensureBrowser: async () => browser,
      close: () => browser.close({ silent: true }),
    };
  } catch (err) {
    await browser.close({ silent: true });
    throw err;
  }
}

export interface RenderFramesToVideoOptions {
  /** Inclusive frame range; the whole timeline when absent. */
  frameRange?: [number, number];
  codec?: 'h264' | 'h264-ts';
  concurrency?: number;
  imageFormat?: 'jpeg' | 'png';
  jpegQuality?: number;
  x264Preset?: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';
  crf?: number;
  disallowParallelEncoding?: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** The frame encoding a renderer's settings ask for, in the shape `renderSilentVideo` takes (unset ones left out). */
export function frameEncoding(s: {
  imageFormat?: RenderFramesToVideoOptions['imageFormat'] | undefined;
  jpegQuality?: number | undefined;
  x264Preset?: RenderFramesToVideoOptions['x264Preset'] | undefined;
  crf?: number | undefined;
}): Pick<RenderFramesToVideoOptions, 'imageFormat' | 'jpegQuality' | 'x264Preset' | 'crf'> {
  return {
    ...(s.imageFormat ? { imageFormat: s.imageFormat } : {}),
    ...(s.jpegQuality ? { jpegQuality: s.jpegQuality } : {}),
    ...(s.x264Preset ? { x264Preset: s.x264Preset } : {}),
    ...(s.crf !== undefined ? { crf: s.crf } : {}),
  };
}

/** Renders the session's composition (or a frame range of it) to a silent H.264 yuv420p file. */
export async function renderSilentVideo(
  session: RemotionSession,
  outPath: string,
  opts: RenderFramesToVideoOptions = {},
): Promise<void> {
  const { renderMedia, makeCancelSignal } = await import('@remotion/renderer');
  const { cancelSignal, cancel } = makeCancelSignal();
  const onAbort = () => cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await renderMedia({
      composition: session.composition,
      serveUrl: session.serveUrl,
      inputProps: session.inputProps,
      codec: opts.codec ?? 'h264',
      outputLocation: outPath,
      muted: true,
      pixelFormat: 'yuv420p',
      // Limited-range BT.709 (plain yuv420p), not the full-range yuvj420p the JPEG frames would give.
      colorSpace: 'bt709',
      imageFormat: opts.imageFormat ?? 'jpeg',
      ...(opts.imageFormat !== 'png' ? { jpegQuality: opts.jpegQuality ?? 90 } : {}),
      x264Preset: opts.x264Preset ?? 'veryfast',
      crf: opts.crf ?? 18,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.frameRange ? { frameRange: opts.frameRange } : {}),
      disallowParallelEncoding: opts.disallowParallelEncoding ?? false,
      puppeteerInstance: session.browser,
      browserExecutable: session.browserExecutable,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
      overwrite: true,
      cancelSignal,
      onProgress: ({ progress }: { progress: number }) => opts.onProgress?.(progress),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw new BeatframeError('render cancelled', { code: 'ABORTED' });
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
