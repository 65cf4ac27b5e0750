import {
  type AudioAnalysis,
  digestOf,
  type PlanInput,
  type Scene,
  type SectionLabel,
  type Shot,
  type Storyboard,
  StyleBible,
} from '@beatframe/core';
import { barGrid, meanEnergy, nearest, normalizedSections, round3 } from '../grid.js';
import { heuristicStyle, pick, seededRandom, visualNounsIn } from './styleBible.js';
import { keepTheme, themeParts } from './theme.js';
import { familyOf, pickLooks, type ShotLook } from './variety.js';

/** Scene and shot slots on the bar grid, before anyone writes a word about them. */
export interface SlotPlan {
  scenes: Array<Omit<Scene, 'description' | 'mood'>>;
  shots: Array<Pick<Shot, 'id' | 'sceneId' | 'index' | 'start' | 'end' | 'energy'>>;
  barSec: number;
}

/** How long a shot should run, by energy: short and cutty when loud, long and patient when quiet. */
function targetShotSec(energy: number, label: SectionLabel): number {
  const calm = 9;
  const loud = 2.5;
  let t = calm + (loud - calm) * Math.min(1, Math.max(0, energy));
  if (label === 'intro' || label === 'outro') t *= 1.3;
  return t;
}

/**
 * The shortest shot worth paying for: with a paid provider a slot shorter than ¾ of its shortest clip
 * throws most of that clip away, so shots stretch toward it; free providers cut as the music asks.
 */
export function minShotSecFor(provider: PlanInput['provider'], size?: string): number {
  const caps = provider.capabilities;
  const shortest = caps.durations.length ? Math.min(...caps.durations) : 0;
  if (!shortest) return 0;
  const paid = caps.usdFor({ seconds: shortest, size: size ?? caps.sizes[0] ?? '1280x720' }) > 0;
  return paid ? shortest * 0.75 : 0;
}

/**
 * Scene boundaries at the section changes snapped to the nearest bar line; shots inside each scene
 * tile it on bar lines. The provider's longest clip caps a shot where the bars allow, so a clip
 * can cover its whole slot.
 */
export function planSlots(
  analysis: AudioAnalysis,
  durations: number[],
  opts: { minShotSec?: number } = {},
): SlotPlan {
  const dur = analysis.durationSec;
  const grid = barGrid(analysis);
  const sections = normalizedSections(analysis);
  const maxClip = durations.length ? Math.max(...durations) : Number.POSITIVE_INFINITY;

  // Section starts (after the first) become scene boundaries on the grid; when snapping would
  // swallow a short section, its own time is used; a section too short even for that folds into
  // the previous scene.
  const specs: Array<{ section: (typeof sections)[number]; start: number }> = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i] as (typeof sections)[number];
    if (i === 0) {
      specs.push({ section: s, start: 0 });
      continue;
    }
    const prev = (specs[specs.length - 1] as { start: number }).start;
    const nextRaw = Math.min(sections[i + 1]?.start ?? dur, dur);
    const ok = (t: number | undefined): t is number =>
      t !== undefined && t > prev + 0.25 && t < nextRaw - 0.25;
    const snapped = nearest(grid.points, s.start);
    if (ok(snapped)) specs.push({ section: s, start: snapped });
    else if (ok(s.start)) specs.push({ section: s, start: s.start });
  }

  // A section shorter than the shortest shot worth paying for folds into its neighbour: its own shot would buy a
  // clip mostly thrown away.
  const minShot = opts.minShotSec ?? 0;
  for (let k = 0; minShot > 0 && k < specs.length && specs.length > 1; ) {
    const end = specs[k + 1]?.start ?? dur;
    if (end - (specs[k] as { start: number }).start >= minShot) k++;
    else if (k === 0) specs.splice(1, 1);
    else specs.splice(k, 1);
  }

  const scenes: SlotPlan['scenes'] = [];
  const shots: SlotPlan['shots'] = [];
  for (let k = 0; k < specs.length; k++) {
    const { section: s, start } = specs[k] as (typeof specs)[number];
    const end = specs[k + 1]?.start ?? dur;
    const energy = round3(meanEnergy(analysis, start, end, s.energy) * 0.5 + s.energy * 0.5);
    const sceneId = `sc${scenes.length + 1}`;
    scenes.push({
      id: sceneId,
      sectionIndex: s.index,
      label: s.label,
      start: round3(start),
      end: round3(end),
      energy,
    });

    const inner = grid.points.filter((p) => p > start + 0.25 && p < end - 0.25);
    const pts = [start, ...inner, end];
    const bars = pts.length - 1;
    const len = end - start;
    const target = Math.max(targetShotSec(energy, s.label), opts.minShotSec ?? 0);
    let count = Math.max(1, Math.round(len / target));
    count = Math.max(count, Math.ceil(len / maxClip - 1e-9));
    count = Math.min(count, bars);
    const cuts = Array.from({ length: count + 1 }, (_, j) => pts[Math.round((j * bars) / count)] as number);
    mergeShortSlots(cuts, minShot, maxClip);
    for (let j = 0; j + 1 < cuts.length; j++) {
      const a = cuts[j] as number;
      const z = cuts[j + 1] as number;
      shots.push({
        id: `s${shots.length + 1}`,
        sceneId,
        index: shots.length,
        start: round3(a),
        end: round3(z),
        energy: round3(meanEnergy(analysis, a, z, energy)),
      });
    }
  }
  return { scenes, shots, barSec: grid.barSec };
}

