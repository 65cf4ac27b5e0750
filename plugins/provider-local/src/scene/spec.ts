import { type ClipRequest, digestOf, parseSize } from '@beatframe/core';
import { coloursIn } from '../look.js';
import {
  CAMERAS,
  type CameraId,
  FALLBACK_SETTING,
  type GroundId,
  type LayerId,
  MOOD_TIMES,
  SETTINGS,
  type SettingEntry,
  SHOT_KINDS,
  type ShotKindId,
  SUBJECTS,
  type SubjectId,
  TIMES,
  type TimeId,
  WEATHER,
  type WeatherId,
} from './catalogue.js';
import { luma } from './colour.js';

/** Everything a scene render depends on; the job id is its digest, so the same request is the same clip. */
export interface SceneSpec {
  width: number;
  height: number;
  seconds: number;
  fps: number;
  seed: number;
  /** A key of SETTINGS, or 'abstract' for the fallback. */
  setting: string;
  time: TimeId;
  weather: WeatherId[];
  subjects: SubjectId[];
  camera: CameraId;
  /** What the ground below the horizon is. */
  ground: GroundId;
  /** A far layer borrowed from a second named setting ("a coast with a city" shows a skyline across the water). */
  extraLayer?: LayerId;
  /** Words that change how a subject looks ("paper" boat, "neon" lights). */
  modifiers: string[];
  /** Accent colours, hex without '#': the prompt's colour words first. */
  accents: string[];
  /**
   * How this shot differs from its neighbours within the theme (deterministic per request): its framing (a
   * SHOT_KINDS entry: base zoom, horizon, subject size), the horizon moved up or down (a share of the height),
   * the picture mirrored, the sky lit by one of the accents, and the grade turned by some degrees of hue.
   */
  shot: ShotKindId;
  framing: number;
  subjectScale: number;
  /** The accent the sky and its reflection are tinted with. */
  tint?: string;
  horizonShift: number;
  mirror: boolean;
  hueShift: number;
  bpm: number;
  /** 0…1: speed of the camera and the particles, strength of the beat pulse. */
  energy: number;
  /** 0…1: how much brighter than its hour the shot is lit (loud shots, "blazing" words); absent is 0. */
  lift?: number;
  /** What the prompt's words matched, and what fell back to a default, for the decision log. */
  matched: string[];
  fallback: string[];
}

/** Framings in the order shots without framing words take them, neighbours as unlike as possible. */
const ORDER: ShotKindId[] = ['wide', 'close', 'high', 'medium', 'low', 'detail'];

/** Where in the text a keyword first appears as whole words; -1 if absent. */
function firstAt(text: string, keywords: string[]): number {
  let best = -1;
  for (const k of keywords) {
    const re = new RegExp(
      `(^|[^a-z])${k.replace(/[-'\s]/g, (c) => (c === ' ' ? '[\\s-]+' : `\\${c}`))}(?![a-z])`,
    );
    const m = re.exec(text);
    if (m && (best < 0 || m.index < best)) best = m.index;
  }
  return best;
}

/** Entries of a table that the text names, in the order the text names them. */
function named<K extends string>(text: string, table: Record<K, { keywords: string[] }>): K[] {
  return (Object.keys(table) as K[])
    .map((k) => [k, firstAt(text, table[k].keywords)] as const)
    .filter(([, at]) => at >= 0)
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k);
}

export function settingOf(spec: Pick<SceneSpec, 'setting'>): SettingEntry {
  return SETTINGS[spec.setting] ?? FALLBACK_SETTING;
}

