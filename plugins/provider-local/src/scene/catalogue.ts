/**
 * The scene vocabulary as data: every element the renderer can draw, the words that call it up and its
 * parameters. A new setting is an entry here that combines existing layer painters, not new code.
 */

export type TimeId = 'dawn' | 'day' | 'golden' | 'sunset' | 'dusk' | 'night';
export type WeatherId = 'rain' | 'snow' | 'fog' | 'lightning' | 'wind';
export type SubjectId = 'figure' | 'car' | 'boat' | 'birds' | 'lanterns' | 'train' | 'dancer';
export type CameraId = 'push' | 'pan' | 'track' | 'aerial' | 'orbit' | 'static';
/** Painters for the static layers a setting is built from (see paint.ts). */
export type LayerId =
  | 'skyline'
  | 'far-skyline'
  | 'mountains'
  | 'far-mountains'
  | 'hills'
  | 'forest'
  | 'far-forest'
  | 'dunes'
  | 'planets'
  | 'room'
  | 'seabed'
  | 'shore-lights';
/** What fills the frame below the horizon; each is animated per frame. */
export type GroundId = 'water' | 'street' | 'road' | 'sand' | 'snowfield' | 'grid' | 'grass' | 'none';

export interface TimeEntry {
  keywords: string[];
  /** Sky gradient, top to horizon. */
  sky: [string, string, string];
  /** Sun or moon: height above the horizon (0…1 of the sky), colour, radius (fraction of frame height). */
  light: { kind: 'sun' | 'moon'; height: number; colour: string; radius: number };
  stars: number;
  /** How lit the world is: silhouettes are near black at 0, tinted at 1. */
  ambient: number;
  /** Windows, headlights and lanterns glow when it is dark. */
  lightsOn: boolean;
}

export interface SettingEntry {
  keywords: string[];
  /** Horizon height as a fraction of the frame from the top. */
  horizon: number;
  /** Far to near; each one scrolls with its own parallax depth. */
  layers: LayerId[];
  ground: GroundId;
  /** Time of day when the prompt names none. */
  time: TimeId;
  /** Subject drawn when the prompt names none (may be none). */
  subject?: SubjectId;
  /** The setting has no sky (underwater, a room shows it through a window). */
  skyless?: boolean;
  /** Accent colours for lights when the prompt names none. */
  accents: string[];
}

// biome-ignore format: a data table, one entry per line
export const TIMES: Record<TimeId, TimeEntry> = {
  dawn: {
    keywords: ['dawn', 'sunrise', 'daybreak', 'first light', 'early morning', 'morning'],
    sky: ['2b3a6b', 'c9849b', 'ffc98a'],
    light: { kind: 'sun', height: 0.45, colour: 'ffd9a0', radius: 0.07 },
    stars: 0.15,
    ambient: 0.45,
    lightsOn: false,
  },
  day: {
    keywords: ['day', 'daytime', 'noon', 'midday', 'sunny', 'sunshine', 'afternoon', 'broad daylight', 'daylight'],
    sky: ['2f6fd0', '6fa8e8', 'cfe6f7'],
    light: { kind: 'sun', height: 0.75, colour: 'fff6d8', radius: 0.06 },
    stars: 0,
    ambient: 1,
    lightsOn: false,
  },
  golden: {
    keywords: ['golden hour', 'golden', 'late afternoon', 'warm light'],
    sky: ['4a6fa5', 'e8b46a', 'ffd27a'],
    light: { kind: 'sun', height: 0.2, colour: 'ffe29a', radius: 0.07 },
    stars: 0,
    ambient: 0.75,
    lightsOn: false,
  },
  sunset: {
    keywords: ['sunset', 'sundown', 'evening', 'setting sun'],
    sky: ['3b1c5a', 'd9485f', 'ffa245'],
    light: { kind: 'sun', height: 0.14, colour: 'ffb347', radius: 0.09 },
    stars: 0.1,
    ambient: 0.45,
    lightsOn: true,
  },
  dusk: {
    keywords: ['dusk', 'twilight', 'blue hour', 'nightfall', 'gloaming'],
    sky: ['141b3d', '4a3d7a', 'c0708a'],
    light: { kind: 'moon', height: 0.55, colour: 'e8e4d0', radius: 0.035 },
    stars: 0.4,
    ambient: 0.3,
    lightsOn: true,
  },
  night: {
    keywords: ['night', 'midnight', 'nighttime', 'dark', 'moon', 'moonlit', 'moonlight', 'starry', 'stars', 'neon'],
    sky: ['03040c', '0b1230', '1e2452'],
    light: { kind: 'moon', height: 0.8, colour: 'eef0ff', radius: 0.04 },
    stars: 1,
    ambient: 0.18,
    lightsOn: true,
  },
};

