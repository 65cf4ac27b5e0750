/**
 * What a theme sentence is about: its subject, setting, weather and time of day, read with a small vocabulary
 * (the same idea as the local scene catalogue). The planner keeps each of them in the storyboard and in every
 * shot where it belongs, so "a paper boat drifting through a rainy city" stays a boat, a city and rain.
 */
export interface ThemeParts {
  /** "a paper boat": the noun with the word before it when that word describes it. */
  subject?: string;
  /** "a rainy city", "a neon coastline". */
  setting?: string;
  /** The noun alone, to check that a prompt names it. */
  settingNoun?: string;
  weather?: string;
  time?: string;
}

const SUBJECTS = [
  'boat',
  'ship',
  'sailboat',
  'car',
  'cars',
  'truck',
  'motorcycle',
  'bike',
  'train',
  'dancer',
  'dancers',
  'birds',
  'bird',
  'lanterns',
  'lantern',
  'astronaut',
  'whale',
  'fish',
  'wolf',
  'horse',
  'fox',
  'deer',
  'butterfly',
  'balloon',
  'kite',
  'robot',
  'girl',
  'boy',
  'man',
  'woman',
  'couple',
  'lovers',
  'figure',
  'child',
  'singer',
  'band',
  'skater',
  'runner',
  'traveller',
  'traveler',
  'stranger',
  'ghost',
  'cat',
  'dog',
];
const SETTINGS = [
  'city',
  'street',
  'streets',
  'alley',
  'skyline',
  'coastline',
  'coast',
  'ocean',
  'sea',
  'beach',
  'shore',
  'harbour',
  'harbor',
  'highway',
  'road',
  'mountains',
  'mountain',
  'peaks',
  'forest',
  'woods',
  'jungle',
  'desert',
  'dunes',
  'space',
  'galaxy',
  'planet',
  'underwater',
  'reef',
  'room',
  'bedroom',
  'club',
  'studio',
  'grid',
  'lake',
  'river',
  'field',
  'fields',
  'island',
  'station',
  'rooftop',
  'bridge',
  'valley',
  'canyon',
  'garden',
  'park',
];
const WEATHER: Array<[RegExp, string]> = [
  [/\b(rain|rainy|raining|rainfall|drizzle|downpour|wet)\b/, 'rain'],
  [/\b(storm|stormy|thunder|thunderstorm|lightning)\b/, 'a thunderstorm'],
  [/\b(snow|snowy|snowing|snowfall|blizzard|winter)\b/, 'snow'],
  [/\b(fog|foggy|mist|misty|haze|hazy)\b/, 'fog'],
  [/\b(wind|windy|gale|gusts?)\b/, 'wind'],
];
const TIMES: Array<[RegExp, string]> = [
  [/\b(dawn|sunrise|daybreak|first light)\b/, 'dawn'],
  [/\b(sunset|sundown)\b/, 'sunset'],
  [/\bgolden hour\b/, 'golden hour'],
  [/\b(dusk|twilight|blue hour|nightfall)\b/, 'dusk'],
  [/\b(night|midnight|nighttime|moonlit|moonlight)\b/, 'night'],
  [/\b(noon|midday|daytime|sunny|afternoon)\b/, 'day'],
  [/\bmorning\b/, 'morning'],
];
/** Words that describe the noun after them rather than start a new idea. */
const NOT_ADJECTIVE = new Set(
  'a an the of in on at by to through along across under over into with from and or near like is are its their his her my your our this that these those drifting walking driving flying dancing running floating'.split(
    ' ',
  ),
);

function nounPhrase(words: string[], i: number): string {
  const before = words[i - 1];
  const noun = words[i] as string;
  const phrase = before && !NOT_ADJECTIVE.has(before) ? `${before} ${noun}` : noun;
  if (/s$/.test(noun) && !/ss$/.test(noun) && noun !== 'space') return phrase;
  if (noun === 'space' || noun === 'underwater') return phrase;
  return `${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** Reads a theme; every part is absent when the theme does not name it. */
export function themeParts(theme: string): ThemeParts {
  const text = theme.toLowerCase();
  const words = text.match(/[a-z][a-z'-]*/g) ?? [];
  const out: ThemeParts = {};
  const si = words.findIndex((w) => SUBJECTS.includes(w));
  if (si >= 0) out.subject = nounPhrase(words, si);
  // "a night drive" has a car in it even though it never says so.
  else if (/\bdriv(e|es|ing)\b/.test(text)) out.subject = 'a car';
  const pi = words.findIndex((w, i) => i !== si && SETTINGS.includes(w));
  if (pi >= 0) {
    out.setting = nounPhrase(words, pi);
    out.settingNoun = words[pi] as string;
  }
  const weather = WEATHER.find(([re]) => re.test(text));
  if (weather) out.weather = weather[1];
  const time = TIMES.find(([re]) => re.test(text));
  if (time) out.time = time[1];
  return out;
}

/** "a rainy city at night": the setting with the hour (the weather is its own clause, added per shot). */
export function themePlace(parts: ThemeParts): string | undefined {
  if (!parts.setting) return undefined;
  const hour = parts.time ? (parts.time === 'golden hour' ? ' at golden hour' : ` at ${parts.time}`) : '';
  return `${parts.setting}${hour}`;
}

/**
 * Adds to a shot description whatever of the theme it lacks: the setting, the weather and the hour. The
 * subject is added when `withSubject` (the first shot of each scene): a cutaway may leave it out.
 */
export function keepTheme(description: string, parts: ThemeParts, withSubject: boolean): string {
  const lower = description.toLowerCase();
  const has = (w: string | undefined) => !w || lower.includes(w.split(' ').at(-1) as string);
  const extra: string[] = [];
  if (withSubject && parts.subject && !has(parts.subject)) extra.push(`with ${parts.subject}`);
  if (parts.setting && !has(parts.settingNoun)) extra.push(`in ${themePlace(parts)}`);
  else if (parts.time && !has(parts.time)) extra.push(parts.time === 'day' ? 'by day' : `at ${parts.time}`);
  if (parts.weather && !has(parts.weather))
    extra.push(
      parts.weather === 'snow'
        ? 'snow falling'
        : parts.weather === 'rain'
          ? 'rain falling'
          : `in ${parts.weather}`,
    );
  return extra.length ? `${description}, ${extra.join(', ')}` : description;
}