/**
 * Drops cut points until no slot is shorter than `minSec` (a bar-rounded leftover), joining each short slot to
 * its shorter neighbour as long as the joined slot still fits the longest clip.
 */
export function mergeShortSlots(cuts: number[], minSec: number, maxSec: number): void {
  if (!(minSec > 0)) return;
  for (;;) {
    let best: { cut: number; joined: number } | undefined;
    for (let j = 0; j + 1 < cuts.length; j++) {
      const len = (cuts[j + 1] as number) - (cuts[j] as number);
      if (len >= minSec - 1e-9) continue;
      for (const cut of [j, j + 1]) {
        if (cut === 0 || cut === cuts.length - 1) continue;
        const joined = (cuts[cut + 1] as number) - (cuts[cut - 1] as number);
        if (joined <= maxSec + 1e-9 && (!best || joined < best.joined)) best = { cut, joined };
      }
    }
    if (!best) return;
    cuts.splice(best.cut, 1);
  }
}

const SHOT_SIZES_CALM = [
  'wide establishing shot',
  'medium shot',
  'slow close-up',
  'over-the-shoulder shot',
  'extreme wide shot',
];
const SHOT_SIZES_LOUD = ['close-up', 'low-angle medium shot', 'wide shot', 'extreme close-up', 'aerial shot'];
const MOVES_CALM = [
  'slow dolly in',
  'gentle pan',
  'locked-off static frame',
  'slow crane up',
  'drifting handheld',
];
const MOVES_LOUD = ['fast tracking shot', 'whip pan', 'orbiting move', 'rapid push-in', 'handheld rush'];

function moodFor(energy: number, label: SectionLabel): string {
  if (label === 'bridge') return energy > 0.5 ? 'unsettled' : 'dreamlike';
  if (label === 'outro') return 'resolved';
  if (label === 'intro') return 'expectant';
  if (energy > 0.75) return 'euphoric';
  if (energy > 0.55) return 'driving';
  if (energy > 0.35) return 'reflective';
  return 'tender';
}