// biome-ignore format: a data table, one entry per line
export const WEATHER: Record<WeatherId, { keywords: string[] }> = {
  rain: {
    keywords: ['rain', 'rainy', 'raining', 'rainfall', 'drizzle', 'downpour', 'storm', 'stormy', 'wet', 'showers'],
  },
  snow: {
    keywords: ['snow', 'snowy', 'snowing', 'snowfall', 'blizzard', 'winter', 'frost', 'frozen', 'flurries'],
  },
  fog: { keywords: ['fog', 'foggy', 'mist', 'misty', 'haze', 'hazy', 'smoke', 'smoky'] },
  lightning: { keywords: ['lightning', 'thunder', 'thunderstorm', 'storm', 'stormy', 'electric storm'] },
  wind: { keywords: ['wind', 'windy', 'gust', 'gale', 'breeze', 'blowing', 'sandstorm'] },
};

// biome-ignore format: a data table, one entry per line
export const SETTINGS: Record<string, SettingEntry> = {
  city: {
    keywords: ['city', 'skyline', 'downtown', 'metropolis', 'skyscraper', 'skyscrapers', 'rooftop', 'rooftops', 'urban', 'town', 'buildings', 'tokyo', 'new york'],
    horizon: 0.7,
    layers: ['far-skyline', 'skyline'],
    ground: 'street',
    time: 'night',
    accents: ['ffcc66', 'ff4fa0', '40d0ff'],
  },
  street: {
    keywords: ['street', 'streets', 'alley', 'sidewalk', 'avenue', 'boulevard', 'crosswalk', 'wet street', 'puddle', 'puddles'],
    horizon: 0.5,
    layers: ['skyline'],
    ground: 'street',
    time: 'night',
    accents: ['ffcc66', 'ff4fa0', '40d0ff'],
  },
  coast: {
    keywords: ['coast', 'coastline', 'coastal', 'ocean', 'sea', 'beach', 'shore', 'waves', 'wave', 'bay', 'harbour', 'harbor', 'seaside', 'lake', 'river', 'pier'],
    horizon: 0.58,
    layers: ['far-mountains', 'shore-lights'],
    ground: 'water',
    time: 'sunset',
    accents: ['ffb347', 'ff5e8a', '5ad1ff'],
  },
  highway: {
    keywords: ['highway', 'road', 'freeway', 'motorway', 'road trip', 'route', 'traffic', 'headlights', 'interstate'],
    horizon: 0.5,
    layers: ['far-mountains', 'hills'],
    ground: 'road',
    time: 'night',
    subject: 'car',
    accents: ['ffdd88', 'ff3040', 'ffffff'],
  },
  mountains: {
    keywords: ['mountain', 'mountains', 'peak', 'peaks', 'alps', 'summit', 'cliff', 'cliffs', 'valley', 'ridge', 'canyon'],
    horizon: 0.7,
    layers: ['far-mountains', 'mountains', 'hills'],
    ground: 'grass',
    time: 'day',
    accents: ['ffe0a0', 'a0d0ff', 'ffffff'],
  },
  forest: {
    keywords: ['forest', 'woods', 'woodland', 'trees', 'tree', 'pines', 'pine', 'jungle', 'grove', 'taiga'],
    horizon: 0.72,
    layers: ['far-mountains', 'far-forest', 'forest'],
    ground: 'grass',
    time: 'day',
    accents: ['ffe7a0', 'b0ffb0', 'ffffff'],
  },
  desert: {
    keywords: ['desert', 'dunes', 'dune', 'sand', 'sahara', 'mesa', 'badlands', 'wasteland', 'arid'],
    horizon: 0.6,
    layers: ['far-mountains', 'dunes'],
    ground: 'sand',
    time: 'sunset',
    accents: ['ffc070', 'ff7040', 'fff0c0'],
  },
  space: {
    keywords: ['space', 'outer space', 'planet', 'planets', 'galaxy', 'cosmos', 'cosmic', 'nebula', 'orbit', 'astronaut', 'universe', 'saturn', 'stars'],
    horizon: 1,
    layers: ['planets'],
    ground: 'none',
    time: 'night',
    accents: ['ff9a60', '8ab4ff', 'd080ff'],
  },
  underwater: {
    keywords: ['underwater', 'under water', 'undersea', 'deep sea', 'coral', 'reef', 'aquarium', 'submerged', 'diving', 'abyss', 'fish', 'jellyfish'],
    horizon: 1,
    layers: ['seabed'],
    ground: 'none',
    time: 'day',
    skyless: true,
    accents: ['7fe8ff', '40a0ff', 'c0fff0'],
  },
  room: {
    keywords: ['room', 'bedroom', 'studio', 'apartment', 'interior', 'indoors', 'inside', 'window', 'kitchen', 'attic', 'club', 'dance floor', 'stage'],
    horizon: 1,
    layers: ['room'],
    ground: 'none',
    time: 'night',
    skyless: true,
    accents: ['ff3fb0', '40e0ff', 'ffd080'],
  },
  grid: {
    keywords: ['grid', 'synthwave', 'retrowave', 'outrun', 'vaporwave', 'cyber', 'cyberpunk', 'virtual', 'digital', 'laser', 'lasers', 'tron', 'arcade'],
    horizon: 0.55,
    layers: ['far-mountains'],
    ground: 'grid',
    time: 'night',
    accents: ['ff2fb0', '2fe0ff', 'ffe040'],
  },
};

