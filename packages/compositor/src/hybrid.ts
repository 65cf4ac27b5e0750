import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatframeError, type Logger } from '@beatframe/core';
import { concatListInput, probeMedia, runFfmpeg } from '@beatframe/media';
import { alphaBox, num, unionBox } from './hybrid-overlays.js';
import {
  type Box,
  type EncodeSource,
  encodeArgs,
  type FramePass,
  joinArgs,
  planPasses,
} from './hybrid-passes.js';
import { drawOverlays } from './hybrid-prepare.js';
import type { RemotionSession } from './remotion-render.js';

/**
 * The hybrid render draws the same picture as the composition, split where each tool is fast:
 * ffmpeg composes the shots (clips, transitions, zoom pulses) from the normalised clips, Remotion draws
 * the overlays (flashes, cards, captions) on transparency — each distinct overlay once — and ffmpeg lays
 * them over the shots while encoding. The math of every effect is shared with the composition.
 */

export interface HybridRenderOptions {
  workDir: string;
  logger?: Logger;
  concurrency?: number;
  x264Preset?: string;
  crf?: number;
  signal?: AbortSignal;
  /**
   * Items (clips) per ffmpeg encode run (default 24): a longer timeline is encoded in passes, split at hard
   * cuts, joined by stream copy, so memory stays bounded however many shots the song has.
   */
  maxItemsPerPass?: number;
  /** 0…1 with the step: "overlays: 12/40" while Chromium draws, "overlays: convert", "encode", then "join". */
  onProgress?: (fraction: number, label: string) => void;
}

/**
 * Renders a staged timeline (the session's input props) the hybrid way into `outPath`: overlays by Remotion,
 * shots and encoding by ffmpeg, the song muxed untouched, fast start. Returns the number of distinct
 * overlay frames, and how many of them Remotion drew (the others were cached).
 */