/** What a scene is about, by its place in the song's arc. */
function sceneStory(
  label: SectionLabel,
  nth: number,
  bible: StyleBible,
  lyricMotif?: string,
): { place: string; action: string; placeKey: string } {
  const who = bible.characters[0]?.description ?? 'a lone figure';
  const [home, peak, contrast] = bible.places.map((p) => p.description);
  // What this section sings about comes first; the bible's motifs otherwise.
  const motif = (i: number) => lyricMotif ?? bible.motifs[i % Math.max(1, bible.motifs.length)] ?? 'light';
  switch (label) {
    case 'intro':
      return {
        place: home ?? '',
        placeKey: 'home',
        action: `the world of the film appears; ${who} is glimpsed for the first time`,
      };
    case 'verse':
      return {
        place: home ?? '',
        placeKey: 'home',
        action: `${who} goes about their life, ${motif(nth)} close by${nth > 1 ? ', something has changed since last time' : ''}`,
      };
    case 'pre-chorus':
      return {
        place: home ?? '',
        placeKey: 'home',
        action: `tension builds; ${who} turns toward something off-frame, light growing`,
      };
    case 'chorus': {
      const stage = [
        'the world opens up around',
        'brighter and bigger, the place comes alive around',
        'full spectacle at its peak around',
      ][Math.min(2, nth - 1)];
      return { place: peak ?? '', placeKey: 'peak', action: `${stage} ${who}, ${motif(nth + 1)} everywhere` };
    }
    case 'bridge':
      return {
        place: contrast ?? '',
        placeKey: 'contrast',
        action: `a break from everything: ${who} alone, colours shifted, time slowed`,
      };
    case 'breakdown':
    case 'instrumental':
    case 'solo':
      return {
        place: peak ?? '',
        placeKey: 'peak',
        action: `abstract details in rhythm: ${motif(nth)}, textures and light`,
      };
    case 'outro':
      return {
        place: home ?? '',
        placeKey: 'home',
        action: `back where it began, ${who} at peace as the light fades`,
      };
    default:
      return { place: home ?? '', placeKey: 'home', action: `stillness; ${motif(0)} in near darkness` };
  }
}

/** Which place each scene is set in, for image-to-video continuity. */
export function placeKeyOf(scene: Pick<Scene, 'label'>): string {
  return sceneStory(scene.label, 1, StyleBible.parse({ look: '', palette: ['x'], lens: '', camera: '' }))
    .placeKey;
}

/** The offline planner: a storyboard from the music alone, the same for the same input. */
export function heuristicStoryboard(input: PlanInput): Storyboard {
  return heuristicPlan(input).storyboard;
}

/** How a repeated section opens: the same place, framed a little wider each time. */
const WIDE_OPENERS = ['wide establishing shot', 'extreme wide shot', 'sweeping wide shot'];
const FRAMING_VARIANTS: Record<string, string[]> = {
  'close-up': ['close-up', 'extreme close-up', 'slow close-up'],
  'aerial shot': ['aerial shot', 'high aerial shot', 'drone shot from above'],
  'wide shot': ['wide shot', 'extreme wide shot', 'wide establishing shot'],
  'detail shot': ['detail shot', 'macro detail shot', 'insert detail shot'],
};

/** What a subject does in a shot that shows it, calm or loud, in turn. */
const SUBJECT_CALM = ['small in the distance', 'passing slowly', 'at the edge of the frame'];
const SUBJECT_LOUD = ['moving with the beat', 'rushing past', 'caught in a flash of light'];

