import type { TimelineItem, TimelineVisualizer } from '@beatframe/core';
import { pulseExpr, visualizerFilter } from '@beatframe/media';
import {
  decayExpr,
  EFFECT_TAIL,
  FLASH_DECAY_SEC,
  FLASH_OPACITY,
  PULSE_DECAY_SEC,
  PULSE_SCALE,
  ShotFold,
  windowsExpr,
} from '@beatframe/timeline/effects';
import { escapeFilterValue } from './escape.js';
import { type PlannedSegment, xfadeName } from './plan.js';

/** What the renderer learned about a clip file by probing it. */
export interface SourceInfo {
  path: string;
  durationSec: number;
}

export interface GraphOptions {
  width: number;
  height: number;
  fps: number;
  /** ASS script with cards and captions, drawn last; absent when there is no text. */
  assPath?: string;
  /** Timeline frame of this graph's first frame (a later pass of a long timeline), for the ASS times. */
  startFrame?: number;
  /** xfade transition names this ffmpeg knows (others fall back to `fade`). */
  xfadeTransitions?: ReadonlySet<string>;
  /** The audio-reactive layer, drawn from the song under the text: the graph reads the song itself. */
  visualizer?: {
    spec: TimelineVisualizer;
    songPath: string;
    /** Frames this graph lasts. */
    frames: number;
    /** Beat frames in timeline time. */
    beatFrames: number[];
  };
}

export interface GraphNote {
  summary: string;
  itemId?: string;
  shotId?: string;
  /** A feature that could not be honoured (goes to RenderResult.unsupported as well). */
  unsupported?: boolean;
}

export interface FilterGraph {
  /** ffmpeg input options, in order: one or more `-i` per segment that has a clip. */
  inputArgs: string[];
  inputCount: number;
  /** The -filter_complex script; its video output is labelled [vout]. */
  script: string;
  notes: GraphNote[];
}

/** Copies of one input beyond which a loop of a trimmed clip falls back to looping the whole file. */
const MAX_LOOP_COPIES = 8;

interface InputSpec {
  ss?: number;
  t?: number;
  loop?: boolean;
  path: string;
}

const sec = (x: number) => Number(x.toFixed(6)).toString();

/**
 * Decides how to read one item's clip: trimmed from clipStartSec, looped (copies of the trimmed
 * part, or -stream_loop when it starts at 0), or played out and held on its last frame.
 */
export function planInputs(
  item: TimelineItem,
  source: SourceInfo,
  frames: number,
  fps: number,
  notes: GraphNote[],
): InputSpec[] {
  const who = { itemId: item.id, ...(item.shotId ? { shotId: item.shotId } : {}) };
  const dur = source.durationSec > 0 ? source.durationSec : item.clipDurationSec;
  let start = item.clipStartSec;
  if (start >= dur - 1 / fps) {
    notes.push({
      summary: `item ${item.id}: clipStartSec ${start} is past the clip's end (${sec(dur)} s); started at 0`,
      ...who,
    });
    start = 0;
  }
  const need = (frames / fps) * item.playbackRate;
  const avail = dur - start;
  const margin = 2 / fps;
  if (need <= avail) return [{ path: source.path, ss: start, t: Math.min(avail, need + margin) }];
  if (!item.loop) {
    notes.push({
      summary: `item ${item.id}: clip gives ${sec(avail / item.playbackRate)} s for a ${sec(frames / fps)} s slot and loop is off; its last frame is held`,
      ...who,
    });
    return [{ path: source.path, ss: start }];
  }
  if (start < 1 / fps) return [{ path: source.path, loop: true, t: need + margin }];
  const copies = Math.ceil(need / avail);
  if (copies > MAX_LOOP_COPIES) {
    notes.push({
      summary: `item ${item.id}: loop of ${copies} passes; after the first pass the whole clip loops from 0 s`,
      ...who,
    });
    return [{ path: source.path, ss: start, loop: true, t: need + margin }];
  }
  notes.push({
    summary: `item ${item.id}: clip part from ${sec(start)} s looped ${copies} times to fill its slot`,
    ...who,
  });
  return Array.from({ length: copies }, () => ({ path: source.path, ss: start, t: avail }));
}

// One decoding thread per clip: only one or two clips decode at a time, and frame threads would
// multiply memory by the number of clips (ffmpeg opens every input up front).
const decoderThreads = 1;

function inputArgs(spec: InputSpec): string[] {
  return [
    '-threads',
    String(decoderThreads),
    ...(spec.loop ? ['-stream_loop', '-1'] : []),
    ...(spec.ss ? ['-ss', sec(spec.ss)] : []),
    ...(spec.t !== undefined ? ['-t', sec(spec.t)] : []),
    '-i',
    spec.path,
  ];
}

