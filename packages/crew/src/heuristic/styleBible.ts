/** The heuristic crew's style bible. Over 400 lines because most of it is word lists (colours, visual nouns, stop words) that the few functions below read. */
import type { CreativeBrief, Song, StyleBible } from '@beatframe/core';
import { mulberry32 } from '@beatframe/core';
import { heuristicSheet, isPerson } from '../lookdev.js';
import { themeParts, themePlace } from './theme.js';

/** A small deterministic PRNG (mulberry32), so the same song and theme always give the same film. */
export function seededRandom(seedHex: string): () => number {
  return mulberry32(Number.parseInt(seedHex.slice(0, 8), 16));
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length) % items.length] as T;
}

interface LookPreset {
  keys: string[];
  look: string;
  palette: string[];
  lens: string;
  camera: string;
  places: [string, string, string];
  mood: string;
  motifs: string[];
}

/** Genre words → a visual language. Order matters: the first preset whose key appears wins. */
const PRESETS: LookPreset[] = [
  {
    keys: ['synthwave', 'retrowave', 'outrun', 'vaporwave', 'synthpop', 'synth', '80s', 'neon', 'cyberpunk'],
    look: 'neon-soaked retro-futurist night, glossy reflections, light haze',
    palette: ['magenta', 'electric cyan', 'deep violet', 'chrome'],
    lens: 'anamorphic 40mm with horizontal flares',
    camera: 'smooth gliding dolly and tracking moves',
    places: [
      'a rain-slick neon city street at night',
      'an endless highway under a grid-lit sky',
      'a rooftop above the glowing skyline',
    ],
    mood: 'nostalgic and driving',
    motifs: ['neon signs', 'sunset grid', 'chrome car'],
  },
  {
    keys: ['lo-fi', 'lofi', 'chillhop', 'chill', 'bedroom', 'jazzhop'],
    look: 'soft warm film grain, cozy lamplight, gentle bloom',
    palette: ['amber', 'dusty rose', 'muted teal', 'cream'],
    lens: '35mm with shallow depth of field',
    camera: 'slow handheld drift and static framing',
    places: [
      'a cluttered bedroom studio at dusk',
      'a quiet cafe window in the rain',
      'a city park at golden hour',
    ],
    mood: 'calm and wistful',
    motifs: ['steaming tea', 'vinyl record', 'rain on glass'],
  },
  {
    keys: ['metal', 'heavy', 'doom', 'hardcore', 'thrash', 'industrial', 'grunge'],
    look: 'high-contrast gritty monochrome with fire accents, smoke and sparks',
    palette: ['charcoal black', 'molten orange', 'steel grey', 'blood red'],
    lens: 'wide 24mm, low angles',
    camera: 'aggressive handheld, fast push-ins and whip pans',
    places: [
      'a derelict foundry full of sparks',
      'a storm-lashed cliff',
      'a smoke-filled stage lit from below',
    ],
    mood: 'ferocious and defiant',
    motifs: ['sparks', 'chains', 'lightning'],
  },
  {
    keys: ['rock', 'punk', 'indie rock', 'garage', 'alt'],
    look: 'raw 16mm film, sunburnt highlights, documentary energy',
    palette: ['faded denim blue', 'brick red', 'sunlit yellow', 'asphalt grey'],
    lens: '28mm, close and wide',
    camera: 'energetic handheld with quick pans',
    places: [
      'a graffiti-covered rehearsal garage',
      'an empty two-lane road at sunset',
      'a packed basement club',
    ],
    mood: 'restless and loud',
    motifs: ['guitar cables', 'flickering bulbs', 'torn posters'],
  },
  {
    keys: [
      'edm',
      'house',
      'techno',
      'trance',
      'dance',
      'electronic',
      'dubstep',
      'drum and bass',
      'dnb',
      'club',
    ],
    look: 'strobing club light, laser beams through fog, crisp digital sharpness',
    palette: ['ultraviolet', 'laser green', 'hot pink', 'black'],
    lens: '24mm wide with light streaks',
    camera: 'fast orbiting moves and rhythmic push-ins',
    places: [
      'a warehouse rave filled with fog',
      'a futuristic light tunnel',
      'a festival crowd under lasers',
    ],
    mood: 'euphoric and pulsing',
    motifs: ['laser beams', 'strobes', 'raised hands'],
  },
  {
    keys: ['hip hop', 'hip-hop', 'rap', 'trap', 'drill', 'r&b', 'rnb'],
    look: 'moody urban night, sodium streetlight, glossy contrast',
    palette: ['sodium orange', 'midnight blue', 'gold', 'black'],
    lens: '50mm, low angle hero framing',
    camera: 'slow-motion tracking and confident push-ins',
    places: ['a city block under streetlights', 'a parking garage rooftop at night', 'a luxury car interior'],
    mood: 'confident and cool',
    motifs: ['gold chains', 'headlights', 'city skyline'],
  },
  {
    keys: ['folk', 'acoustic', 'country', 'americana', 'bluegrass', 'singer-songwriter'],
    look: 'natural light, earthy textures, soft 35mm film',
    palette: ['golden wheat', 'forest green', 'weathered wood brown', 'sky blue'],
    lens: '50mm with natural depth of field',
    camera: 'patient static frames and slow pans',
    places: ['a wooden porch by wheat fields', 'a misty forest trail', 'a lake shore at dawn'],
    mood: 'warm and honest',
    motifs: ['an old guitar', 'wildflowers', 'a winding road'],
  },
  {
    keys: ['ambient', 'classical', 'orchestral', 'cinematic', 'piano', 'new age', 'drone'],
    look: 'painterly, vast and quiet, volumetric light',
    palette: ['pale gold', 'slate blue', 'ivory', 'soft grey'],
    lens: 'long 85mm with gentle compression',
    camera: 'very slow crane and drifting aerial moves',
    places: [
      'a fog-filled valley at sunrise',
      'an empty concert hall in shafts of light',
      'a frozen lake under stars',
    ],
    mood: 'contemplative and vast',
    motifs: ['drifting dust', 'falling snow', 'a single candle'],
  },
  {
    keys: ['pop', 'k-pop', 'kpop', 'dance-pop', 'electropop', 'bubblegum'],
    look: 'bright glossy color-blocked sets, clean studio light',
    palette: ['candy pink', 'sky blue', 'lemon yellow', 'white'],
    lens: '35mm, crisp and clean',
    camera: 'playful dolly moves and snappy reframes',
    places: ['a pastel color-blocked studio set', 'a sunny city rooftop', 'a glittering stage'],
    mood: 'bright and playful',
    motifs: ['confetti', 'balloons', 'mirrors'],
  },
];

