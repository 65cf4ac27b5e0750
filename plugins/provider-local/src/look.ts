import { type ClipRequest, digestOf, parseSize, xorshift32 } from '@beatframe/core';
import { localMp4Args } from './mp4.js';

/** How the motion feels: slow drifting gradients up to fast strobing geometry. */
export type MotionStyle = 'drift' | 'organic' | 'pulse' | 'strobe';

/** Everything a render depends on; a job's id is the digest of it, so a re-render is the same clip. */
export interface LocalLook {
  width: number;
  height: number;
  seconds: number;
  fps: number;
  /** Three colours, "0xRRGGBB". */
  palette: [string, string, string];
  style: MotionStyle;
  gradient: 'linear' | 'radial' | 'circular' | 'spiral';
  /** Gradient movement speed (ffmpeg `gradients` units). */
  speed: number;
  bpm: number;
  /** 0…1: how hard the beat hits the picture. */
  energy: number;
  seed: number;
}

const COLOURS: Record<string, string> = {
  red: 'e0202c',
  crimson: 'b0102a',
  scarlet: 'ff2400',
  orange: 'ff7a1a',
  amber: 'ffb000',
  gold: 'e8b830',
  golden: 'e8b830',
  yellow: 'ffe135',
  lime: 'a6ff00',
  green: '20b050',
  emerald: '10a070',
  forest: '1d5b2c',
  teal: '0f9d9a',
  cyan: '00d8ff',
  turquoise: '30d5c8',
  aqua: '40e0d0',
  blue: '1e5bff',
  azure: '3a8dff',
  navy: '0b1a4a',
  ocean: '0a4f8a',
  indigo: '3b1e8a',
  violet: '8a2be2',
  purple: '7a1fa2',
  lavender: 'b9a4f0',
  magenta: 'ff1d8e',
  pink: 'ff6fb5',
  rose: 'e8587a',
  white: 'f4f4f4',
  silver: 'c0c8d0',
  grey: '7a7f87',
  gray: '7a7f87',
  black: '08080c',
  brown: '6b3e1e',
  sepia: '8a6a48',
  cream: 'f3e6c4',
  beige: 'd9c7a0',
  neon: '39ff14',
  sunset: 'ff5e3a',
  fire: 'ff4500',
  ice: 'bfe9ff',
  snow: 'eef6ff',
  night: '0a0a2a',
  midnight: '0d0b2e',
  rust: 'a0401a',
  copper: 'b87333',
  coral: 'ff7f50',
  mint: '98ffcc',
  peach: 'ffb38a',
};

/** Moods that slow the picture down, and ones that speed it up. */
const CALM =
  /\b(calm|dreamy|dream|serene|soft|gentle|slow|peaceful|melanchol\w*|sad|ambient|float\w*|hazy|haze|nostalgi\w*|quiet|tender|lonely|ethereal|wistful|still|mellow|lullaby|drift\w*)\b/g;
const ENERGETIC =
  /\b(energetic|energy|aggressive|intense|fast|angry|explosive|explod\w*|hype|party|wild|chaos|chaotic|frantic|strob\w*|rave|punk|heavy|driving|fierce|powerful|euphoric|frenzy|pounding|drop|climax)\b/g;
const ORGANIC =
  /\b(organic|nature|forest|growth|grow\w*|cells?|life|living|ocean|water|mysterious|mystery|dark|eerie|swamp|moss|coral|bloom\w*|roots?)\b/;

/** Mood palettes used when the prompt names no colours. */
const MOOD_PALETTES: Record<MotionStyle, string[][]> = {
  drift: [
    ['1b1f4a', '6a5acd', 'f2b5d4'],
    ['0b2545', '13315c', '8da9c4'],
    ['2d1e2f', 'a05c7b', 'f7c59f'],
  ],
  organic: [
    ['0b3d2e', '1d7a4f', 'c6e377'],
    ['061a23', '0f5257', '7fd1b9'],
    ['1a0f24', '4b2c5e', 'a3d9b1'],
  ],
  pulse: [
    ['12002b', 'ff2e88', '00e5ff'],
    ['0d1b2a', 'ff9f1c', '2ec4b6'],
    ['1a1a40', 'fa7268', 'f9d56e'],
  ],
  strobe: [
    ['000000', 'ff0040', 'ffe600'],
    ['050014', '00ffd5', 'ff00c8'],
    ['0a0000', 'ff3d00', 'f5f5f5'],
  ],
};

function hashSeed(text: string): number {
  return Number.parseInt(digestOf(text).slice(0, 8), 16);
}

