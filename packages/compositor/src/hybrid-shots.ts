import type { Timeline, TimelineItem, Transition } from '@beatframe/core';
import {
  decayExpr,
  decayFrames,
  EFFECT_TAIL,
  FLASH_OPACITY,
  ifTree,
  PULSE_SCALE,
  ShotFold,
  windowsExpr,
} from '@beatframe/timeline/effects';
import { num } from './hybrid-overlays.js';

/** The hybrid render's shots: the ffmpeg graph of clips, transitions and zoom pulses, the composition's math. */

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

/** Back to 4:2:0 after xfade (4:4:4 only), else the concat after it would pull the next shots into 4:4:4. */

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
  // Runs of cuts (and flashes, cuts at their middle) into one concat, each blend one xfade.
  const fold = new ShotFold(chains, fps);
  const whites: Array<[number, number]> = [];
  const whiteLevels: string[] = [];
  items.slice(1).forEach((item, k) => {
    const i = k + 1;
    const t = item.transitionIn;
    const d = t && t.kind !== 'cut' ? t.durationFrames : 0;
    if (!t || d <= 0 || t.kind === 'cut') {
      fold.cut(`s${i}`);
      return;
    }
    if (t.kind === 'flash') {
      // The old shot until the middle, the new one from there, under white 1-|2p-1| (p = frame/D).
      const h = Math.ceil(d / 2);
      const acc = fold.flush();
      chains.push(`[${acc}]trim=end_frame=${item.startFrame + h}[a${i}]`);
      chains.push(`[s${i}]trim=start_frame=${h},setpts=PTS-STARTPTS[b${i}]`);
      fold.continueWith([`a${i}`, `b${i}`]);
      whites.push([item.startFrame, item.startFrame + d - 1]);
      whiteLevels.push(`1-abs(2*(n-${item.startFrame})/${d}-1)`);
      return;
    }
    fold.blend(`s${i}`, xfadeName(t), item.startFrame, d);
  });
  const joined = fold.flush();
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
