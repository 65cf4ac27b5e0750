import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Timeline } from '@beatframe/core';
import { concatListInput, VIDEO_WITH_SONG_ARGS, visualizerFilter } from '@beatframe/media';
import { splitAtCuts } from '@beatframe/timeline/effects';
import { cardGraph, num, type OverlayPlan } from './hybrid-overlays.js';
import { shotsGraph } from './hybrid-shots.js';

/**
 * The hybrid render's encode, one ffmpeg run per pass of the timeline. ffmpeg opens every clip of a run up
 * front and buffers each one's decoded frames until the concat reaches it, so one run over a 10-minute song's
 * 156 clips peaked at 2.9 GB; passes of ≤ 24 clips, joined by stream copy, bound it.
 */

/** Items per pass by default: renderer-ffmpeg's bound, the same memory reason. */
export const DEFAULT_ITEMS_PER_PASS = 24;

export type Box = { x: number; y: number; w: number; h: number };

/** A pass: timeline frames [startFrame, endFrame) and the items [from, to) that show in them. */
export interface FramePass {
  startFrame: number;
  endFrame: number;
  from: number;
  to: number;
}

/** Everything the encode of any pass reads: the timeline (its clips local), the overlays and cards as drawn. */
export interface EncodeSource {
  timeline: Timeline;
  audioSrc: string;
  audioCodec: string | undefined;
  plan: OverlayPlan;
  /** The clear overlay image, and each distinct overlay's image by plan index. */
  clear: string;
  overlayImages: string[];
  /** Where the captions are drawn (the whole frame if unknown): only that box is blended. */
  captionBox: Box | undefined;
  /** Each card's still and the box of its visible pixels (undefined: nothing to show). */
  cardStills: string[];
  cardBoxes: Array<Box | undefined>;
  workDir: string;
  x264Preset?: string;
  crf?: number;
}

/**
 * The passes of a timeline, each starting on a hard cut between items, never inside a card (its fade and
 * rise are timed from its start), of `maxItems` items (more when no such cut follows them). Captions may span
 * a boundary: their overlay stream is cut from the whole timeline's. One pass when the timeline is short.
 */
export function planPasses(timeline: Timeline, maxItems = DEFAULT_ITEMS_PER_PASS): FramePass[] {
  const { items, durationFrames } = timeline;
  if (items.length === 0) return [{ startFrame: 0, endFrame: durationFrames, from: 0, to: 0 }];
  const starts = items.map((item) => ({
    startFrame: item.startFrame,
    cut: !item.transitionIn || item.transitionIn.kind === 'cut' || item.transitionIn.durationFrames <= 0,
  }));
  const cards = timeline.cards.map((c): [number, number] => [c.startFrame, c.endFrame]);
  const bounds = splitAtCuts(starts, maxItems, cards).filter(
    (i) => i === 0 || items[i]!.startFrame < durationFrames,
  );
  return bounds.map((from, k) => {
    const to = bounds[k + 1] ?? items.length;
    return {
      startFrame: k === 0 ? 0 : items[from]!.startFrame,
      endFrame: to < items.length ? items[to]!.startFrame : durationFrames,
      from,
      to,
    };
  });
}

/** The timeline of one pass: its items and cards, frames counted from the pass's start. */
export function passTimeline(timeline: Timeline, pass: FramePass): Timeline {
  const s = pass.startFrame;
  return {
    ...timeline,
    durationFrames: pass.endFrame - s,
    items: timeline.items.slice(pass.from, pass.to).map((item) => ({
      ...item,
      startFrame: item.startFrame - s,
      effects: item.effects.map((e) => ({ ...e, frames: e.frames.map((f) => f - s) })),
    })),
    cards: passCards(timeline, pass).map((i) => {
      const c = timeline.cards[i]!;
      return { ...c, startFrame: c.startFrame - s, endFrame: c.endFrame - s };
    }),
    // Drawn from the whole timeline's overlay stream (encodeArgs), never from the pass's.
    captions: [],
    beatFrames: timeline.beatFrames.map((f) => f - s),
  };
}

/** Indices of the cards that start in a pass (planPasses never splits one). */
function passCards(timeline: Timeline, pass: FramePass): number[] {
  return timeline.cards.flatMap((c, i) =>
    c.startFrame >= pass.startFrame && c.startFrame < pass.endFrame ? [i] : [],
  );
}

/**
 * Writes a pass's overlay list and filter graph into the work folder and returns the ffmpeg arguments that
 * encode it into `outPath`: with the song muxed (copied if AAC) and fast start when it is the only pass
 * (`suffix` ''), else picture only, for the join. The only pass's command is the one-run render's.
 */
