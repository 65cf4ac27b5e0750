import {
  type TimelineVisualizer,
  VISUALIZER_BARS,
  VISUALIZER_GAP,
  VISUALIZER_OPACITY,
  VISUALIZER_PULSE_GROWTH,
  visualizerBox,
} from '@beatframe/core';

export interface VisualizerFilterOptions {
  visualizer: TimelineVisualizer;
  width: number;
  height: number;
  fps: number;
  /** Frames this graph lasts. */
  frames: number;
  /**
   * Filter-graph label of the song's audio (e.g. `3:a`), starting at this graph's first frame — or
   * `leadFrames` frames before it: the bars and the wave are drawn from there and the lead dropped, so a
   * render in parts analyses the song at a part's start as a render from the song's start does.
   */
  audio: string;
  leadFrames?: number;
  /** Label of the picture the visualizer is drawn over, and the label of the result. */
  video: string;
  out: string;
  /** Beat frames relative to this graph's first frame (the pulse hits on them). */
  beatFrames?: number[];
}

/** `#rrggbb` (or `#rgb`) as ffmpeg's `0xRRGGBB`; anything else is the default accent. */
export function ffmpegColor(css: string): string {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(css.trim());
  if (!m) return '0xFFCC00';
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `0x${hex.toUpperCase()}`;
}

const num = (n: number) => (Math.round(n * 1e4) / 1e4).toString();
const sec = (x: number) => Number(x.toFixed(6)).toString();

/**
 * Level of a beat effect as an ffmpeg expression of frame variable `v`: `peak` on each beat frame,
 * decaying as exp(-since/decay) until the next beat (like the Remotion composition, which follows
 * the last beat only), cut off after four decays.
 */
export function pulseExpr(frames: number[], decay: number, peak: number, v: string): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  const cutoff = Math.ceil(decay * 4);
  const terms = sorted.map((b, i) => {
    const end = Math.min(b + cutoff, sorted[i + 1] ?? Number.POSITIVE_INFINITY) - 1;
    return `between(${v},${b},${end})*${sec(peak)}*exp(-(${v}-${b})/${sec(decay)})`;
  });
  return terms.length ? terms.join('+') : '0';
}

/**
 * The audio-reactive layer as ffmpeg filters, drawn over `video` into `out`: spectrum bars (showfreqs at one
 * pixel per bar, scaled up without smoothing), the waveform (showwaves), or a ring that swells on each beat
 * (a ring drawn once, scaled per frame). Boxes come from `visualizerBox`, as in the Remotion composition.
 */
export function visualizerFilter(o: VisualizerFilterOptions): string {
  const { kind } = o.visualizer;
  const color = ffmpegColor(o.visualizer.color);
  const box = visualizerBox(kind, o.width, o.height);
  const lead = o.leadFrames ?? 0;
  const end = `trim=end_frame=${o.frames},setpts=N/${o.fps}/TB`;
  const audioEnd = lead ? `trim=start_frame=${lead}:end_frame=${lead + o.frames},setpts=N/${o.fps}/TB` : end;
  const over = (layer: string, x: string, y: string, extra = '') =>
    `${layer};\n[${o.video}][viz]overlay=${x}:${y}${extra}:format=auto,format=yuv420p[${o.out}]`;
  if (kind === 'bars') {
    // A low-resolution spectrum, log frequency and amplitude, blown up into slim translucent bars; the gaps
    // between them are made transparent by geq (drawbox on this stream crashes ffmpeg 7), as Remotion draws.
    const slot = box.w / VISUALIZER_BARS;
    const gap = Math.max(1, Math.round(slot * VISUALIZER_GAP));
    const alpha = `if(lt(mod(X,${num(slot)}),${num(slot - gap)}),${VISUALIZER_OPACITY}*alpha(X,Y),0)`;
    return over(
      `[${o.audio}]aformat=channel_layouts=mono,showfreqs=s=${VISUALIZER_BARS}x64:r=${o.fps}:mode=bar:ascale=log:fscale=log:win_size=2048:averaging=2:colors=${color},format=rgba,scale=${box.w}:${box.h}:flags=neighbor,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='${alpha}',${audioEnd}[viz]`,
      String(box.x),
      String(box.y),
    );
  }
  if (kind === 'wave') {
    // showwaves draws a frame every `width` samples: at fps × width samples a second it keeps the frame
    // rate exactly (at 44.1 kHz and 1152 px it drew 38.3 frames a second, so the wave ran ahead of the song).
    return over(
      `[${o.audio}]aformat=channel_layouts=mono,aresample=${o.fps * box.w},showwaves=s=${box.w}x${box.h}:r=${o.fps}:mode=cline:scale=cbrt:draw=full:colors=${color}@${VISUALIZER_OPACITY},format=rgba,${audioEnd}[viz]`,
      String(box.x),
      String(box.y),
    );
  }
  // Pulse: a soft ring drawn once, grown on each beat and decaying until the next.
  const size = box.w;
  const tail = Math.ceil(o.fps * 0.12 * 4);
  const beats = (o.beatFrames ?? []).filter((b) => b >= -tail && b < o.frames);
  const level = `(${pulseExpr(beats, o.fps * 0.12, 1, 'n')})`;
  const s = `(1+${VISUALIZER_PULSE_GROWTH}*${level})`;
  const ring = `255*exp(-pow((hypot(X-${size / 2},Y-${size / 2})-${num(size * 0.36)})/${num(size * 0.025)},2))+90*exp(-pow(hypot(X-${size / 2},Y-${size / 2})/${num(size * 0.3)},2))`;
  // The ring at rest is drawn at 1/(1+growth) of the box, so a full hit fills it.
  const base = size / (1 + VISUALIZER_PULSE_GROWTH);
  return over(
    `color=c=${color}:s=${size}x${size}:r=${o.fps},format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='min(255,${ring})',trim=end_frame=1,loop=loop=-1:size=1,${end},scale=w='2*trunc(${num(base)}*${s}/2)':h='2*trunc(${num(base)}*${s}/2)':eval=frame[viz]`,
    `${box.x}+(${size}-w)/2`,
    `${box.y}+(${size}-h)/2`,
    ':eval=frame',
  );
}