export async function renderHybrid(
  session: RemotionSession,
  outPath: string,
  opts: HybridRenderOptions,
): Promise<{ overlayFrames: number; drawnFrames: number }> {
  const timeline = session.inputProps;
  const { fps, durationFrames, width, height } = timeline;
  const t0 = Date.now();
  const { plan, cached, cardStills, drawnFrames, overlayShare } = await drawOverlays(timeline, {
    serveUrl: session.serveUrl,
    browser: () => session.ensureBrowser(),
    browserExecutable: session.browserExecutable,
    workDir: opts.workDir,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // Chromium is not needed for the encode: closed before it (a lazy session's), not held through it.
  await session.releaseBrowser?.();
  const t1 = Date.now();
  opts.logger?.debug(
    { ms: t1 - t0, overlays: plan.unique.length, drawn: drawnFrames },
    'hybrid: overlays drawn',
  );
  opts.onProgress?.(0.9 * overlayShare, 'overlays: convert');
  // Chromium writes RGB or RGBA PNGs depending on the content; one pixel format for all, or ffmpeg
  // would reconfigure the whole graph mid-stream when it changes.
  const rgba = join(opts.workDir, 'overlays-rgba');
  await rm(rgba, { recursive: true, force: true });
  await mkdir(rgba, { recursive: true });
  // A clear frame first, made the same way, so every image carries the same metadata (SAR included).
  const blank = join(opts.workDir, 'blank.png');
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=black@0:s=${width}x${height},format=rgba`,
    '-frames:v',
    '1',
    blank,
  ]);
  const images = [blank, ...cached];
  const boxFile = join(rgba, 'boxes.txt');
  await writeFile(
    join(rgba, 'list.ffconcat'),
    `${['ffconcat version 1.0', ...images.flatMap((f) => [`file '${f}'`, `duration ${num(1 / fps)}`])].join('\n')}\n`,
  );
  await runFfmpeg(
    [
      ...concatListInput(join(rgba, 'list.ffconcat')),
      // Beside the conversion, where each image's visible pixels lie (alpha > 0): the final pass blends
      // only the box they all fit in.
      '-filter_complex',
      `[0:v]format=rgba,split[png][a];[a]alphaextract,bbox=min_val=0,metadata=print:file='${boxFile}'[box]`,
      '-map',
      '[png]',
      '-fps_mode',
      'passthrough',
      // Fast zlib: these PNGs are read once, by the next pass; the default level took twice the CPU.
      '-compression_level',
      '1',
      '-start_number',
      '0',
      join(rgba, '%06d.png'),
      '-map',
      '[box]',
      '-f',
      'null',
      '-',
    ],
    {
      // The convert takes seconds for hundreds of overlays: its progress keeps the bar moving.
      onTime: (sec) =>
        opts.onProgress?.(
          overlayShare * (0.9 + 0.1 * Math.min(1, (sec * fps) / images.length)),
          'overlays: convert',
        ),
    },
  );
  const captionBox = unionBox(await readFile(boxFile, 'utf8'), width, height);
  const clear = join(rgba, '000000.png');
  const files = cached.map((_, k) => `${String(k + 1).padStart(6, '0')}.png`);
  if (![clear, ...files.map((f) => join(rgba, f))].every((f) => existsSync(f))) {
    throw new BeatframeError('overlay conversion lost frames');
  }
  // ffmpeg reads the staged files where they lie in the bundle's public folder.
  const local = (src: string) =>
    /^(https?|blob|data):/i.test(src) ? src : join(session.serveUrl, 'public', src);
  const audioSrc = local(timeline.audio.src);
  const cardBoxes: Array<Box | undefined> = [];
  for (const still of cardStills) cardBoxes.push(await alphaBox(still, width, height));
  const source: EncodeSource = {
    timeline: { ...timeline, items: timeline.items.map((i) => ({ ...i, src: local(i.src) })) },
    audioSrc,
    audioCodec: (await probeMedia(audioSrc)).audio?.codec,
    plan,
    clear,
    overlayImages: files.map((f) => join(rgba, f)),
    captionBox,
    cardStills,
    cardBoxes,
    workDir: opts.workDir,
    ...(opts.x264Preset ? { x264Preset: opts.x264Preset } : {}),
    ...(opts.crf !== undefined ? { crf: opts.crf } : {}),
  };
  const passes = planPasses(timeline, opts.maxItemsPerPass);
  // One bar over all passes, by frames encoded; the join (a stream copy, 13 s for 10 minutes) the last 2 %.
  const encodeShare = passes.length > 1 ? 0.98 : 1;
  const bar = (f: number) => overlayShare + (1 - overlayShare) * f;
  const encoded = (frames: number) =>
    opts.onProgress?.(bar(encodeShare * Math.min(1, frames / durationFrames)), 'encode');
  const encode = async (pass: FramePass, out: string, suffix: string) => {
    const args = await encodeArgs(source, pass, out, suffix);
    opts.logger?.trace({ args }, 'hybrid: ffmpeg');
    await writeFile(join(opts.workDir, `ffmpeg-args${suffix}.json`), JSON.stringify(args));
    const frames = pass.endFrame - pass.startFrame;
    await runFfmpeg(args, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onTime: (sec) => encoded(pass.startFrame + Math.min(frames, sec * fps)),
    });
  };
  if (passes.length === 1) await encode(passes[0]!, outPath, '');
  else {
    opts.logger?.debug({ passes: passes.length }, 'hybrid: long timeline, encoded in passes');
    // One pass at a time: x264 already keeps the cores busy, and each pass's memory is what is bounded.
    const parts: string[] = [];
    for (const [k, pass] of passes.entries()) {
      const part = join(opts.workDir, `part-${k}.mp4`);
      await encode(pass, part, `-${k}`);
      parts.push(part);
    }
    const listFile = join(opts.workDir, 'parts.ffconcat');
    await writeFile(
      listFile,
      `${['ffconcat version 1.0', ...parts.map((p) => `file '${p.replace(/'/g, "'\\''")}'`)].join('\n')}\n`,
    );
    await runFfmpeg(joinArgs(source, listFile, outPath), {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onTime: (sec) =>
        opts.onProgress?.(
          bar(encodeShare + (1 - encodeShare) * Math.min(1, (sec * fps) / durationFrames)),
          'join',
        ),
    });
    await Promise.all(parts.map((p) => rm(p, { force: true })));
  }
  opts.logger?.debug({ ms: Date.now() - t1 }, 'hybrid: shots composed and encoded');
  return { overlayFrames: plan.unique.length, drawnFrames };
}

/** Where the overlays of a timeline lie once drawn, and how many Chromium had to draw. */
