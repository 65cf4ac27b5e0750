import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatframeError, type Logger } from '@beatframe/core';
import { probeMedia, runFfmpeg, visualizerFilter } from '@beatframe/media';
import { windowsExpr } from '@beatframe/timeline/effects';
import { alphaBox, cardGraph, num, unionBox } from './hybrid-overlays.js';
import { drawOverlays } from './hybrid-prepare.js';
import { shotsGraph } from './hybrid-shots.js';
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
  /** 0…1 with the step: "overlays: 12/40" while Chromium draws, "overlays: convert", then "encode". */
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
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      join(rgba, 'list.ffconcat'),
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
  // The overlay as a variable-frame-rate stream: one image per run of frames that look the same, so
  // ffmpeg converts each distinct overlay once and the overlay filter holds it until the next.
  const list: string[] = ['ffconcat version 1.0'];
  for (let f = 0; f < durationFrames; ) {
    const k = plan.index[f]!;
    let end = f + 1;
    while (end < durationFrames && plan.index[end] === k) end++;
    const file = k < 0 ? clear : join(rgba, files[k]!);
    list.push(`file '${file.replace(/'/g, "'\\''")}'`, `duration ${num((end - f) / fps)}`);
    f = end;
  }
  // The last entry once more so its duration counts (a concat demuxer rule).
  list.push(list[list.length - 2]!);
  const listFile = join(opts.workDir, 'overlays.ffconcat');
  await writeFile(listFile, `${list.join('\n')}\n`);
  // ffmpeg reads the staged files where they lie in the bundle's public folder.
  const local = (src: string) =>
    /^(https?|blob|data):/i.test(src) ? src : join(session.serveUrl, 'public', src);
  const shots = shotsGraph({ ...timeline, items: timeline.items.map((i) => ({ ...i, src: local(i.src) })) });
  const audioSrc = local(timeline.audio.src);
  const overlayInput = timeline.items.length;
  const audioInput = overlayInput + 1;
  const cardInput = audioInput + 1;
  const audio = await probeMedia(audioSrc);
  const durationSec = durationFrames / fps;
  // Overlay timestamps snapped to whole frames, so each change lands on its frame.
  // The visualizer changes every frame, so ffmpeg draws it from the song (the same boxes as the
  // composition); drawn in Chromium it would make every overlay frame distinct.
  const viz = timeline.visualizer
    ? `;\n${visualizerFilter({
        visualizer: timeline.visualizer,
        width,
        height,
        fps,
        frames: durationFrames,
        audio: `${audioInput}:a:0`,
        video: 'shots',
        out: 'shotsv',
        beatFrames: timeline.beatFrames,
      })}`
    : '';
  // The cards under the captions (the composition draws them first), each from its still.
  let under = timeline.visualizer ? 'shotsv' : 'shots';
  const cardInputs: string[] = [];
  const cardChains: string[] = [];
  for (let i = 0; i < timeline.cards.length; i++) {
    const box = await alphaBox(cardStills[i]!, width, height);
    if (!box) continue;
    cardChains.push(cardGraph(timeline, i, cardInput + cardInputs.length / 2, box, under, `withcard${i}`));
    cardInputs.push('-i', cardStills[i]!);
    under = `withcard${i}`;
  }
  const cards = cardChains.length ? `;\n${cardChains.join(';\n')}` : '';
  // The overlay is blended only on the frames that show one (on the others it would blend a clear image).
  const shown: Array<[number, number]> = [];
  plan.index.forEach((k, f) => {
    if (k < 0) return;
    const last = shown[shown.length - 1];
    if (last && last[1] === f - 1) last[1] = f;
    else shown.push([f, f]);
  });
  const enable = `:enable='${windowsExpr(shown, 'n')}'`;
  // Only the box the captions are drawn in is blended (the whole frame if no caption shows at all).
  const box = captionBox ?? { x: 0, y: 0, w: width, h: height };
  const crop = box.w < width || box.h < height ? `,crop=${box.w}:${box.h}:${box.x}:${box.y}` : '';
  const filter = `${shots.filter}${viz}${cards};\n[${overlayInput}:v]settb=1/${fps},setpts=round(PTS),setsar=1,format=yuva420p${crop}[ov];\n[${under}][ov]overlay=${box.x}:${box.y}:format=yuv420:eof_action=repeat${enable},format=yuv420p[v]`;
  const filterFile = join(opts.workDir, 'filter.txt');
  await writeFile(filterFile, filter);
  const args = [
    ...shots.inputs,
    // Never rebuild the whole graph mid-stream for a change of image metadata.
    '-reinit_filter',
    '0',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-i',
    audioSrc,
    ...cardInputs,
    // From a file: the graph of a long song (156 shots for 10 minutes) is far over the 128 KiB one
    // command-line argument may hold (spawn E2BIG), as renderer-ffmpeg's is.
    '-filter_complex_script',
    filterFile,
    '-map',
    '[v]',
    '-map',
    `${audioInput}:a:0`,
    '-c:v',
    'libx264',
    '-preset',
    opts.x264Preset ?? 'veryfast',
    '-crf',
    String(opts.crf ?? 18),
    '-pix_fmt',
    'yuv420p',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
    '-r',
    String(fps),
    ...(audio.audio?.codec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']),
    '-t',
    num(durationSec),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outPath,
  ];
  opts.logger?.trace({ args }, 'hybrid: ffmpeg');
  await writeFile(join(opts.workDir, 'ffmpeg-args.json'), JSON.stringify(args));
  await runFfmpeg(args, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onTime: (sec) =>
      opts.onProgress?.(overlayShare + (1 - overlayShare) * Math.min(1, sec / durationSec), 'encode'),
  });
  opts.logger?.debug({ ms: Date.now() - t1 }, 'hybrid: shots composed and encoded');
  return { overlayFrames: plan.unique.length, drawnFrames };
}

/** Where the overlays of a timeline lie once drawn, and how many Chromium had to draw. */
