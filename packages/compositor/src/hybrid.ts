import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BeatframeError,
  digestOf,
  type Logger,
  type Timeline,
  type TimelineItem,
  type Transition,
} from '@beatframe/core';
import { probeMedia, runFfmpeg, visualizerFilter } from '@beatframe/media';
import {
  CAPTION_FADE_FRAMES,
  cardEdgeFrames,
  decayExpr,
  decayFrames,
  EFFECT_TAIL,
  FLASH_OPACITY,
  ifTree,
  overlayKey,
  PULSE_SCALE,
  windowsExpr,
} from '@beatframe/timeline/effects';
import { bundleComposition } from './bundle.js';
import { OVERLAY_COMPOSITION_ID } from './remotion/ids.js';
import type { OverlayFrame } from './remotion/Overlays.js';
import { chromiumOptions, RENDER_TIMEOUT_MS, type RemotionSession } from './remotion-render.js';

/**
 * The hybrid render draws the same picture as the composition, split where each tool is fast:
 * ffmpeg composes the shots (clips, transitions, zoom pulses) from the normalised clips, Remotion draws
 * the overlays (flashes, cards, captions) on transparency — each distinct overlay once — and ffmpeg lays
 * them over the shots while encoding. The math of every effect is shared with the composition.
 */

/** Distinct overlays of a timeline: `unique[k]` is a frame that shows overlay k; `index[f]` is f's k, or -1. */
export interface OverlayPlan {
  unique: number[];
  index: number[];
}

export function planOverlays(timeline: Timeline): OverlayPlan {
  // Cards are drawn once each, fully shown, and faded and raised by ffmpeg (cardGraph): the plan is the captions'.
  const captions = { ...timeline, cards: [] };
  const byKey = new Map<string, number>();
  const unique: number[] = [];
  const index: number[] = [];
  for (let f = 0; f < timeline.durationFrames; f++) {
    const key = overlayKey(captions, f);
    if (!key) {
      index.push(-1);
      continue;
    }
    let k = byKey.get(key);
    if (k === undefined) {
      k = unique.length;
      byKey.set(key, k);
      unique.push(f);
    }
    index.push(k);
  }
  return { unique, index };
}

const num = (n: number) => (Math.round(n * 1e6) / 1e6).toString();

/**
 * What an overlay frame looks like, as a cache key: the captions it shows (their times made relative to
 * their own start, and the frame's state as planOverlays tells them apart), the style and the size.
 * Another round or project showing the same text the same way finds it drawn already.
 */
export function overlayCacheKey(timeline: Timeline, frame: number): string {
  const { fps } = timeline;
  const captions = timeline.captions
    .filter((c) => frame >= c.startFrame && frame < c.endFrame)
    .map((c) => {
      const local = frame - c.startFrame;
      const word = c.words?.findIndex((w) => frame >= w.startFrame && frame < w.endFrame) ?? -1;
      const sung = c.words?.filter((w) => frame >= w.startFrame).length ?? 0;
      return {
        ...c,
        startFrame: 0,
        endFrame: c.endFrame - c.startFrame,
        ...(c.words
          ? {
              words: c.words.map((w) => ({
                ...w,
                startFrame: w.startFrame - c.startFrame,
                endFrame: w.endFrame - c.startFrame,
              })),
            }
          : {}),
        at: `${local < CAPTION_FADE_FRAMES ? local : 's'}:${word}:${sung}`,
      };
    });
  return digestOf({
    v: 2,
    width: timeline.width,
    height: timeline.height,
    fps,
    style: timeline.style,
    captions,
  }).slice(0, 32);
}

/** A card's still (fully shown), as a cache key: its text, kind and subtitle, the style and the size. */
export function cardCacheKey(timeline: Timeline, card: number): string {
  const { startFrame: _s, endFrame: _e, ...shown } = timeline.cards[card]!;
  return digestOf({
    v: 2,
    card: shown,
    width: timeline.width,
    height: timeline.height,
    fps: timeline.fps,
    style: timeline.style,
  }).slice(0, 32);
}