/** Theme words that suggest a look when the style tags name no genre (by the preset's first key). */
const THEME_HINTS: Record<string, string[]> = {
  synthwave: ['night drive', 'neon', 'city lights', 'city of light', 'retro', 'arcade', 'cyber', 'futur'],
  'lo-fi': ['cozy', 'rainy day', 'study', 'coffee', 'bedroom', 'sleepy'],
  metal: ['hell', 'battle', 'apocalyp', 'inferno', 'demon'],
  rock: ['road trip', 'rebel', 'garage', 'riot'],
  edm: ['rave', 'club', 'festival', 'party', 'dance floor', 'dancefloor'],
  'hip hop': ['street', 'hood', 'the block', 'hustle'],
  folk: ['countryside', 'farm', 'cabin', 'campfire', 'village', 'wheat'],
  ambient: ['space', 'cosmos', 'meditat', 'dream', 'stars', 'snowfall', 'underwater'],
  pop: ['summer', 'sunny', 'colorful', 'colourful', 'bubblegum'],
};

const DEFAULT_PRESET: LookPreset = {
  look: 'cinematic natural light, rich contrast, subtle film grain',
  keys: [],
  palette: ['teal', 'warm orange', 'deep shadow black', 'soft white'],
  lens: '35mm anamorphic',
  camera: 'motivated dolly and handheld moves',
  places: [
    'a quiet city street at dusk',
    'an open landscape under a wide sky',
    'a dim room lit by a single window',
  ],
  mood: 'emotional and cinematic',
  motifs: ['light through a window', 'a road at night', 'birds in flight'],
};

const COLOR_WORDS = [
  'red',
  'crimson',
  'scarlet',
  'orange',
  'amber',
  'gold',
  'golden',
  'yellow',
  'green',
  'emerald',
  'teal',
  'cyan',
  'blue',
  'azure',
  'navy',
  'indigo',
  'violet',
  'purple',
  'magenta',
  'pink',
  'rose',
  'silver',
  'white',
  'black',
  'grey',
  'gray',
  'neon',
];

