import type { SectionLabel } from '@beatframe/core';
import type { ThemeParts } from './theme.js';

/**
 * Shot-to-shot variety that keeps the theme. A music video changes setting and subject between shots: for "a
 * night drive along a neon coastline" the car on the highway, the driver inside it, the skyline, the waves, a wet
 * street, an aerial over the coast, a neon grid at the drop. Each theme setting belongs to a family of related
 * places (data below); each section label walks its own rotation through them, so consecutive shots differ and
 * a repeated section (chorus 1 and 2) keeps its look.
 *
 * Every place phrase starts with the word that names its setting (the offline renderer draws the first setting
 * a prompt names) and carries no time-of-day word (the theme's hour is added to every shot).
 */
export interface ShotLook {
  /** Which place this is, for variety checks and the decision log. */
  key: string;
  /** "the highway along the coast, headlights streaming past". */
  place: string;
  /** Whether the theme's subject is in the shot, or the shot is a close look at it. */
  subject: 'with' | 'close' | 'none';
  /** A framing that suits the place (an aerial is an aerial); otherwise the planner's. */
  framing?: string;
}

interface Family {
  /** Theme setting nouns that belong to this family. */
  nouns: string[];
  home: ShotLook;
  /** Where choruses open up. */
  peak: ShotLook;
  /** The bridge's break. */
  contrast: ShotLook;
  aerial: ShotLook;
  /** Related places, in the order verses and choruses visit them. */
  cutaways: ShotLook[];
}

const look = (
  key: string,
  place: string,
  subject: ShotLook['subject'] = 'with',
  framing?: string,
): ShotLook => (framing ? { key, place, subject, framing } : { key, place, subject });