// biome-ignore format: a data table, one entry per line
export const SUBJECTS: Record<SubjectId, { keywords: string[]; settingHint?: string }> = {
  figure: {
    keywords: ['figure', 'person', 'driver', 'rider', 'man', 'woman', 'girl', 'boy', 'stranger', 'wanderer', 'traveller', 'traveler', 'singer', 'astronaut', 'lover', 'lovers', 'silhouette', 'someone', 'walker', 'walking', 'kid', 'child'],
  },
  car: {
    keywords: ['car', 'cars', 'convertible', 'taxi', 'truck', 'motorcycle', 'bike', 'vehicle', 'chrome car', 'drive', 'driving'],
  },
  boat: {
    keywords: ['boat', 'paper boat', 'ship', 'sailboat', 'sail', 'canoe', 'raft', 'yacht', 'ferry', 'vessel'],
    settingHint: 'coast',
  },
  birds: {
    keywords: ['bird', 'birds', 'flock', 'gulls', 'seagulls', 'crows', 'swallows', 'doves', 'wings', 'flying'],
  },
  lanterns: {
    keywords: ['lantern', 'lanterns', 'fireflies', 'firefly', 'candles', 'candle', 'orbs', 'glow', 'sparks'],
  },
  train: { keywords: ['train', 'trains', 'railway', 'subway', 'metro', 'tram', 'locomotive'] },
  dancer: { keywords: ['dancer', 'dancers', 'dancing', 'dance', 'dances', 'ballerina', 'party', 'rave'] },
};

// biome-ignore format: a data table, one entry per line
export const CAMERAS: Record<CameraId, { keywords: string[] }> = {
  push: {
    keywords: ['push-in', 'push in', 'dolly in', 'zoom in', 'zoom', 'close-up', 'closeup', 'approach', 'rapid push-in'],
  },
  pan: { keywords: ['pan', 'panning', 'whip pan', 'sweep', 'gentle pan', 'panorama'] },
  track: {
    keywords: ['tracking', 'track', 'dolly', 'following', 'travelling', 'traveling', 'glide', 'gliding', 'drive', 'driving', 'drifting', 'passing'],
  },
  aerial: {
    keywords: ['aerial', 'drone', "bird's-eye", 'overhead', 'crane', 'crane up', 'flyover', 'flying over', 'rising'],
  },
  orbit: { keywords: ['orbit', 'orbiting', 'circling', 'around', 'spin', 'spinning', 'revolving'] },
  static: { keywords: ['static', 'locked-off', 'still frame', 'tripod', 'locked off'] },
};

/** Mood words that pick a time of day or weather when the prompt names none. */
// biome-ignore format: a data table, one entry per line
export const MOOD_TIMES: Array<{ keywords: string[]; time: TimeId }> = [
  { keywords: ['dreamy', 'warm', 'nostalgic', 'wistful', 'romantic'], time: 'golden' },
  { keywords: ['melancholy', 'sad', 'lonely', 'blue', 'moody'], time: 'dusk' },
  { keywords: ['hopeful', 'fresh', 'awakening', 'new'], time: 'dawn' },
  { keywords: ['dark', 'eerie', 'mysterious', 'neon', 'club', 'glowing'], time: 'night' },
];

/** An abstract fallback when nothing in the prompt is recognisable: soft hills of light under a sky. */
export const FALLBACK_SETTING: SettingEntry = {
  keywords: [],
  horizon: 0.66,
  layers: ['far-mountains', 'hills'],
  ground: 'water',
  time: 'dusk',
  subject: 'lanterns',
  accents: ['ffb8d0', '9ad0ff', 'ffe0a0'],
};

export type ShotKindId = 'wide' | 'medium' | 'close' | 'low' | 'high' | 'detail';

/**
 * How a shot frames the scene, so consecutive shots of one theme do not repeat one composition: a base zoom,
 * where the horizon sits (added to the setting's, as a share of the height: + lower, more sky), and how big
 * the subject is drawn. The prompt's framing words pick one; otherwise the shot's number or seed does.
 */
// biome-ignore format: a data table, one entry per line
export const SHOT_KINDS: Record<ShotKindId, { keywords: string[]; zoom: number; horizon: number; subject: number }> = {
  wide: { keywords: ['wide', 'establishing', 'vista', 'panorama', 'long shot'], zoom: 1, horizon: 0, subject: 1 },
  medium: { keywords: ['medium', 'mid-shot', 'mid shot', 'two-shot'], zoom: 1.12, horizon: 0.06, subject: 1.4 },
  close: { keywords: ['extreme close-up', 'close-up', 'closeup', 'close', 'tight', 'portrait'], zoom: 1.2, horizon: 0.1, subject: 2 },
  low: { keywords: ['low-angle', 'low angle', 'worm', 'looking up', 'towering'], zoom: 1.05, horizon: 0.2, subject: 1.5 },
  high: { keywords: ['aerial', 'overhead', "bird's-eye", 'drone', 'high angle', 'top-down', 'from above'], zoom: 1, horizon: -0.22, subject: 0.8 },
  detail: { keywords: ['detail', 'telephoto', 'insert', 'macro'], zoom: 1.55, horizon: 0.04, subject: 1 },
};