/** Places a theme or lyric may name; a hit becomes the film's home location. */
const PLACE_WORDS: Record<string, string> = {
  city: 'a city at night',
  street: 'a lamp-lit street',
  highway: 'an empty highway',
  road: 'an open road',
  desert: 'a desert under a huge sky',
  ocean: 'the ocean shore',
  sea: 'a grey sea',
  beach: 'a wide beach',
  forest: 'a dense forest',
  woods: 'dark woods',
  mountain: 'a mountain ridge',
  mountains: 'mountain peaks',
  river: 'a slow river',
  lake: 'a still lake',
  rooftop: 'a city rooftop',
  club: 'a crowded club',
  space: 'outer space',
  stars: 'a star field',
  moon: 'a moonlit plain',
  train: 'a night train',
  station: 'an empty station',
  car: 'a car on a night drive',
  room: 'a small room',
  bedroom: 'a bedroom',
  garden: 'an overgrown garden',
  field: 'an open field',
  fields: 'rolling fields',
  rain: 'a rainy street',
  snow: 'a snowfield',
  island: 'a small island',
  bridge: 'a long bridge',
  tokyo: 'Tokyo at night',
  paris: 'the streets of Paris',
  london: 'foggy London',
  'new york': 'New York streets',
  subway: 'a subway car',
  church: 'an old church',
  school: 'an empty school hallway',
  kitchen: 'a warm kitchen',
  sky: 'an open sky',
  ship: 'the deck of a ship',
  castle: 'a ruined castle',
  arcade: 'a neon arcade',
  mall: 'an empty mall',
};

/** People a theme or lyric may name; the first hit becomes the protagonist. */
const CHARACTER_WORDS: Record<string, string> = {
  astronaut: 'an astronaut in a worn white suit',
  girl: 'a young woman',
  boy: 'a young man',
  woman: 'a woman',
  man: 'a man',
  dancer: 'a dancer',
  singer: 'a singer',
  lovers: 'two lovers',
  robot: 'a small humanoid robot',
  king: 'a weary king',
  queen: 'a proud queen',
  stranger: 'a stranger in a long coat',
  cowboy: 'a lone cowboy',
  child: 'a child',
  kid: 'a kid on a bike',
  ghost: 'a translucent ghost',
  angel: 'an angel with tired wings',
  driver: 'a night driver',
  skater: 'a skateboarder',
  sailor: 'a sailor',
  witch: 'a young witch',
  soldier: 'a soldier coming home',
  band: 'a four-piece band',
  drummer: 'a drummer',
};

/** Lyric words that film well; they become recurring motifs. */
const VISUAL_NOUNS = new Set([
  'fire',
  'flame',
  'flames',
  'rain',
  'storm',
  'thunder',
  'lightning',
  'ocean',
  'waves',
  'wave',
  'river',
  'moon',
  'sun',
  'sunrise',
  'sunset',
  'stars',
  'star',
  'sky',
  'clouds',
  'cloud',
  'snow',
  'ice',
  'smoke',
  'mirror',
  'mirrors',
  'door',
  'window',
  'road',
  'highway',
  'car',
  'train',
  'heart',
  'roses',
  'rose',
  'flowers',
  'flower',
  'birds',
  'bird',
  'wings',
  'feather',
  'gold',
  'diamond',
  'diamonds',
  'glass',
  'candle',
  'shadow',
  'shadows',
  'ghost',
  'wolf',
  'horse',
  'tears',
  'blood',
  'bones',
  'crown',
  'sword',
  'key',
  'keys',
  'clock',
  'phone',
  'photograph',
  'letter',
  'stage',
  'crowd',
  'wire',
  'wires',
  'machine',
  'engine',
  'skyline',
  'tower',
  'bridge',
  'beach',
  'sand',
  'desert',
  'forest',
  'trees',
  'tree',
  'leaves',
  'butterfly',
  'butterflies',
  'ashes',
  'dust',
  'satellite',
  'rocket',
  'planet',
  'galaxy',
  'headlights',
  'streetlights',
  'umbrella',
  'balloon',
  'balloons',
]);

const _STOP = new Set(
  'the a an and or but if then so to of in on at by for with from into onto over under is are was were be been am i you he she it we they me my your his her our their this that these those just like oh yeah la na hey ooh ah all no not do does did dont cant wont im youre its gonna wanna got get let go come know say said see feel want need take make more one now up down out back away again never ever still only every when where what who why how here there'.split(
    ' ',
  ),
);

