import type {
  ClipRequest,
  PlanInput,
  ProviderCapabilities,
  Scene,
  Shot,
  Storyboard,
  StyleBible,
} from '@beatframe/core';
import { frameSize } from '@beatframe/core';
import { placeKeyOf } from './heuristic/planner.js';
import { charactersIn, sheetText } from './lookdev.js';

/**
 * The clip length to ask for: the shortest allowed duration that covers the slot, so the edit
 * never has to loop or stretch; the longest allowed one when none does.
 */
export function clipSecondsFor(slotSec: number, durations: number[]): number {
  const allowed = [...durations].filter((d) => d > 0).sort((a, b) => a - b);
  if (allowed.length === 0) return Math.max(1, Math.ceil(slotSec));
  return allowed.find((d) => d >= slotSec - 1e-6) ?? (allowed[allowed.length - 1] as number);
}

/** The part of the style bible every prompt carries, compact: look and palette first. */
export function styleLine(bible: StyleBible): string {
  return `${bible.look}; palette: ${bible.palette.join(', ')}`;
}

/** The style bible as a prompt part; when space is short, the palette comes first. */
export function stylePart(bible: StyleBible): PromptPart {
  return {
    text: `Style: ${styleLine(bible)}.`,
    short: `Palette: ${bible.palette.slice(0, 3).join(', ')}; ${bible.look}.`,
    priority: 100,
    style: true,
  };
}

/** Does a prompt carry the style bible (its look, or its palette)? */
export function carriesStyle(prompt: string, bible: StyleBible): boolean {
  const p = prompt.toLowerCase();
  const firstColour = bible.palette[0]?.toLowerCase();
  return p.includes(bible.look.toLowerCase().slice(0, 24)) || (!!firstColour && p.includes(firstColour));
}