export async function encodeArgs(
  src: EncodeSource,
  pass: FramePass,
  outPath: string,
  suffix: string,
): Promise<string[]> {
  const whole = src.timeline;
  const { fps, width, height } = whole;
  const tl = passTimeline(whole, pass);
  const frames = tl.durationFrames;
  const withSong = suffix === '';
  const s = pass.startFrame;
  // The overlay as a variable-frame-rate stream: one image per run of frames that look the same, so
  // ffmpeg converts each distinct overlay once and the overlay filter holds it until the next.
  const index = src.plan.index.slice(s, pass.endFrame);
  const list: string[] = ['ffconcat version 1.0'];
  let entry: string[] = [];
  for (let f = 0; f < frames; ) {
    const k = index[f]!;
    let end = f + 1;
    while (end < frames && index[end] === k) end++;
    const file = k < 0 ? src.clear : src.overlayImages[k]!;
    // Each image read at the timeline's rate: at the image demuxer's default 25 fps the times were
    // rounded to 1/25 s, and a change on a single frame (a caption's fade-in) landed a frame off.
    entry = [`file '${file.replace(/'/g, "'\\''")}'`, `option framerate ${fps}`];
    list.push(...entry, `duration ${num((end - f) / fps)}`);
    f = end;
  }
  // The last entry once more so its duration counts (a concat demuxer rule).
  list.push(...entry);
  const listFile = join(src.workDir, `overlays${suffix}.ffconcat`);
  await writeFile(listFile, `${list.join('\n')}\n`);
  const shots = shotsGraph(tl);
  const overlayInput = tl.items.length;
  // The song: muxed by the only pass; read by a pass that draws the visualizer, from the pass's start.
  const readsSong = withSong || !!tl.visualizer;
  const audioInput = overlayInput + 1;
  const cardInput = overlayInput + (readsSong ? 2 : 1);
  // The visualizer changes every frame, so ffmpeg draws it from the song (the same boxes as the
  // composition); drawn in Chromium it would make every overlay frame distinct.
  // A later pass's song from a second before it, cut from the whole decode (sample-exact, as in one run;
  // an input seek into AAC lands some samples off), so the bars' averaging has warmed up at its start.
  const lead = Math.min(s, fps);
  const songCut =
    s > 0 && tl.visualizer && tl.visualizer.kind !== 'pulse'
      ? `[${audioInput}:a:0]atrim=start=${((s - lead) / fps).toFixed(6)},asetpts=PTS-STARTPTS[song];\n`
      : '';
  const viz = tl.visualizer
    ? `;\n${songCut}${visualizerFilter({
        visualizer: tl.visualizer,
        width,
        height,
        fps,
        frames,
        audio: songCut ? 'song' : `${audioInput}:a:0`,
        ...(songCut ? { leadFrames: lead } : {}),
        video: 'shots',
        out: 'shotsv',
        beatFrames: tl.beatFrames,
      })}`
    : '';
  // The cards under the captions (the composition draws them first), each from its still.
  let under = tl.visualizer ? 'shotsv' : 'shots';
  const cardInputs: string[] = [];
  const cardChains: string[] = [];
  passCards(whole, pass).forEach((i, j) => {
    const box = src.cardBoxes[i];
    if (!box) return;
    cardChains.push(cardGraph(tl, j, cardInput + cardInputs.length / 2, box, under, `withcard${i}`));
    cardInputs.push('-i', src.cardStills[i]!);
    under = `withcard${i}`;
  });
  const cards = cardChains.length ? `;\n${cardChains.join(';\n')}` : '';
  // Blended on every frame (a clear image leaves the picture as it is), never switched by `enable`: on
  // overlay, ffmpeg evaluates `enable` at whichever input's frame it read last — often the next overlay
  // image, read ahead — so captions went missing on single frames (at their fade-in, at a pass's end).
  // Only the box the captions are drawn in is blended (the whole frame if no caption shows at all).
  const box = src.captionBox ?? { x: 0, y: 0, w: width, h: height };
  const crop = box.w < width || box.h < height ? `,crop=${box.w}:${box.h}:${box.x}:${box.y}` : '';
  // Overlay timestamps snapped to whole frames, so each change lands on its frame.
  const filter = `${shots.filter}${viz}${cards};\n[${overlayInput}:v]settb=1/${fps},setpts=round(PTS),setsar=1,format=yuva420p${crop}[ov];\n[${under}][ov]overlay=${box.x}:${box.y}:format=yuv420:eof_action=repeat,format=yuv420p[v]`;
  const filterFile = join(src.workDir, `filter${suffix}.txt`);
  await writeFile(filterFile, filter);
  return [
    ...shots.inputs,
    // Never rebuild the whole graph mid-stream for a change of image metadata.
    '-reinit_filter',
    '0',
    ...concatListInput(listFile),
    // A later pass decodes the song only as far as it needs.
    ...(readsSong ? [...(s > 0 ? ['-t', num(pass.endFrame / fps + 1)] : []), '-i', src.audioSrc] : []),
    ...cardInputs,
    // From a file: the graph of a long song (156 shots for 10 minutes) is far over the 128 KiB one
    // command-line argument may hold (spawn E2BIG), as renderer-ffmpeg's is.
    '-filter_complex_script',
    filterFile,
    '-map',
    '[v]',
    ...(withSong ? ['-map', `${audioInput}:a:0`] : []),
    ...videoArgs(src, fps),
    ...(withSong
      ? [...songArgs(src), '-t', num(frames / fps), '-movflags', '+faststart']
      : ['-an', '-frames:v', String(frames)]),
    '-f',
    'mp4',
    outPath,
  ];
}

/** The encoder's settings, the same for every pass (their parts are joined by stream copy). */
function videoArgs(src: EncodeSource, fps: number): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    src.x264Preset ?? 'veryfast',
    '-crf',
    String(src.crf ?? 18),
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
  ];
}

/** The song untouched when it is AAC already, else AAC at 192 kb/s. */
function songArgs(src: EncodeSource): string[] {
  return src.audioCodec === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k'];
}

/** ffmpeg arguments that join the passes' parts (listed in `listFile`) by stream copy and mux the song. */
export function joinArgs(src: EncodeSource, listFile: string, outPath: string): string[] {
  const { durationFrames, fps } = src.timeline;
  return [
    ...concatListInput(listFile),
    '-i',
    src.audioSrc,
    ...VIDEO_WITH_SONG_ARGS,
    ...songArgs(src),
    '-t',
    num(durationFrames / fps),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outPath,
  ];
}