/** The storyboard, and the place each shot shows (for the decision log and the variety tests). */
export function heuristicPlan(input: PlanInput): {
  storyboard: Storyboard;
  looks: ShotLook[];
  family: string;
} {
  const { analysis, song, options, provider } = input;
  const seed = digestOf({
    title: song.title,
    theme: options.theme,
    tags: song.styleTags,
    dur: analysis.durationSec,
  });
  const rand = seededRandom(seed.slice(8));
  const slots = planSlots(analysis, provider.capabilities.durations, { minShotSec: minShotSecFor(provider) });
  const avgEnergy =
    slots.scenes.reduce((s, x) => s + x.energy * (x.end - x.start), 0) / Math.max(1e-9, analysis.durationSec);
  const { bible, brief } = heuristicStyle({
    song,
    theme: options.theme,
    ...(analysis.key ? { key: analysis.key } : {}),
    meanEnergy: avgEnergy,
    seed,
  });

  const seen = new Map<SectionLabel, number>();
  const lyricMotifs = new Map<string, string>();
  const scenes: Scene[] = slots.scenes.map((sc) => {
    const nth = (seen.get(sc.label) ?? 0) + 1;
    seen.set(sc.label, nth);
    const sung = (song.lyrics?.lines ?? []).filter(
      (l) => l.start !== undefined && l.start >= sc.start && l.start < sc.end,
    );
    const lyricMotif = visualNounsIn(sung.map((l) => l.text).join(' '))[0];
    if (lyricMotif) lyricMotifs.set(sc.id, lyricMotif);
    const story = sceneStory(sc.label, nth, bible, lyricMotif);
    return {
      ...sc,
      description: `${sc.label} ${nth > 1 ? nth : ''}`.trim().concat(`: in ${story.place}, ${story.action}`),
      mood: moodFor(sc.energy, sc.label),
    };
  });

  // Shot-to-shot variety within the theme: each shot's place from the theme's family of related places, by
  // its section's rotation (variety.ts).
  const theme = themeParts(options.theme);
  const family = familyOf(theme, bible.places[0]?.description);
  const neon = /\b(neon|synthwave|retrowave|outrun|cyber\w*|laser)/.test(
    `${options.theme} ${song.styleTags.join(' ')} ${bible.look}`.toLowerCase(),
  );
  const looks = pickLooks(
    slots.shots.map((slot) => {
      const scene = scenes.find((s) => s.id === slot.sceneId) as Scene;
      return {
        sceneLabel: scene.label,
        nthInScene: slots.shots.filter((s) => s.sceneId === scene.id && s.index < slot.index).length,
      };
    }),
    family,
    theme,
    { neon },
  );
  const who = bible.characters[0]?.description ?? 'a lone figure';

  let prevSize = '';
  let prevMove = '';
  const shots: Shot[] = slots.shots.map((slot, k) => {
    const look = looks[k] as ShotLook;
    const scene = scenes.find((s) => s.id === slot.sceneId) as Scene;
    const loud = slot.energy > 0.55;
    // Never the same framing or move twice in a row: variety without randomness for its own sake.
    let size = pick(rand, loud ? SHOT_SIZES_LOUD : SHOT_SIZES_CALM);
    if (size === prevSize)
      size = pick(
        rand,
        (loud ? SHOT_SIZES_LOUD : SHOT_SIZES_CALM).filter((x) => x !== prevSize),
      );
    let move = pick(rand, loud ? MOVES_LOUD : MOVES_CALM);
    if (move === prevMove)
      move = pick(
        rand,
        (loud ? MOVES_LOUD : MOVES_CALM).filter((x) => x !== prevMove),
      );
    // A near-silent shot held locked-off has nothing moving in it and plays as a frozen frame (the evaluator
    // flagged the demo's outro for it): it drifts instead.
    if (slot.energy < 0.3 && move === 'locked-off static frame')
      move = prevMove === 'drifting handheld' ? 'gentle pan' : 'drifting handheld';
    const firstOfScene = slots.shots.find((s) => s.sceneId === scene.id)?.id === slot.id;
    const nthOfLabel = scenes.filter((s) => s.label === scene.label && s.start <= scene.start).length;
    if (firstOfScene && (scene.label === 'intro' || scene.label === 'chorus' || scene.label === 'bridge'))
      size = WIDE_OPENERS[(nthOfLabel - 1) % WIDE_OPENERS.length] as string;
    // A place that asks for a framing (an aerial, a close look) gets one of its variants, in turn.
    if (look.framing) {
      const variants = FRAMING_VARIANTS[look.framing] ?? [look.framing];
      size = variants[slot.index % variants.length] as string;
    }
    prevSize = size;
    prevMove = move;
    const story = sceneStory(
      scene.label,
      scenes.filter((s) => s.label === scene.label && s.start <= scene.start).length,
      bible,
      lyricMotifs.get(scene.id),
    );
    const nthInScene = slots.shots.filter((s) => s.sceneId === scene.id && s.index < slot.index).length;
    const doing = (loud ? SUBJECT_LOUD : SUBJECT_CALM)[slot.index % 3] as string;
    const view = look.subject === 'with' ? `${look.place}, ${who} ${doing}` : look.place;
    return {
      ...slot,
      description: nthInScene === 0 ? `${size} of ${view}: ${story.action}` : `${size} of ${view}`,
      mood: moodFor(slot.energy, scene.label),
      camera: `${move}, ${bible.lens}`,
    };
  });
  // The theme's subject, setting, weather and hour stay in every shot where they belong.
  const firsts = new Set(scenes.map((sc) => shots.find((sh) => sh.sceneId === sc.id)?.id));
  const storyboard: Storyboard = {
    brief,
    styleBible: bible,
    scenes: scenes.map((sc) => ({ ...sc, description: keepTheme(sc.description, theme, true) })),
    shots: shots.map((sh) => ({ ...sh, description: keepTheme(sh.description, theme, firsts.has(sh.id)) })),
  };
  return { storyboard, looks, family };
}
