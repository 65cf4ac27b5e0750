import type { AudioAnalysis, EvaluationReport } from '@beatframe/core';
import { produceAtomic } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';

export const PLOT_WIDTH = 800;
export const PLOT_HEIGHT = 240;

type RGB = [number, number, number];
const BG: RGB = [17, 17, 20];
const BEAT: RGB = [40, 40, 48];
const DOWNBEAT: RGB = [70, 70, 84];
const ENERGY: RGB = [255, 150, 40];
const MOTION: RGB = [60, 200, 255];
const ON_BEAT: RGB = [80, 220, 100];
const OFF_BEAT: RGB = [240, 60, 60];
const GRADUAL: RGB = [240, 220, 60];

/** Where things are drawn, so tests can look at the right pixels. */
export const PLOT_LAYOUT = {
  cutStrip: [0, 14],
  legend: [17, 30],
  curves: [34, 206],
  sections: [212, 236],
} as const;

/**
 * Draws energy (orange) and motion (cyan) over time on the beat grid (grey; downbeats lighter), the
 * sections shaded by energy along the bottom, and the cuts as ticks along the top (green on a beat, red
 * off, yellow gradual), into an RGB buffer; ffmpeg encodes it as PNG, so no image library is needed.
 */
export function drawPlot(report: EvaluationReport, analysis: AudioAnalysis, offsetSec = 0): Buffer {
  const W = PLOT_WIDTH;
  const H = PLOT_HEIGHT;
  const img = Buffer.alloc(W * H * 3);
  const set = (x: number, y: number, c: RGB) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = (y * W + x) * 3;
    img[o] = c[0];
    img[o + 1] = c[1];
    img[o + 2] = c[2];
  };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) set(x, y, BG);
  const curves = report.curves;
  const duration = Math.max(
    0.1,
    report.metrics.videoDurationSec ?? (curves ? curves.motion.length * curves.hopSec : analysis.durationSec),
  );
  const xOf = (t: number) => Math.round((t / duration) * (W - 1));
  const [c0, c1] = PLOT_LAYOUT.curves;
  const downbeats = new Set(analysis.downbeats.map((b) => Math.round((b + offsetSec) * 1000)));
  for (const b of report.beats ?? []) {
    const x = xOf(b);
    const color = downbeats.has(Math.round(b * 1000)) ? DOWNBEAT : BEAT;
    for (let y = c0; y <= c1; y++) set(x, y, color);
  }
  const [s0, s1] = PLOT_LAYOUT.sections;
  for (const s of analysis.sections) {
    const shade: RGB = [
      Math.round(30 + 200 * s.energy),
      Math.round(30 + 90 * s.energy),
      Math.round(40 + 10 * s.energy),
    ];
    for (let x = xOf(s.start + offsetSec) + 1; x < xOf(s.end + offsetSec); x++)
      for (let y = s0; y <= s1; y++) set(x, y, shade);
  }
  const line = (values: number[], hop: number, color: RGB) => {
    let prev: [number, number] | undefined;
    values.forEach((v, i) => {
      const x = xOf((i + 0.5) * hop);
      const y = Math.round(c1 - Math.max(0, Math.min(1, v)) * (c1 - c0));
      if (prev)
        drawLine(prev[0], prev[1], x, y, (px, py) => {
          set(px, py, color);
          set(px, py + 1, color);
        });
      prev = [x, y];
    });
  };
  if (curves) {
    line(curves.energy, curves.hopSec, ENERGY);
    line(curves.motion, curves.hopSec, MOTION);
  }
  const [t0, t1] = PLOT_LAYOUT.cutStrip;
  for (const c of report.cuts ?? []) {
    const color = c.kind === 'gradual' ? GRADUAL : c.onBeat ? ON_BEAT : OFF_BEAT;
    const x = xOf(c.timeSec);
    for (let y = t0; y <= t1; y++) for (let dx = -1; dx <= 1; dx++) set(x + dx, y, color);
  }
  return img;
}

function drawLine(x0: number, y0: number, x1: number, y1: number, plot: (x: number, y: number) => void) {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  let x = x0;
  let y = y0;
  for (;;) {
    plot(x, y);
    if (x === x1 && y === y1) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** The legend, drawn by ffmpeg's drawtext (the colours are the curves'). */
function legend(report: EvaluationReport): string {
  const esc = (t: string) =>
    t.replace(/\\/g, '\\\\').replace(/'/g, '\u2019').replace(/:/g, '\\:').replace(/%/g, '\\%');
  const items: Array<[string, string]> = [
    ['energy', '0xff9628'],
    ['motion', '0x3cc8ff'],
    ['cut on beat', '0x50dc64'],
    ['off beat', '0xf03c3c'],
    ['gradual', '0xf0dc3c'],
  ];
  let x = 6;
  const parts = items.map(([text, colour]) => {
    const part = `drawtext=text='${esc(text)}':x=${x}:y=${PLOT_LAYOUT.legend[0]}:fontsize=11:fontcolor=${colour}`;
    x += 10 + text.length * 7;
    return part;
  });
  const score = `score ${report.score.toFixed(2)}${report.passed ? ' passed' : ''}`;
  parts.push(
    `drawtext=text='${esc(score)}':x=w-tw-6:y=${PLOT_LAYOUT.legend[0]}:fontsize=11:fontcolor=0xdddddd`,
  );
  return parts.join(',');
}

/** Writes the plot as a PNG (atomically); without a usable font, without the legend. */
export async function renderPlot(
  report: EvaluationReport,
  analysis: AudioAnalysis,
  outPath: string,
  opts: { offsetSec?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const img = drawPlot(report, analysis, opts.offsetSec ?? 0);
  const encode = (withLegend: boolean) =>
    produceAtomic(outPath, (tmp) =>
      runFfmpeg(
        [
          '-f',
          'rawvideo',
          '-pix_fmt',
          'rgb24',
          '-s',
          `${PLOT_WIDTH}x${PLOT_HEIGHT}`,
          '-i',
          'pipe:0',
          ...(withLegend ? ['-vf', legend(report)] : []),
          '-frames:v',
          '1',
          '-f',
          'image2',
          '-c:v',
          'png',
          tmp,
        ],
        { input: img, ...(opts.signal ? { signal: opts.signal } : {}) },
      ),
    );
  await encode(true).catch((err: unknown) => {
    if (opts.signal?.aborted) throw err;
    return encode(false);
  });
  return outPath;
}