export { pulseExpr };

/** Zoom of the `zoom` transition, as in the Remotion composition: the new shot shrinks from 1.25. */
const TRANSITION_ZOOM = 0.25;

/** A white layer at opacity `a` over limited-range yuv420p, by eq: Y·(1-a)+235·a, chroma ×(1-a). */
function whiteLayer(a: string, enable?: string): string {
  const b = Number((235 / 255 - 0.5).toFixed(6));
  return (
    `eq=contrast=${escapeFilterValue(`1-(${a})`)}:brightness=${escapeFilterValue(`${b}*(${a})`)}:saturation=${escapeFilterValue(`1-(${a})`)}:eval=frame` +
    (enable ? `:enable=${escapeFilterValue(enable)}` : '')
  );
}

function effectFilters(seg: PlannedSegment, next: PlannedSegment | undefined, o: GraphOptions): string[] {
  const out: string[] = [];
  // Everything that scales the shot multiplies into one per-frame scale (a no-op on frames at 1) and a
  // centred crop; nothing is evaluated per pixel.
  const zooms: string[] = [];
  if (seg.transition?.kind === 'zoom') {
    const d = seg.transition.frames;
    zooms.push(`if(lt(n,${d}),${1 + TRANSITION_ZOOM}-${TRANSITION_ZOOM}*n/${d},1)`);
  }
  if (next?.transition?.kind === 'zoom') {
    // ...while the old one grows towards 1.25 over the last frames it is seen.
    const d = next.transition.frames;
    const from = seg.frames - d;
    zooms.push(`if(gte(n,${from}),1+${TRANSITION_ZOOM}*(n-${from})/${d},1)`);
  }
  const flashes: string[] = [];
  const windows: Array<[number, number]> = [];
  for (const e of seg.effects) {
    if (e.kind === 'zoomPulse') {
      // Scale up by PULSE_SCALE (7 %) around the centre, decaying over PULSE_DECAY_SEC (~0.12 s).
      zooms.push(`1+${PULSE_SCALE}*(${decayExpr(e.frames, o.fps * PULSE_DECAY_SEC, e.strength, 'n')})`);
    } else {
      // A white layer, only on the frames a flash shows.
      const decay = o.fps * FLASH_DECAY_SEC;
      flashes.push(decayExpr(e.frames, decay, FLASH_OPACITY * e.strength, 'n'));
      for (const f of e.frames) windows.push([f, f + Math.floor(decay * EFFECT_TAIL)]);
    }
  }
  if (zooms.length) {
    const z = zooms.map((x) => `(${x})`).join('*');
    // Sizes grow by multiples of 4 so the crop starts on an even pixel (chroma-aligned) in the middle;
    // crop keeps the input size it was configured with, so its offset is computed from the frame too.
    const grow = (side: number) => `trunc(${side}*(${z}-1)/4)`;
    out.push(
      `scale=w=${escapeFilterValue(`${o.width}+4*${grow(o.width)}`)}:h=${escapeFilterValue(`${o.height}+4*${grow(o.height)}`)}:eval=frame`,
      `crop=w=${o.width}:h=${o.height}:x=${escapeFilterValue(`2*${grow(o.width)}`)}:y=${escapeFilterValue(`2*${grow(o.height)}`)}`,
      // scale keeps the display aspect of its even-rounded sizes with a SAR near 1, which concat refuses.
      'setsar=1',
    );
  }
  if (flashes.length)
    out.push(
      whiteLayer(
        flashes.reduce((x, y) => `max(${x},${y})`),
        windowsExpr(windows, 'n'),
      ),
    );
  return out;
}

/**
 * The flash transition as the Remotion composition draws it: the old shot holds until the middle of
 * the D frames, the new one appears there, and a white layer peaks at the middle (opacity 1-|2p-1|).
 * The old segment is cut short and the new one starts late by the halves, then they are concatenated.
 */
function flashFilters(seg: PlannedSegment, next: PlannedSegment | undefined): string[] {
  const out: string[] = [];
  const white = (a: string, from: number, to: number) => whiteLayer(a, `between(n,${from},${to})`);
  if (seg.transition?.kind === 'flash') {
    const d = seg.transition.frames;
    const h = Math.ceil(d / 2);
    out.push(`trim=start_frame=${h}`, 'setpts=PTS-STARTPTS');
    if (d - h > 0) out.push(white(`1-abs(2*(n+${h})/${d}-1)`, 0, d - h - 1));
  }
  if (next?.transition?.kind === 'flash') {
    const d = next.transition.frames;
    const h = Math.ceil(d / 2);
    const from =
      seg.frames - d - (seg.transition?.kind === 'flash' ? Math.ceil(seg.transition.frames / 2) : 0);
    out.push(`trim=end_frame=${from + h}`, white(`1-abs(2*(n-${from})/${d}-1)`, from, from + h - 1));
  }
  return out;
}