/** Share of the frame's height a card rises by as it comes in (the composition's Card). */
const CARD_RISE = 0.02;

/** Where a still's visible pixels lie (alpha > 0), widened to even edges for 4:2:0; undefined if none. */
export async function alphaBox(
  png: string,
  width: number,
  height: number,
): Promise<{ x: number; y: number; w: number; h: number } | undefined> {
  const { stdout } = await runFfmpeg(
    ['-i', png, '-vf', 'format=rgba,alphaextract', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { binary: true },
  );
  if (stdout.length !== width * height)
    throw new BeatframeError(`overlay still ${png} is not ${width}x${height}`);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (stdout[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return undefined;
  const x = x0 & ~1;
  const y = y0 & ~1;
  return { x, y, w: Math.min(width, (x1 + 2) & ~1) - x, h: Math.min(height, (y1 + 2) & ~1) - y };
}

/**
 * The box all of bbox's boxes (ffmpeg's metadata=print of lavfi.bbox.*) fit in, widened to even edges for
 * 4:2:0; the whole frame if it cannot be read, undefined if nothing is visible.
 */
export function unionBox(
  printed: string,
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  const at = (k: string) =>
    [...printed.matchAll(new RegExp(`lavfi\\.bbox\\.${k}=(\\d+)`, 'g'))].map((m) => Number(m[1]));
  const [xs1, xs2, ys1, ys2] = [at('x1'), at('x2'), at('y1'), at('y2')];
  if (xs1.length !== xs2.length || xs1.length !== ys1.length || xs1.length !== ys2.length) {
    return { x: 0, y: 0, w: width, h: height };
  }
  xs1.forEach((_, i) => {
    x0 = Math.min(x0, xs1[i]!);
    x1 = Math.max(x1, xs2[i]!);
    y0 = Math.min(y0, ys1[i]!);
    y1 = Math.max(y1, ys2[i]!);
  });
  if (x1 < 0) return undefined;
  const x = x0 & ~1;
  const y = y0 & ~1;
  return { x, y, w: Math.min(width, (x1 + 2) & ~1) - x, h: Math.min(height, (y1 + 2) & ~1) - y };
}

/**
 * The ffmpeg chain of one card over `under`, from its still (input `input`, cropped to `box`): looped for the
 * card's frames from its start, faded in and out on its alpha and raised as the composition's Card does —
 * opacity k/edge over the first edge frames and (len-k)/edge over the last, a rise of 2 % of the height
 * easing out (cubic) over twice the edge. Per-frame arithmetic only; outside the card's frames the overlay
 * has no frame and passes the picture through.
 */
export function cardGraph(
  timeline: Timeline,
  card: number,
  input: number,
  box: { x: number; y: number; w: number; h: number },
  under: string,
  out: string,
): string {
  const { fps, height } = timeline;
  const c = timeline.cards[card]!;
  const len = c.endFrame - c.startFrame;
  const edge = cardEdgeFrames(c, fps);
  const lift = `${num((CARD_RISE * height) / 2)}*pow(1-min(1,(t*${fps}-${c.startFrame})/${2 * edge}),3)`;
  const label = `card${card}`;
  return [
    `[${input}:v]format=rgba,crop=${box.w}:${box.h}:${box.x}:${box.y},format=yuva420p,` +
      `loop=loop=${len - 1}:size=1:start=0,settb=1/${fps},setpts=N+${c.startFrame},` +
      `fade=t=in:s=0:n=${edge}:alpha=1,fade=t=out:s=${len - edge}:n=${edge}:alpha=1[${label}]`,
    // y is even (4:2:0): the rise rounds to whole pairs of rows.
    `[${under}][${label}]overlay=x=${box.x}:y='${box.y}+2*round(${lift})':format=yuv420:eof_action=pass[${out}]`,
  ].join(';\n');
}

/** A white layer at opacity `a` over limited-range yuv420p, by eq: Y·(1-a)+235·a, chroma ×(1-a). */
function whiteLayer(a: string, enable: string): string {
  const b = num(235 / 255 - 0.5);
  return `eq=contrast='1-(${a})':brightness='${b}*(${a})':saturation='1-(${a})':eval=frame:enable='${enable}'`;
}

/** Zoom of the `zoom` transition, as in the composition: the new shot shrinks from 1.25, the old one grows. */
const TRANSITION_ZOOM = 0.25;

/**
 * The scale of an item's picture at its stream frame n: zoom pulses times the zoom transitions in and out,
 * all ≥ 1, as the composition multiplies them; undefined when it stays 1.
 */
function scaleExpr(item: TimelineItem, next: TimelineItem | undefined, fps: number): string | undefined {
  const parts: string[] = [];
  for (const e of item.effects) {
    if (e.kind !== 'zoomPulse' || e.frames.length === 0) continue;
    const hits = e.frames.map((f) => f - item.startFrame);
    parts.push(`(1+${PULSE_SCALE}*(${decayExpr(hits, decayFrames('zoomPulse', fps), e.strength, 'n')}))`);
  }
  const tIn = item.transitionIn;
  if (tIn?.kind === 'zoom' && tIn.durationFrames > 0) {
    const d = tIn.durationFrames;
    parts.push(`if(lt(n,${d}),${1 + TRANSITION_ZOOM}-${TRANSITION_ZOOM}*n/${d},1)`);
  }
  const tOut = next?.transitionIn;
  if (next && tOut?.kind === 'zoom' && tOut.durationFrames > 0) {
    const from = next.startFrame - item.startFrame;
    parts.push(`if(gte(n,${from}),1+${TRANSITION_ZOOM}*(n-${from})/${tOut.durationFrames},1)`);
  }
  return parts.length ? parts.join('*') : undefined;
}

/** Beat flashes of an item as a white layer (the composition's flashOpacity), only on the frames they show. */
function flashFilter(item: TimelineItem, fps: number): string | undefined {
  const levels: string[] = [];
  const windows: Array<[number, number]> = [];
  const decay = decayFrames('flash', fps);
  for (const e of item.effects) {
    if (e.kind !== 'flash' || e.frames.length === 0 || e.strength <= 0) continue;
    const hits = [...new Set(e.frames.map((f) => f - item.startFrame))].sort((a, b) => a - b);
    levels.push(decayExpr(hits, decay, FLASH_OPACITY * e.strength, 'n'));
    for (const h of hits) windows.push([h, h + Math.floor(decay * EFFECT_TAIL)]);
  }
  if (!levels.length) return undefined;
  const a = levels.reduce((x, y) => `max(${x},${y})`);
  return whiteLayer(a, windowsExpr(windows, 'n'));
}

function xfadeName(t: Transition): string {
  const side = t.direction ?? 'left';
  if (t.kind === 'slide') return `slide${side}`;
  if (t.kind === 'wipe') return `wipe${side}`;
  // zoom: the scaling is in each shot's own chain (scaleExpr); the new one fades in over the old.
  return 'fade';
}

/**
 * ffmpeg inputs and filter graph of the shots layer: every item read from its clip (trimmed, looped, slowed,
 * fitted to the timeline's size), zoom-pulsed and flashed, and joined with its transition; the output label
 * is [shots]. Every effect is per-frame arithmetic or a built-in transition: nothing is evaluated per pixel.
 */
export function shotsGraph(timeline: Timeline): { inputs: string[]; filter: string } {
  const { fps, width: W, height: H } = timeline;
  const inputs: string[] = [];
  const chains: string[] = [];
  const items = timeline.items;
  items.forEach((item, i) => {
    // One decoding thread a clip: one or two clips decode at a time, and frame threads multiply memory.
    inputs.push('-threads', '1');
    if (item.loop) inputs.push('-stream_loop', '-1');
    if (item.clipStartSec > 0) inputs.push('-ss', num(item.clipStartSec));
    inputs.push('-i', item.src);
    const fit =
      item.fit === 'contain'
        ? [`scale=${W}:${H}:force_original_aspect_ratio=decrease`, `pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:black`]
        : [`scale=${W}:${H}:force_original_aspect_ratio=increase`, `crop=${W}:${H}`];
    const steps = [
      // Fitted at the clip's own rate (a no-op for a clip already at the timeline's size), then resampled.
      ...fit,
      'setsar=1',
      `setpts=(PTS-STARTPTS)/${num(item.playbackRate)}`,
      `fps=${fps}`,
      `tpad=stop_mode=clone:stop=${item.durationFrames}`,
      `trim=end_frame=${item.durationFrames}`,
      'setpts=N/FRAME_RATE/TB',
    ];
    const scale = scaleExpr(item, items[i + 1], fps);
    if (scale) {
      // Sizes grow by multiples of 4 so the crop starts on an even pixel (chroma-aligned) in the middle.
      // crop keeps the input size it was configured with, so its offset is computed from the frame too.
      const grow = (side: number) => `trunc(${side}*(${scale}-1)/4)`;
      steps.push(
        `scale=w='${W}+4*${grow(W)}':h='${H}+4*${grow(H)}':eval=frame`,
        `crop=w=${W}:h=${H}:x='2*${grow(W)}':y='2*${grow(H)}'`,
      );
    }
    const flash = flashFilter(item, fps);
    if (flash) steps.push(flash);
    steps.push('setsar=1', 'format=yuv420p');
    chains.push(`[${i}:v]${steps.join(',')}[s${i}]`);
  });
  // Fold left to right: runs of cuts (and flashes, cuts at their middle) into one concat, each blend one xfade.
  let n = 0;
  let run: string[] = ['s0'];
  const flush = (): string => {
    if (run.length === 1) return run[0]!;
    const out = `c${n++}`;
    chains.push(`${run.map((l) => `[${l}]`).join('')}concat=n=${run.length}:v=1:a=0,settb=1/${fps}[${out}]`);
    run = [out];
    return out;
  };
  const whites: Array<[number, number]> = [];
  const whiteLevels: string[] = [];
  items.slice(1).forEach((item, k) => {
    const i = k + 1;
    const t = item.transitionIn;
    const d = t && t.kind !== 'cut' ? t.durationFrames : 0;
    if (!t || d <= 0 || t.kind === 'cut') {
      run.push(`s${i}`);
      return;
    }
    if (t.kind === 'flash') {
      // The old shot until the middle, the new one from there, under white 1-|2p-1| (p = frame/D).
      const h = Math.ceil(d / 2);
      const acc = flush();
      chains.push(`[${acc}]trim=end_frame=${item.startFrame + h}[a${i}]`);
      chains.push(`[s${i}]trim=start_frame=${h},setpts=PTS-STARTPTS[b${i}]`);
      run = [`a${i}`, `b${i}`];
      whites.push([item.startFrame, item.startFrame + d - 1]);
      whiteLevels.push(`1-abs(2*(n-${item.startFrame})/${d}-1)`);
      return;
    }
    const acc = flush();
    const out = `x${n++}`;
    chains.push(
      `[${acc}][s${i}]xfade=transition=${xfadeName(t)}:duration=${num(d / fps)}:offset=${num(item.startFrame / fps)}[${out}]`,
    );
    run = [out];
  });
  const joined = flush();
  if (whites.length) {
    const level = ifTree(
      whites.map((w) => w[0]),
      'n',
      (k) => `if(lte(n,${whites[k]![1]}),${whiteLevels[k]},0)`,
    );
    chains.push(`[${joined}]${whiteLayer(level, windowsExpr(whites, 'n'))}[shots]`);
  } else chains.push(`[${joined}]null[shots]`);
  return { inputs, filter: chains.join(';\n') };
}

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