function colourOf(token: string): string | undefined {
  const t = token.trim().toLowerCase().replace(/^#/, '');
  if (/^[0-9a-f]{6}$/.test(t)) return t;
  if (/^0x[0-9a-f]{6}$/.test(t)) return t.slice(2);
  return COLOURS[t];
}

/** Colour words in the order the prompt says them. */
export function coloursIn(text: string): string[] {
  const out: string[] = [];
  let shade: ((hex: string) => string) | undefined;
  for (const word of text.toLowerCase().match(/#?[0-9a-z]+/g) ?? []) {
    const c = colourOf(word);
    if (c) {
      const shaded = shade ? shade(c) : c;
      if (!out.includes(shaded)) out.push(shaded);
    }
    // "deep blue", "pale pink": a shade word changes the colour right after it.
    shade = SHADES[word];
  }
  return out;
}

function mix(hex: string, toward: number, amount: number): string {
  const n = Number.parseInt(hex, 16);
  return [16, 8, 0]
    .map((sh) => Math.round(((n >> sh) & 255) * (1 - amount) + toward * amount))
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('');
}

const darker = (hex: string) => mix(hex, 0, 0.45);
const lighter = (hex: string) => mix(hex, 255, 0.45);
const SHADES: Record<string, (hex: string) => string> = {
  dark: darker,
  deep: darker,
  dim: darker,
  light: lighter,
  pale: lighter,
  pastel: lighter,
  soft: (hex) => mix(hex, 255, 0.25),
};

function count(re: RegExp, text: string): number {
  return text.match(re)?.length ?? 0;
}

/** Reads the prompt and the music into the parameters of one clip. */
export function lookFor(
  req: ClipRequest,
  opts: {
    fps: number /** Colours taken from the reference image, used after the named ones. */;
    imageColours?: string[];
  },
): LocalLook {
  const { width, height } = parseSize(req.size);
  const text = `${req.prompt} ${req.music?.mood ?? ''}`.toLowerCase();
  const seed = req.seed ?? hashSeed(`${req.shotId ?? ''}|${req.prompt}`);
  const rand = xorshift32(seed);

  const moodLean = Math.max(-1, Math.min(1, (count(ENERGETIC, text) - count(CALM, text)) / 2));
  const energy = req.music?.energy ?? Math.max(0, Math.min(1, 0.5 + 0.3 * moodLean));
  // Words and music weigh the same; either can move a shot one style along.
  // Choruses and drops hit harder than intros, bridges and outros at the same energy.
  const section = req.music?.section?.toLowerCase() ?? '';
  const lift = /chorus|drop|hook|climax/.test(section)
    ? 0.08
    : /intro|outro|bridge|break/.test(section)
      ? -0.08
      : 0;
  const intensity = Math.max(0, Math.min(1, 0.5 * energy + 0.5 * (0.5 + 0.5 * moodLean) + lift));
  let style: MotionStyle =
    intensity < 0.38 ? 'drift' : intensity < 0.66 ? (ORGANIC.test(text) ? 'organic' : 'pulse') : 'strobe';
  if (style === 'drift' && ORGANIC.test(text) && intensity > 0.3) style = 'organic';

  const named = [
    ...(req.music?.palette ?? []).map(colourOf).filter((c): c is string => !!c),
    ...coloursIn(req.prompt),
  ].filter((c, i, all) => all.indexOf(c) === i);
  const moodPalettes = MOOD_PALETTES[style];
  const fallback = moodPalettes[Math.floor(rand() * moodPalettes.length)] ?? moodPalettes[0]!;
  const fromImage = (opts.imageColours ?? []).filter(
    (c, i, all) => /^[0-9a-f]{6}$/.test(c) && !named.includes(c) && all.indexOf(c) === i,
  );
  const colours = [...named, ...fromImage, ...fallback.filter((c) => !named.includes(c))].slice(0, 3);
  // A dark base keeps named colours readable: put the darkest first.
  colours.sort((a, b) => luminance(a) - luminance(b));

  const gradients: LocalLook['gradient'][] =
    style === 'drift'
      ? ['linear', 'radial']
      : style === 'organic'
        ? ['radial', 'circular']
        : style === 'pulse'
          ? ['circular', 'linear', 'radial']
          : ['spiral', 'circular'];
  const baseSpeed = { drift: 0.008, organic: 0.015, pulse: 0.03, strobe: 0.08 }[style];
  const bpm = req.music?.bpm && req.music.bpm >= 30 && req.music.bpm <= 300 ? req.music.bpm : 120;
  return {
    width,
    height,
    seconds: req.seconds,
    fps: opts.fps,
    palette: colours.map((c) => `0x${c}`) as [string, string, string],
    style,
    gradient: gradients[Math.floor(rand() * gradients.length)] ?? 'linear',
    speed: Number((baseSpeed * (0.7 + 0.6 * rand())).toFixed(4)),
    bpm,
    energy: Number(energy.toFixed(3)),
    seed,
  };
}

function luminance(hex: string): number {
  const n = Number.parseInt(hex, 16);
  return 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
}

const even = (n: number) => Math.max(16, Math.round(n / 2) * 2);

/**
 * The ffmpeg filter graph for a look. Everything is drawn at a quarter of the size and scaled up:
 * soft abstract shapes do not need the pixels, and it keeps 720p well above real time.
 */
export function filterGraph(look: LocalLook): string {
  const w = even(look.width / 4);
  const h = even(look.height / 4);
  const [c0, c1, c2] = look.palette;
  const rand = xorshift32(look.seed ^ 0x9e3779b9);
  const P = (60 / look.bpm).toFixed(4);
  // 1 on each beat, decaying to 0 before the next one.
  const beat = (sharp: number) => `pow(1-mod(t\\,${P})/${P}\\,${sharp})`;
  const e = look.energy;
  const d = look.seconds;
  // Gradient end points in opposite thirds of the frame, so all three colours show; direction varies by shot.
  const third = (n: number) => Math.floor(rand() * (n / 3));
  let [x0, y0, x1, y1] = [third(w), third(h), w - third(w), h - third(h)];
  if (rand() < 0.5) [x0, x1] = [x1, x0];
  if (rand() < 0.5) [y0, y1] = [y1, y0];
  const bg = `gradients=s=${w}x${h}:r=${look.fps}:d=${d}:c0=${c0}:c1=${c1}:c2=${c2}:nb_colors=3:speed=${look.speed}:type=${look.gradient}:seed=${look.seed % 100000}:x0=${x0}:y0=${y0}:x1=${x1}:y1=${y1}`;
  const up = `scale=${look.width}:${look.height}:flags=bilinear,setsar=1`;
  const src = `r=${look.fps}:d=${d}`;
  // drawbox geometry is fixed at start-up, so moving shapes are overlays (their x/y are per-frame expressions)
  // and beat hits are boxes switched on for part of each beat (`enable` is per frame too).
  const onBeat = (from: number, to: number) => `enable='between(mod(t,${P})/${P},${from},${to})'`;
  const ring = (bw: number, bh: number, c: string, alpha: number, thick: number, from: number, to: number) =>
    `drawbox=x=${Math.round((w - bw) / 2)}:y=${Math.round((h - bh) / 2)}:w=${Math.round(bw)}:h=${Math.round(bh)}:color=${c}@${alpha}:t=${thick}:${onBeat(from, to)}`;
  /** A soft blob of colour with alpha: a box on a transparent canvas, blurred. */
  const blob = (c: string, bw: number, bh: number) => {
    const cw = even(bw * 2);
    const ch = even(bh * 2);
    const r = Math.max(2, Math.round(Math.min(bw, bh) / 3));
    return `color=c=black@0:s=${cw}x${ch}:${src},format=yuva420p,drawbox=x=${Math.round(bw / 2)}:y=${Math.round(bh / 2)}:w=${Math.round(bw)}:h=${Math.round(bh)}:color=${c}@0.6:t=fill:replace=1,boxblur=luma_radius=${r}:luma_power=2:alpha_radius=${r}:alpha_power=2`;
  };
  const k1 = (rand() * 6.28).toFixed(2);
  const k2 = (rand() * 6.28).toFixed(2);
  /** x and y of a Lissajous path across the frame, `a` and `b` beats per turn. */
  const path = (a: number, b: number, k: string, reach = 0.4) => ({
    x: `'W/2-w/2+W*${reach}*sin(2*PI*t/(${a}*${P})+${k})'`,
    y: `'H/2-h/2+H*${reach}*cos(2*PI*t/(${b}*${P})+${k})'`,
  });
  switch (look.style) {
    case 'drift': {
      const breathe = (0.15 + 0.35 * e).toFixed(3);
      const p1 = path(16, 12, k1, 0.3);
      const p2 = path(11, 19, k2, 0.35);
      return (
        `${bg},format=yuv420p[bg];${blob(c2, w * 0.3, h * 0.4)}[b1];${blob(c0, w * 0.25, h * 0.35)}[b2];` +
        `[bg][b1]overlay=x=${p1.x}:y=${p1.y}:shortest=1[m];[m][b2]overlay=x=${p2.x}:y=${p2.y}:shortest=1,` +
        `hue=b='${breathe}*${beat(2)}':h='12*sin(2*PI*t/(8*${P}))',${up}`
      );
    }
    case 'organic': {
      const cells = `life=s=${even(w / 3)}x${even(h / 3)}:r=${look.fps}:mold=${Math.round(8 + 20 * rand())}:life_color=${c2}:death_color=0x000000:mold_color=${c1}:ratio=${(0.1 + 0.2 * rand()).toFixed(2)}:seed=${look.seed % 100000}`;
      const p1 = path(12, 9, k1, 0.3);
      return (
        `${bg}[bg];${cells},scale=${w}:${h}:flags=bilinear,format=rgba,colorkey=0x000000:0.15:0.2[fg];` +
        `${blob(c2, w * 0.3, h * 0.4)}[b1];[bg][fg]overlay=shortest=1[m];[m][b1]overlay=x=${p1.x}:y=${p1.y}:shortest=1,` +
        `format=yuv420p,hue=b='${(0.3 + 0.6 * e).toFixed(3)}*${beat(3)}',${up}`
      );
    }
    case 'pulse': {
      const size = 0.3 + 0.15 * rand();
      const grow = 0.3 + 0.6 * e;
      const thick = Math.max(2, Math.round(w / 60));
      // On each beat a ring hits big and steps inwards.
      const rings = [0, 1, 2]
        .map((k) =>
          ring(
            w * size * (1 + grow * (1 - k / 2)),
            h * size * (1 + grow * (1 - k / 2)),
            c2,
            0.85,
            thick,
            k / 3,
            (k + 1) / 3,
          ),
        )
        .join(',');
      const orb = path(4, 4, k1, 0.3);
      const sq = even(Math.min(w, h) * 0.14);
      return (
        `${bg},format=yuv420p,${rings}[bg];color=c=${c1}@0.9:s=${sq}x${sq}:${src},format=yuva420p[sq];` +
        `[bg][sq]overlay=x=${orb.x}:y=${orb.y}:shortest=1,` +
        `hue=b='${(0.5 + 1.5 * e).toFixed(3)}*${beat(4)}',${up}`
      );
    }
    case 'strobe': {
      const cells = `life=s=${even(w / 4)}x${even(h / 4)}:r=${look.fps}:mold=${Math.round(4 + 10 * rand())}:life_color=${c2}:death_color=0x000000:mold_color=${c1}:ratio=${(0.2 + 0.2 * rand()).toFixed(2)}:seed=${look.seed % 100000}`;
      const grow = 0.5 + 0.7 * e;
      const thick = Math.max(2, Math.round(w / 50));
      const bar = even(h * 0.06);
      // A flash and a hit ring on every beat, a bar sweeping down once a beat, the hue kicking every bar.
      return (
        `${bg}[bg];${cells},scale=${w}:${h}:flags=bilinear,format=rgba,colorkey=0x000000:0.1:0.1[fg];` +
        `color=c=${c1}@0.75:s=${w}x${bar}:${src},format=yuva420p[bar];` +
        `[bg][fg]overlay=shortest=1,format=yuv420p,` +
        `drawbox=x=0:y=0:w=iw:h=ih:color=${c2}@0.35:t=fill:${onBeat(0, 0.12)},` +
        `${ring(w * 0.3 * (1 + grow), h * 0.45 * (1 + grow), c2, 0.9, thick, 0, 0.25)},` +
        `${ring(w * 0.3 * (1 + grow / 2), h * 0.45 * (1 + grow / 2), c2, 0.9, thick, 0.25, 0.5)},` +
        `${ring(w * 0.3, h * 0.45, c2, 0.9, thick, 0.5, 1)}[m];` +
        `[m][bar]overlay=x=0:y='mod(t*H/${P},H)':shortest=1,` +
        `hue=b='${(1 + 2 * e).toFixed(3)}*${beat(6)}':h='30*floor(t/(4*${P}))',${up}`
      );
    }
  }
}

/** The full ffmpeg argument list (after the global options) that renders a look to `out`. */
export function ffmpegArgs(look: LocalLook, out: string, opts: { preset?: string } = {}): string[] {
  return [
    '-filter_complex',
    `${filterGraph(look)},format=yuv420p[v]`,
    '-map',
    '[v]',
    '-t',
    String(look.seconds),
    '-r',
    String(look.fps),
    // ultrafast halves the CPU time of superfast for ~1.5× the bytes: these clips are intermediate.
    ...localMp4Args(opts.preset ?? 'ultrafast', 'abstract motion graphics', out),
  ];
}