/** The filmable nouns in a text, in order of first appearance. */
export function visualNounsIn(text: string): string[] {
  return unique(words(text).filter((w) => VISUAL_NOUNS.has(w)));
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export interface StyleInputs {
  song: Pick<Song, 'title' | 'styleTags' | 'lyrics'>;
  theme: string;
  key?: string;
  meanEnergy: number;
  seed: string;
}

/** The film's visual language, derived from the theme, the style tags and the lyrics. */
export function heuristicStyle(input: StyleInputs): {
  bible: StyleBible;
  brief: CreativeBrief;
  preset: string;
} {
  const rand = seededRandom(input.seed);
  const tagText = input.song.styleTags.join(', ').toLowerCase();
  const themeText = input.theme.toLowerCase();
  const lyricText = (input.song.lyrics?.lines ?? []).map((l) => l.text).join('\n');

  const preset =
    PRESETS.find((p) => p.keys.some((k) => tagText.includes(k))) ??
    PRESETS.find((p) => p.keys.some((k) => new RegExp(`\\b${k}\\b`).test(themeText))) ??
    PRESETS.find((p) =>
      (THEME_HINTS[p.keys[0] as string] ?? []).some((k) => new RegExp(`\\b${k}`).test(themeText)),
    ) ??
    DEFAULT_PRESET;

  // Colours the theme names come first: the user asked for them.
  const themeColors = COLOR_WORDS.filter((c) => new RegExp(`\\b${c}\\b`).test(themeText));
  const minor = /\bminor\b|m$/i.test(input.key ?? '');
  const palette = unique([...themeColors, ...preset.palette, ...(minor ? ['deep blue shadows'] : [])]).slice(
    0,
    5,
  );

  const themeWords = words(input.theme);
  const lyricWords = words(lyricText);
  const placeHit = (ws: string[]) => ws.map((w) => PLACE_WORDS[w]).find(Boolean);
  // A theme that names its setting keeps it in every place, with its hour (theme.ts).
  const theme = themeParts(input.theme);
  const named = themePlace(theme);
  const homePlace = named ?? placeHit(themeWords) ?? placeHit(lyricWords) ?? (preset.places[0] as string);
  const places = named
    ? [named, `the heart of ${named}`, `a quiet edge of ${named}`]
    : unique([homePlace, ...preset.places]).slice(0, 3);
  const [home, big, contrast] = [
    places[0] as string,
    places[1] as string,
    (places[2] ?? places[1]) as string,
  ];

  const vocals = /female|woman|girl/.test(tagText)
    ? 'female'
    : /\bmale|\bman\b|boy/.test(tagText)
      ? 'male'
      : undefined;
  const characterHit =
    themeWords.map((w) => CHARACTER_WORDS[w]).find(Boolean) ??
    theme.subject ??
    lyricWords.map((w) => CHARACTER_WORDS[w]).find(Boolean);
  const protagonist =
    characterHit ??
    (vocals ? `a ${vocals} singer` : pick(rand, ['a lone figure', 'a young woman', 'a young man']));

  // Motifs: visual nouns the words repeat most, then the preset's own.
  const counts = new Map<string, number>();
  for (const w of [...themeWords, ...themeWords, ...lyricWords])
    if (VISUAL_NOUNS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const frequent = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([w]) => w);
  const motifs = unique([...frequent.slice(0, 3), ...preset.motifs]).slice(0, 4);

  const bible: StyleBible = {
    look: preset.look,
    palette,
    // Look development: a person gets a fixed sheet (face, hair, build, wardrobe in the palette's colours, props).
    characters: [
      {
        name: 'protagonist',
        description: protagonist,
        ...(isPerson(protagonist) ? { sheet: heuristicSheet(protagonist, palette, input.seed) } : {}),
      },
    ],
    places: [
      { name: 'home', description: home },
      { name: 'peak', description: big },
      { name: 'contrast', description: contrast },
    ],
    lens: preset.lens,
    camera: preset.camera,
    motifs,
    avoid: ['on-screen text', 'watermarks', 'distorted faces', 'extra limbs'],
  };
  const energyMood =
    input.meanEnergy > 0.65 ? 'high-energy' : input.meanEnergy < 0.35 ? 'hushed' : 'building';
  const concept = input.theme.trim()
    ? `${input.theme.trim()} — told through ${protagonist} in ${home}`
    : `${protagonist} moves through ${home}, drawn toward ${big}`;
  const brief: CreativeBrief = {
    title: input.song.title,
    concept,
    arc: `Establish ${home}; verses stay there with ${protagonist}; choruses open into ${big} and grow brighter each time; the bridge breaks away to ${contrast}; the outro returns home, resolved.`,
    mood: `${preset.mood}, ${energyMood}`,
  };
  return { bible, brief, preset: preset.keys[0] ?? 'default' };
}