// biome-ignore format: a data table
const FAMILIES: Record<string, Family> = {
  coast: {
    nouns: ['coastline', 'coast', 'ocean', 'sea', 'beach', 'shore', 'harbour', 'harbor', 'island', 'lake', 'river', 'bay'],
    home: look('coast', 'the coastline, the sea glittering below'),
    peak: look('highway', 'the highway along the coast, headlights streaming past'),
    contrast: look('shore', 'waves breaking on the shore{moon}', 'none', 'wide shot'),
    aerial: look('aerial-coast', 'the coastline and the sea far below', 'with', 'aerial shot'),
    cutaways: [
      look('skyline', 'the city skyline with lit windows across the bay'),
      look('street', 'a street shining with reflections by the seafront'),
      look('shore', 'waves breaking on the shore{moon}', 'none'),
    ],
  },
  city: {
    nouns: ['city', 'street', 'streets', 'alley', 'skyline', 'rooftop', 'station', 'bridge', 'town'],
    home: look('street', 'a street shining with reflections'),
    peak: look('skyline', 'the skyline with lit windows, the whole city awake'),
    contrast: look('harbour', 'the harbour at the edge of town, water lapping', 'none', 'wide shot'),
    aerial: look('aerial-city', 'rooftops of the city far below', 'with', 'aerial shot'),
    cutaways: [
      look('window', 'a window looking out over the rooftops', 'none'),
      look('skyline', 'the skyline with lit windows'),
      look('road', 'the road out of town, headlights passing'),
    ],
  },
  road: {
    nouns: ['highway', 'road'],
    home: look('highway', 'the highway running to the horizon'),
    peak: look('highway-speed', 'the highway at speed, headlights streaming past'),
    contrast: look('desert', 'dunes beside the road, empty and still', 'none', 'wide shot'),
    aerial: look('aerial-road', 'the road winding far below', 'with', 'aerial shot'),
    cutaways: [
      look('mountains', 'mountains along the route'),
      look('city', 'the skyline of a town at the end of the road'),
      look('desert', 'dunes beside the road', 'none'),
    ],
  },
  mountains: {
    nouns: ['mountains', 'mountain', 'peaks', 'valley', 'canyon', 'cliff', 'cliffs'],
    home: look('mountains', 'mountain peaks above the valley'),
    peak: look('summit', 'the summit ridge, the whole range below'),
    contrast: look('lake', 'a still lake at the foot of the mountains', 'none', 'wide shot'),
    aerial: look('aerial-mountains', 'mountain ridges far below', 'with', 'aerial shot'),
    cutaways: [
      look('forest', 'a pine forest on the slopes'),
      look('lake', 'a still lake at the foot of the mountains'),
      look('road', 'the road winding up the pass', 'none'),
    ],
  },
  forest: {
    nouns: ['forest', 'woods', 'jungle', 'garden', 'park', 'field', 'fields', 'grove'],
    home: look('forest', 'a forest path between tall pines'),
    peak: look('clearing', 'the forest opening into a clearing'),
    contrast: look('lake', 'a still lake among the trees', 'none', 'wide shot'),
    aerial: look('aerial-forest', 'the treetops of the forest far below', 'with', 'aerial shot'),
    cutaways: [
      look('mountains', 'mountains above the treeline'),
      look('lake', 'a still lake among the trees'),
      look('cabin', 'a window of a cabin in the woods', 'none'),
    ],
  },
  desert: {
    nouns: ['desert', 'dunes', 'dune'],
    home: look('desert', 'dunes rolling to the horizon'),
    peak: look('desert-road', 'dunes along the highway'),
    contrast: look('cliffs', 'cliffs of the mesa casting long shadows', 'none', 'wide shot'),
    aerial: look('aerial-desert', 'dunes far below', 'with', 'aerial shot'),
    cutaways: [
      look('cliffs', 'cliffs above the dunes'),
      look('desert-road', 'dunes along the highway'),
      look('desert', 'dunes in the wind', 'none'),
    ],
  },
  space: {
    nouns: ['space', 'galaxy', 'planet', 'cosmos', 'stars'],
    home: look('space', 'space, a ringed planet drifting by'),
    peak: look('nebula', 'a nebula blazing across space'),
    contrast: look('space-quiet', 'the silence of space, a distant sun', 'none', 'wide shot'),
    aerial: look('desert', 'dunes of an alien world under a huge sky', 'with', 'wide shot'),
    cutaways: [
      look('grid', 'a grid of light stretching through the void'),
      look('galaxy', 'galaxy light wheeling overhead', 'none'),
      look('window', 'a window of the station looking out on the planet'),
    ],
  },
  underwater: {
    nouns: ['underwater', 'reef'],
    home: look('underwater', 'underwater among kelp and light rays'),
    peak: look('reef', 'underwater, a reef alive with light'),
    contrast: look('coast', 'the sea surface seen from the shore', 'none', 'wide shot'),
    aerial: look('coast', 'the ocean far below', 'with', 'aerial shot'),
    cutaways: [
      look('bay', 'waves rolling over the bay'),
      look('bubbles', 'underwater, bubbles rising to the light', 'none'),
      look('space', 'a starfield like plankton, a dream of space', 'none'),
    ],
  },
  room: {
    nouns: ['room', 'bedroom', 'studio', 'club', 'apartment'],
    home: look('room', 'a room lit by neon tubes'),
    peak: look('grid', 'a grid of light pulsing beyond the walls'),
    contrast: look('city', 'the city skyline seen from outside, lit windows', 'none', 'wide shot'),
    aerial: look('street', 'the street far below, shining with reflections', 'with', 'aerial shot'),
    cutaways: [
      look('window', 'a window looking out over the city', 'none'),
      look('city', 'the skyline with lit windows'),
      look('grid-pulse', 'a grid of light pulsing', 'none'),
    ],
  },
  grid: {
    nouns: ['grid'],
    home: look('grid', 'a neon grid racing to the horizon'),
    peak: look('grid-sun', 'a neon grid pulsing under a huge sun'),
    contrast: look('city', 'a city skyline of glowing windows', 'none', 'wide shot'),
    aerial: look('aerial-grid', 'the grid far below', 'with', 'aerial shot'),
    cutaways: [
      look('highway', 'the highway into the grid, headlights streaming'),
      look('city', 'a city skyline of glowing windows'),
      look('room', 'a room of neon tubes', 'none'),
    ],
  },
};