/** Reads a shot's prompt (and the music) into a scene: catalogue words matched, the rest defaulted. */
export function sceneFor(req: ClipRequest, opts: { fps: number }): SceneSpec {
  const { width, height } = parseSize(req.size);
  // Long prompts are fine; only the first 2000 characters are read, which bounds the matching work.
  const text = `${req.prompt} ${req.music?.mood ?? ''}`.toLowerCase().slice(0, 2000);
  const seed = req.seed ?? Number.parseInt(digestOf(`${req.shotId ?? ''}|${req.prompt}`).slice(0, 8), 16);
  const matched: string[] = [];
  const fallback: string[] = [];

  const settings = named(text, SETTINGS);
  let subjects = named(text, SUBJECTS);
  // A boat needs water: "a paper boat in a rainy city" floats down a flooded street.
  let setting = settings[0];
  if (setting) matched.push(`setting:${setting}`);
  else {
    const hint = subjects.map((s) => SUBJECTS[s].settingHint).find(Boolean);
    setting = hint ?? 'abstract';
    fallback.push(`setting:${setting}`);
  }
  const entry = SETTINGS[setting] ?? FALLBACK_SETTING;
  // Indoors a vehicle is where we are, not what we see: "the driver inside the car" is a figure by a window.
  if (entry.skyless && setting === 'room') {
    const aboard = subjects.some((x) => x === 'car' || x === 'train' || x === 'boat');
    subjects = subjects.filter((x) => x !== 'car' && x !== 'train' && x !== 'boat');
    if (aboard && !subjects.includes('figure')) subjects.unshift('figure');
  }
  subjects = subjects.slice(0, 2);
  const second = settings[1] ? SETTINGS[settings[1]] : undefined;
  if (settings[1]) matched.push(`setting:${settings[1]}`);
  let ground: GroundId = entry.ground;
  if (second?.ground === 'road' && entry.ground !== 'none') ground = 'road';
  if (ground === 'grass' && /\b(snow|snowy|winter|frozen|frost)\b/.test(text)) ground = 'snowfield';
  // Only an outdoor place lends a far layer: "a street, a window close by" is not a room painted over the street.
  const extraLayer = second && !entry.skyless && !second.skyless ? second.layers[0] : undefined;
  const modifiers = ['paper', 'neon', 'glowing', 'red', 'lonely'].filter((w) =>
    new RegExp(`\\b${w}\\b`).test(text),
  );

  const times = named(text, TIMES);
  let time = times[0];
  if (time) matched.push(`time:${time}`);
  else {
    time = MOOD_TIMES.find((m) => firstAt(text, m.keywords) >= 0)?.time ?? entry.time;
    fallback.push(`time:${time}`);
  }

  const weather = named(text, WEATHER);
  for (const w of weather) matched.push(`weather:${w}`);

  for (const s of subjects) matched.push(`subject:${s}`);
  if (!subjects.length && entry.subject) {
    subjects.push(entry.subject);
    fallback.push(`subject:${entry.subject}`);
  }

  // A prompt's "Camera: …" sentence names the move; "close-up" in the framing words is not one.
  const cameraWords = /camera:\s*([^.;]*)/.exec(text)?.[1];
  let camera = (cameraWords ? named(cameraWords, CAMERAS)[0] : undefined) ?? named(text, CAMERAS)[0];
  if (camera) matched.push(`camera:${camera}`);
  else {
    camera = (['push', 'pan', 'track', 'orbit'] as const)[seed % 4] as CameraId;
    fallback.push(`camera:${camera}`);
  }

  // "neon" is a kind of light here, not a colour: the setting's accents give its hues.
  const prompted = coloursIn(req.prompt.slice(0, 2000).replace(/\bneon\b/gi, ''));
  if (prompted.length) matched.push(`colours:${prompted.join(',')}`);
  const fromMusic = (req.music?.palette ?? []).flatMap((p) => coloursIn(p));
  const accents = [...new Set([...prompted, ...fromMusic, ...entry.accents])].slice(0, 4);
  if (!prompted.length) fallback.push(`colours:${accents.join(',')}`);

  // Variety between shots: the prompt's framing words first, then the shot's number (so neighbours differ),
  // then the seed.
  const pick = (k: number) => ((seed >>> (k * 3)) & 7) / 7;
  const number = req.shotIndex ?? Number(/(\d+)\D*$/.exec(req.shotId ?? '')?.[1] ?? seed % 97);
  const framingWords = named(text, SHOT_KINDS);
  const shot: ShotKindId = framingWords[0] ?? ORDER[(number + (seed % 3)) % ORDER.length]!;
  (framingWords[0] ? matched : fallback).push(`framing:${shot}`);
  const kind = SHOT_KINDS[shot];
  // Odd and even shots sit the horizon on either side of the kind's, a little more by the seed.
  const horizonShift = Number(
    (kind.horizon + (number % 2 ? 0.05 : -0.05) + (pick(2) - 0.5) * 0.06).toFixed(3),
  );
  const mirror = pick(3) >= 0.5;
  // Named colours stay near their hue (±12°); otherwise the grade may turn ±25°.
  const hueShift = Math.round((pick(4) - 0.5) * (prompted.length ? 24 : 50));
  // Each shot lights its sky with the next of the theme's accents: one palette, a shift at every cut.
  // Near-black words ("night", "midnight") are colours of the prompt but no light to tint a sky with.
  const lights = accents.filter((a) => luma(a) > 0.2);
  const tint = lights[number % Math.min(3, lights.length)];
  const bpm = req.music?.bpm && req.music.bpm >= 30 && req.music.bpm <= 300 ? req.music.bpm : 0;
  const calm = /\b(calm|gentle|slow|quiet|dreamy|serene|still|soft|peaceful)\b/.test(text);
  const wild = /\b(fast|wild|energetic|aggressive|explosive|frantic|rush|racing|intense)\b/.test(text);
  const energy = req.music?.energy ?? (wild ? 0.8 : calm ? 0.25 : 0.5);
  // Loud shots (a chorus, the drop) are lit brighter than quiet ones in the same hour: sky, silhouettes, lights.
  const bright = /\b(blazing|bright|brighter|ablaze|dazzling|lit up)\b/.test(text) ? 0.3 : 0;
  const lift = Number(Math.min(1, Math.max(0, (energy - 0.55) / 0.4) + bright).toFixed(3));
  return {
    width,
    height,
    seconds: req.seconds,
    fps: opts.fps,
    seed: seed >>> 0,
    setting,
    time,
    weather,
    subjects,
    camera,
    ground,
    ...(extraLayer ? { extraLayer } : {}),
    modifiers,
    accents,
    shot,
    framing: kind.zoom,
    subjectScale: kind.subject,
    horizonShift,
    ...(tint ? { tint } : {}),
    mirror,
    hueShift,
    bpm,
    energy: Number(Math.max(0, Math.min(1, energy)).toFixed(3)),
    ...(lift > 0 ? { lift } : {}),
    matched,
    fallback,
  };
}
