import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BeatframeError,
  type Logger,
  type Timeline,
  type TimelineItem,
  type Transition,
} from '@beatframe/core';
import { probeMedia, runFfmpeg, visualizerFilter } from '@beatframe/media';
import { decayFrames, EFFECT_TAIL, overlayKey, PULSE_SCALE } from '@beatframe/timeline/effects';
import { OVERLAY_COMPOSITION_ID } from './remotion/ids.js';
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
  const byKey = new Map<string, number>();
  const unique: number[] = [];
  const index: number[] = [];
  for (let f = 0; f < timeline.durationFrames; f++) {
    const key = overlayKey(timeline, f);
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

/** ffmpeg expression of the zoom-pulse scale at stream frame `n` of an item (timeline frame n + start). */
function pulseScaleExpr(item: TimelineItem, fps: number): string | undefined {
  const parts: string[] = [];
  for (const e of item.effects) {
    if (e.kind !== 'zoomPulse' || e.frames.length === 0) continue;
    const decay = decayFrames('zoomPulse', fps);
    const tail = decay * EFFECT_TAIL;
    // Nested ifs from the last hit back: the most recent hit at or before the frame decides.
    let expr = '0';
    for (const hit of [...e.frames].sort((a, b) => a - b)) {
      const local = hit - item.startFrame;
      const since = `(n-${local})`;
      expr = `if(gte(n,${local}),if(lte(${since},${num(tail)}),${num(e.strength)}*exp(-${since}/${num(decay)}),0),${expr})`;
    }
    parts.push(expr);
  }
  return parts.length ? `(1+${PULSE_SCALE}*(${parts.join('+')}))` : undefined;
}

function xfadeFor(t: Transition, width: number, height: number): string {
  const dir = t.direction ?? 'left';
  const side = { left: 'left', right: 'right', up: 'up', down: 'down' }[dir];
  switch (t.kind) {
    case 'slide':
      return `transition=slide${side}`;
    case 'wipe':
      return `transition=wipe${side}`;
    case 'flash': {
      // p = 1-P runs 0→1; the old shot until the middle, the new one after, under white 1-|2p-1|.
      const w = 'max(0,1-abs(1-2*P))';
      return `transition=custom:expr='if(gte(P,0.5),A,B)*(1-${w})+if(eq(PLANE,0),235,128)*${w}'`;
    }
    case 'zoom': {
      // Old shot scaled 1+0.25p, new shot 1.25-0.25p, new over old at opacity p (as the composition),
      // each sampled bilinearly about the plane's centre.
      const sa = '(1+0.25*(1-P))';
      const sb = '(1.25-0.25*(1-P))';
      const sample = (fn: string, s: string) =>
        `(st(0,W/2+(X-W/2)/${s});st(1,H/2+(Y-H/2)/${s});st(2,floor(ld(0)));st(3,floor(ld(1)));` +
        'st(4,ld(0)-ld(2));st(5,ld(1)-ld(3));' +
        `(${fn}(ld(2),ld(3))*(1-ld(4))+${fn}(ld(2)+1,ld(3))*ld(4))*(1-ld(5))+` +
        `(${fn}(ld(2),ld(3)+1)*(1-ld(4))+${fn}(ld(2)+1,ld(3)+1)*ld(4))*ld(5))`;
      const pick = (s: string, first: boolean) => {
        const [p0, p1, p2] = first ? ['a0', 'a1', 'a2'] : ['b0', 'b1', 'b2'];
        return `if(eq(PLANE,0),${sample(p0, s)},if(eq(PLANE,1),${sample(p1, s)},${sample(p2, s)}))`;
      };
      void width;
      void height;
      return `transition=custom:expr='${pick(sa, true)}*P+${pick(sb, false)}*(1-P)'`;
    }
    default:
      return 'transition=fade';
  }
}

/**
 * ffmpeg inputs and filter graph of the shots layer: every item trimmed from its clip (looped, slowed),
 * zoom-pulsed, and joined with its transition; the output label is [shots]. Clips must already be
 * normalised to the timeline's size and frame rate.
 */
export function shotsGraph(timeline: Timeline): { inputs: string[]; filter: string } {
  const { fps, width: W, height: H } = timeline;
  const inputs: string[] = [];
  const chains: string[] = [];
  timeline.items.forEach((item, i) => {
    if (item.loop) inputs.push('-stream_loop', '-1');
    if (item.clipStartSec > 0) inputs.push('-ss', num(item.clipStartSec));
    inputs.push('-i', item.src);
    const steps = [
      `setpts=(PTS-STARTPTS)/${num(item.playbackRate)}`,
      `fps=${fps}`,
      `tpad=stop_mode=clone:stop=${item.durationFrames}`,
      `trim=end_frame=${item.durationFrames}`,
      'setpts=N/FRAME_RATE/TB',
    ];
    const scale = pulseScaleExpr(item, fps);
    if (scale) {
      steps.push(
        `scale=w='2*trunc(${W}*${scale}/2)':h='2*trunc(${H}*${scale}/2)':eval=frame`,
        `crop=${W}:${H}`,
      );
    }
    steps.push('setsar=1', 'format=yuv420p');
    chains.push(`[${i}:v]${steps.join(',')}[s${i}]`);
  });
  let acc = 's0';
  timeline.items.slice(1).forEach((item, k) => {
    const i = k + 1;
    const out = i === timeline.items.length - 1 ? 'shots' : `j${i}`;
    const t = item.transitionIn;
    if (t && t.kind !== 'cut' && t.durationFrames > 0) {
      chains.push(
        `[${acc}][s${i}]xfade=${xfadeFor(t, W, H)}:duration=${num(t.durationFrames / fps)}:offset=${num(item.startFrame / fps)}[${out}]`,
      );
    } else {
      chains.push(`[${acc}][s${i}]concat=n=2:v=1:a=0,settb=1/${fps}[${out}]`);
    }
    acc = out;
  });
  if (timeline.items.length === 1) chains.push('[s0]null[shots]');
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
 * shots and encoding by ffmpeg, the song muxed untouched, fast start. Returns the number of overlay
 * frames Remotion drew.
 */
export async function renderHybrid(
  session: RemotionSession,
  outPath: string,
  opts: HybridRenderOptions,
): Promise<{ overlayFrames: number }> {
  const timeline = session.inputProps;
  const { fps, durationFrames, width, height } = timeline;
  const t0 = Date.now();
  const plan = planOverlays(timeline);
  const drawn = join(opts.workDir, 'overlays');
  await rm(drawn, { recursive: true, force: true });
  await mkdir(drawn, { recursive: true });
  const overlayShare = plan.unique.length / (plan.unique.length + durationFrames / 4);
  if (plan.unique.length) {
    const { renderFrames, selectComposition, makeCancelSignal } = await import('@remotion/renderer');
    const inputProps = { timeline, frames: plan.unique };
    const composition = await selectComposition({
      serveUrl: session.serveUrl,
      id: OVERLAY_COMPOSITION_ID,
      inputProps,
      puppeteerInstance: session.browser,
      browserExecutable: session.browserExecutable,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
    });
    const { cancelSignal, cancel } = makeCancelSignal();
    opts.signal?.addEventListener('abort', () => cancel(), { once: true });
    await renderFrames({
      composition,
      serveUrl: session.serveUrl,
      inputProps,
      outputDir: drawn,
      imageFormat: 'png',
      imageSequencePattern: 'o[frame].[ext]',
      puppeteerInstance: session.browser,
      browserExecutable: session.browserExecutable,
      chromiumOptions,
      logLevel: 'error',
      timeoutInMilliseconds: RENDER_TIMEOUT_MS,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      cancelSignal,
      onStart: () => undefined,
      onFrameUpdate: (done: number) =>
        opts.onProgress?.(
          (overlayShare * done) / plan.unique.length,
          `overlays: ${done}/${plan.unique.length}`,
        ),
    }).catch((err: unknown) => {
      if (opts.signal?.aborted) throw new BeatframeError('render cancelled', { code: 'ABORTED' });
      throw err;
    });
  }
  const t1 = Date.now();
  opts.logger?.debug({ ms: t1 - t0, overlays: plan.unique.length }, 'hybrid: overlays drawn');
  const drawnFiles = (await readdir(drawn))
    .filter((f) => f.endsWith('.png'))
    .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
  if (drawnFiles.length !== plan.unique.length) {
    throw new BeatframeError(
      `overlay render made ${drawnFiles.length} frames, expected ${plan.unique.length}`,
    );
  }
  opts.onProgress?.(overlayShare, 'overlays: convert');
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
  const images = [blank, ...drawnFiles.map((f) => join(drawn, f))];
  await writeFile(
    join(rgba, 'list.ffconcat'),
    `${['ffconcat version 1.0', ...images.flatMap((f) => [`file '${f}'`, `duration ${num(1 / fps)}`])].join('\n')}\n`,
  );
  await runFfmpeg([
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    join(rgba, 'list.ffconcat'),
    '-vf',
    'format=rgba',
    '-fps_mode',
    'passthrough',
    '-start_number',
    '0',
    join(rgba, '%06d.png'),
  ]);
  const clear = join(rgba, '000000.png');
  const files = drawnFiles.map((_, k) => `${String(k + 1).padStart(6, '0')}.png`);
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
  const under = timeline.visualizer ? 'shotsv' : 'shots';
  const filter = `${shots.filter}${viz};\n[${overlayInput}:v]settb=1/${fps},setpts=round(PTS),setsar=1,format=yuva420p[ov];\n[${under}][ov]overlay=0:0:format=yuv420:eof_action=repeat,format=yuv420p[v]`;
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
    '-filter_complex',
    filter,
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
  return { overlayFrames: plan.unique.length };
}