/** A neon or synthwave film gets a neon grid at its drop. */
const DROP: ShotLook = look('grid', 'a neon grid racing to the horizon, lasers pulsing on the beat', 'with');

/** How each subject is seen up close: a car from inside it, a person's face, a thing in detail. */
function closeLook(subject: string | undefined): ShotLook {
  const who = subject ?? 'the figure';
  if (/\b(car|cars|truck|taxi)\b/.test(who))
    return look(
      'interior',
      'the driver inside the car, in silhouette against the window',
      'close',
      'close-up',
    );
  if (/\b(motorcycle|bike)\b/.test(who))
    return look('rider', `the rider of ${who} in silhouette, lights streaking past`, 'close', 'close-up');
  if (/\b(boat|ship|sailboat)\b/.test(who))
    return look('boat-detail', `${who} bobbing in a puddle, ripples spreading`, 'close', 'detail shot');
  if (/\b(train)\b/.test(who))
    return look('train-window', 'a window of the train, the world sliding past', 'close', 'close-up');
  if (/\b(birds?|lanterns?|balloons?|kite|butterfly)\b/.test(who))
    return look('subject-detail', `${who} against the sky`, 'close', 'close-up');
  return look('portrait', `${who}, rim-lit, the background soft`, 'close', 'close-up');
}

/** The theme's family of places: by its setting noun, else by the words of the film's home place. */
export function familyOf(parts: ThemeParts, homePlace = ''): string {
  const byNoun = Object.entries(FAMILIES).find(
    ([, f]) => parts.settingNoun && f.nouns.includes(parts.settingNoun),
  );
  if (byNoun) return byNoun[0];
  const words: string[] = homePlace.toLowerCase().match(/[a-z]+/g) ?? [];
  return Object.entries(FAMILIES).find(([, f]) => f.nouns.some((n) => words.includes(n)))?.[0] ?? 'city';
}

/**
 * The rotation of looks a section label walks through, shot by shot: establishing and home shots, related
 * places, a close look at the subject, the drop. The same label always gets the same rotation.
 */
export function rotationFor(
  label: SectionLabel,
  family: string,
  parts: ThemeParts,
  opts: { neon: boolean },
): ShotLook[] {
  const f = FAMILIES[family] ?? (FAMILIES.city as Family);
  const moon = parts.time === 'night' || parts.time === 'dusk' ? ' under the moon' : '';
  const fill = (l: ShotLook): ShotLook => ({ ...l, place: l.place.replace('{moon}', moon) });
  const close = closeLook(parts.subject);
  const [c0, c1, c2] = f.cutaways as [ShotLook, ShotLook, ShotLook];
  const drop = opts.neon && family !== 'grid' ? DROP : f.peak;
  const rotations: Partial<Record<SectionLabel, ShotLook[]>> = {
    intro: [f.aerial, f.home, c0],
    verse: [f.home, c0, close, c1, c2],
    'pre-chorus': [c1, f.aerial, close],
    chorus: [f.peak, drop, c0, close, f.aerial, c1],
    bridge: [f.contrast, close, c2],
    breakdown: [drop, c2, close],
    instrumental: [drop, c0, f.aerial],
    solo: [drop, close, c1],
    outro: [f.home, f.aerial],
  };
  return (rotations[label] ?? [f.home, c0, close, c1]).map(fill);
}

/** Picks each shot's look: the section's rotation in turn, never the same place twice in a row. */
export function pickLooks(
  shots: Array<{ sceneLabel: SectionLabel; nthInScene: number }>,
  family: string,
  parts: ThemeParts,
  opts: { neon: boolean },
): ShotLook[] {
  const out: ShotLook[] = [];
  for (const shot of shots) {
    const rot = rotationFor(shot.sceneLabel, family, parts, opts);
    let i = shot.nthInScene;
    let l = rot[i % rot.length] as ShotLook;
    const prev = out.at(-1);
    while (prev && l.key === prev.key && i < shot.nthInScene + rot.length)
      l = rot[++i % rot.length] as ShotLook;
    out.push(l);
  }
  return out;
}