function cutToWords(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/**
 * Joins prompt parts by priority into at most `max` characters: parts are dropped from the least
 * important end, and the style part is kept (shortened if it must) so every prompt carries it.
 */
export interface PromptPart {
  text: string;
  priority: number;
  /** The style bible's part: never dropped. */
  style?: boolean;
  /** A shorter form used when even the kept parts overrun. */
  short?: string;
}

export function fitPrompt(parts: PromptPart[], max: number): string {
  const kept = parts.filter((p) => p.text.trim());
  const join = (ps: typeof kept) => ps.map((p) => p.text.trim()).join(' ');
  for (;;) {
    if (join(kept).length <= max) break;
    const droppable = kept.filter((p) => !p.style);
    if (droppable.length <= 1) break;
    const victim = droppable.reduce((lo, p) => (p.priority < lo.priority ? p : lo));
    kept.splice(kept.indexOf(victim), 1);
  }
  if (join(kept).length <= max) return join(kept);
  // Still too long: shorten the subject first, then the style part, never below something useful.
  const style = kept.find((p) => p.style);
  const rest = kept.filter((p) => p !== style);
  const styleText = style
    ? cutToWords((style.short ?? style.text).trim(), Math.max(20, Math.floor(max * 0.45)))
    : '';
  const room = max - (styleText ? styleText.length + 1 : 0);
  const restText = cutToWords(join(rest), Math.max(0, room));
  return cutToWords([restText, styleText].filter(Boolean).join(' '), max);
}

/** Continuity: each shot after the first in a place starts from that place's first shot. */
export function assignReferences(storyboard: Storyboard, shots: Shot[]): Shot[] {
  const anchors = new Map<string, string>();
  return shots.map((shot) => {
    const scene = storyboard.scenes.find((s) => s.id === shot.sceneId);
    if (!scene) return shot;
    const key = placeKeyOf(scene);
    const anchor = anchors.get(key);
    if (!anchor) {
      anchors.set(key, shot.id);
      const { referenceShotId: _drop, ...rest } = shot;
      return rest;
    }
    return { ...shot, referenceShotId: anchor };
  });
}

/**
 * One continuous scene: the shot follows the previous one in the same scene (the same section of the song, so the
 * same setting), with no gap between their slots, showing the same characters (or none), and the storyboard has
 * not said otherwise (`continuous: false`). A new setting, a jump in time or a cut to another subject is a cut.
 */
export function continuesPrevious(
  prev: Pick<Shot, 'sceneId' | 'end' | 'description'> | undefined,
  shot: Pick<Shot, 'sceneId' | 'start' | 'description' | 'continuous'>,
  bible: Pick<StyleBible, 'characters'>,
): boolean {
  if (shot.continuous !== undefined) return shot.continuous;
  if (!prev || prev.sceneId !== shot.sceneId || Math.abs(shot.start - prev.end) > 0.05) return false;
  const who = (d: string) =>
    bible.characters
      .filter((c) => d.toLowerCase().includes(c.description.toLowerCase()) || d.includes(c.name))
      .map((c) => c.name)
      .sort()
      .join('|');
  return who(prev.description) === who(shot.description);
}

/** The crew marks each shot that carries on the previous one (`continuous`), so the storyboard says so. */
export function markContinuous(shots: Shot[], bible: Pick<StyleBible, 'characters'>): Shot[] {
  return shots.map((shot, i) => {
    const { continuous: _asked, ...bare } = shot;
    return continuesPrevious(shots[i - 1], bare, bible) ? { ...shot, continuous: true } : shot;
  });
}

/** Heuristic prompt for one shot, in the order most video models weigh words: subject, action, camera, look. */
export function heuristicPrompt(
  shot: Shot,
  _scene: Scene | undefined,
  bible: StyleBible,
  caps: Pick<ProviderCapabilities, 'maxPromptChars' | 'promptGuide'>,
): string {
  const motif = bible.motifs.length
    ? `Recurring motif: ${bible.motifs[shot.index % bible.motifs.length]}.`
    : '';
  const energyWords =
    shot.energy > 0.75
      ? 'Fast, kinetic, bursting with movement.'
      : shot.energy > 0.5
        ? 'Energetic, steady rhythm of movement.'
        : shot.energy > 0.3
          ? 'Measured, flowing movement.'
          : 'Slow, still, quiet.';
  // The sheet of each character the shot shows goes first and whole, identical in every shot (look development);
  // a character without a sheet (a car, a boat) is named in a droppable part as before.
  const sheets = charactersIn(shot.description, bible).map(sheetText).join(' ');
  const plain = bible.characters.find((c) => !c.sheet);
  const character = !sheets && plain ? `${plain.description}.` : '';
  const room = sheets ? caps.maxPromptChars - sheets.length - 1 : caps.maxPromptChars;
  const rest = fitPrompt(
    [
      { text: `${capitalize(shot.description)}.`, priority: 10 },
      { text: `Camera: ${shot.camera ?? bible.camera}.`, priority: 6 },
      { text: `Mood: ${shot.mood}. ${energyWords}`, priority: 7 },
      stylePart(bible),
      {
        text:
          character && !shot.description.includes(character.slice(0, -1)) ? `Character: ${character}` : '',
        priority: 4,
      },
      { text: motif, priority: 3 },
      { text: bible.avoid.length ? `Avoid: ${bible.avoid.join(', ')}.` : '', priority: 2 },
    ],
    sheets && room >= 60 ? room : caps.maxPromptChars,
  );
  return sheets && room >= 60 ? `${sheets} ${rest}` : rest;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Prompts, clip lengths and references for every shot; the heuristic prompt engineer. */
export function heuristicShots(storyboard: Storyboard, input: Pick<PlanInput, 'provider'>): Shot[] {
  const caps = input.provider.capabilities;
  const shots = storyboard.shots.map((shot) => {
    const scene = storyboard.scenes.find((s) => s.id === shot.sceneId);
    return {
      ...shot,
      prompt: heuristicPrompt(shot, scene, storyboard.styleBible, caps),
      clipSeconds: clipSecondsFor(shot.end - shot.start, caps.durations),
    };
  });
  if (!caps.imageToVideo) return shots;
  return markContinuous(assignReferences(storyboard, shots), storyboard.styleBible);
}

/**
 * What the generate stage sends the provider for a shot: its prompt, clip length, size, and the
 * musical hints offline generators draw from.
 */
export function clipRequestFor(
  shot: Shot,
  storyboard: Storyboard,
  input: Pick<PlanInput, 'analysis' | 'options' | 'provider'>,
  extra: { imagePath?: string; seed?: number } = {},
): ClipRequest {
  const caps = input.provider.capabilities;
  const scene = storyboard.scenes.find((s) => s.id === shot.sceneId);
  const want = frameSize(input.options.aspect, input.options.resolution);
  const size =
    caps.sizes.find((s) => s === `${want.width}x${want.height}`) ??
    caps.sizes.find((s) => {
      const [w, h] = s.split('x').map(Number);
      return w && h && Math.sign(w - h) === Math.sign(want.width - want.height);
    }) ??
    caps.sizes[0] ??
    `${want.width}x${want.height}`;
  return {
    shotId: shot.id,
    shotIndex: shot.index,
    prompt: shot.prompt ?? shot.description,
    seconds: shot.clipSeconds ?? clipSecondsFor(shot.end - shot.start, caps.durations),
    size,
    aspect: input.options.aspect,
    ...(input.options.model ? { model: input.options.model } : {}),
    ...(storyboard.styleBible.avoid.length ? { negativePrompt: storyboard.styleBible.avoid.join(', ') } : {}),
    ...(extra.imagePath ? { imagePath: extra.imagePath } : {}),
    ...(extra.seed !== undefined ? { seed: extra.seed } : {}),
    music: {
      bpm: input.analysis.bpm,
      energy: shot.energy,
      ...(scene ? { section: scene.label } : {}),
      mood: shot.mood,
      palette: storyboard.styleBible.palette,
    },
  };
}