/** Builds the whole graph: per-segment normalisation, then cuts (concat) and blends (xfade). */
export function buildGraph(
  segments: PlannedSegment[],
  sources: Map<string, SourceInfo>,
  o: GraphOptions,
): FilterGraph {
  const notes: GraphNote[] = [];
  const args: string[] = [];
  const chains: string[] = [];
  let inputIndex = 0;
  const { width: W, height: H, fps } = o;

  segments.forEach((seg, i) => {
    const label = `s${i}`;
    const tail = [
      `trim=end_frame=${seg.frames}`,
      'setpts=PTS-STARTPTS',
      ...effectFilters(seg, segments[i + 1], o),
      ...flashFilters(seg, segments[i + 1]),
    ];
    if (!seg.item) {
      chains.push(`color=c=black:s=${W}x${H}:r=${fps},format=yuv420p,${tail.join(',')}[${label}]`);
      return;
    }
    const source = sources.get(seg.item.id);
    if (!source) throw new Error(`no probed source for item ${seg.item.id}`);
    const specs = planInputs(seg.item, source, seg.frames, fps, notes);
    const pads = specs.map((spec) => {
      args.push(...inputArgs(spec));
      return `[${inputIndex++}:v:0]`;
    });
    const head = pads.length > 1 ? `${pads.join('')}concat=n=${pads.length}:v=1:a=0,` : pads[0];
    const rate = seg.item.playbackRate;
    chains.push(
      `${head}${[
        rate === 1 ? 'setpts=PTS-STARTPTS' : `setpts=(PTS-STARTPTS)/${sec(rate)}`,
        `fps=${fps}`,
        ...(seg.item.fit === 'contain'
          ? [
              `scale=${W}:${H}:force_original_aspect_ratio=decrease`,
              `pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:black`,
            ]
          : [`scale=${W}:${H}:force_original_aspect_ratio=increase`, `crop=${W}:${H}`]),
        'setsar=1',
        'format=yuv420p',
        // Holds the last frame if the clip runs out; trim then cuts the exact frame count.
        'tpad=stop_mode=clone:stop=-1',
        ...tail,
      ].join(',')}[${label}]`,
    );
  });

  // Runs of hard cuts become one concat, each transition one xfade.
  const fold = new ShotFold(chains, fps);
  segments.forEach((seg, i) => {
    if (i === 0) return;
    // A flash is a cut at its middle under a white burst (drawn per segment by flashFilters).
    if (!seg.transition || seg.transition.kind === 'flash') {
      fold.cut(`s${i}`);
      return;
    }
    let name = xfadeName(seg.transition.kind, seg.transition.direction);
    if (o.xfadeTransitions && !o.xfadeTransitions.has(name)) {
      notes.push({
        summary: `this ffmpeg has no '${name}' xfade transition; a ${seg.transition.kind} into ${seg.item?.id} is drawn as a fade`,
        unsupported: true,
        ...(seg.item ? { itemId: seg.item.id } : {}),
      });
      name = 'fade';
    }
    fold.blend(`s${i}`, name, seg.startFrame, seg.transition.frames);
  });
  let last = fold.flush();
  if (o.visualizer) {
    const v = o.visualizer;
    const start = o.startFrame ?? 0;
    args.push('-ss', sec(start / fps), '-t', sec(v.frames / fps + 1), '-i', v.songPath);
    chains.push(
      visualizerFilter({
        visualizer: v.spec,
        width: W,
        height: H,
        fps,
        frames: v.frames,
        audio: `${inputIndex++}:a:0`,
        video: last,
        out: 'viz_out',
        beatFrames: v.beatFrames.map((b) => b - start),
      }),
    );
    last = 'viz_out';
  }
  // libass times events by frame timestamps: a later pass shifts to timeline time and back.
  const shift = o.startFrame ? [`setpts=PTS+${o.startFrame}/(${fps}*TB)`, 'setpts=PTS-STARTPTS'] : ['', ''];
  const overlay = o.assPath
    ? `${shift[0] ? `${shift[0]},` : ''}ass=filename=${escapeFilterValue(o.assPath)},${shift[1] ? `${shift[1]},` : ''}`
    : '';
  chains.push(`[${last}]${overlay}format=yuv420p[vout]`);
  return { inputArgs: args, inputCount: inputIndex, script: `${chains.join(';\n')}\n`, notes };
}
