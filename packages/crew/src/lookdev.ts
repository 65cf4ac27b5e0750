import {
  type Character,
  type CharacterSheet,
  digestOf,
  mulberry32,
  type PluginContext,
  type StyleBible,
} from '@beatframe/core';

/**
 * Look development: a fixed, specific character sheet for each recurring person, so that every shot and every
 * reference still shows the same one. The heuristic crew writes sheets from seeded tables; an LLM's sheets are
 * checked field by field and repaired from those tables when a field is empty, a placeholder or vague.
 */

/** Words that make a phrase a person (a boat or a car gets no face, hair or wardrobe). */
const PERSON =
  /\b(man|woman|girl|boy|singer|figure|dancer|astronaut|couple|lovers|child|person|stranger|travell?er|runner|skater|courier|skateboarder|drummer|guitarist|rider|driver|kid|teen|teenager|rapper|artist|musician|poet|soldier|sailor|pilot|detective|hero|heroine)\b/i;

export function isPerson(phrase: string): boolean {
  return PERSON.test(phrase);
}

const AGES = ['about 19', 'about 24', 'about 28', 'about 33', 'about 41', 'about 56'];
const FACES = [
  'oval face, deep brown eyes, a small scar through the left eyebrow',
  'angular face, grey-green eyes, light freckles across the nose',
  'round face, deep-set hazel eyes, a gap between the front teeth',
  'long face, heavy-lidded brown eyes, a thin silver nose ring',
  'square jaw, pale grey eyes, a short brown stubble',
  'heart-shaped face, wide black eyes, a mole under the right eye',
];
const HAIR = [
  'shoulder-length black hair in a loose low braid',
  'cropped bleached-blond hair, shaved at the sides',
  'curly auburn hair to the jaw, parted on the left',
  'straight chestnut hair tied in a high ponytail',
  'tight black curls cut short',
  'wavy chestnut hair past the shoulders with a fringe',
];
const BUILDS = ['slim and tall', 'small and wiry', 'broad-shouldered, medium height', 'lean, long-limbed'];
const GARMENTS = [
  { wardrobe: 'a long {a} wool coat over a {b} turtleneck, indigo jeans and worn black boots', n: 2 },
  {
    wardrobe: 'a cropped {a} bomber jacket, a {b} hoodie underneath, cargo trousers and white trainers',
    n: 2,
  },
  { wardrobe: 'a loose {a} linen shirt, rolled sleeves, {b} trousers and brown leather sandals', n: 2 },
  { wardrobe: 'a fitted {a} leather jacket, a {b} T-shirt, black jeans and ankle boots', n: 2 },
];
const PROPS = [
  'a battered silver film camera on a strap',
  'a small brass compass on a cord',
  'a small leather notebook',
  'a pair of wired headphones on the collar',
  'an old cassette walkman',
  'a folded road atlas',
];

/** Palette words that name a wearable colour ("sodium orange" → "orange"), else a fallback. */
function wearable(colour: string | undefined, fallback: string): string {
  return (colour ?? fallback).trim().toLowerCase() || fallback;
}

/** A specific sheet for a person, from seeded tables; the same phrase and palette always give the same one. */
export function heuristicSheet(phrase: string, palette: string[], seed = digestOf(phrase)): CharacterSheet {
  const rand = mulberry32(Number.parseInt(seed.slice(0, 8), 16));
  const at = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length) % xs.length] as T;
  const a = wearable(palette[0], 'red');
  const b = wearable(palette[1], 'black');
  const g = at(GARMENTS);
  const young = /\b(young|girl|boy|teen|teenager|kid|child)\b/i.test(phrase);
  const old = /\b(old|elderly|grey|gray)\b/i.test(phrase);
  return {
    age: young ? at(AGES.slice(0, 3)) : old ? at(AGES.slice(4)) : at(AGES.slice(1, 5)),
    face: at(FACES),
    hair: at(HAIR),
    build: at(BUILDS),
    wardrobe: g.wardrobe.replace('{a}', a).replace('{b}', b),
    colours: [a, b],
    props: [at(PROPS)],
  };
}

/** The sheet as one sentence: what every prompt that shows the character carries, verbatim. */
export function sheetText(c: Character): string {
  const s = c.sheet;
  if (!s) return `${c.name}: ${c.description}`;
  const props = s.props.length ? `; carries ${s.props.join(' and ')}` : '';
  return `${c.name} (${c.description}): ${s.age} years old; ${s.face}; ${s.hair}; ${s.build}; wears ${s.wardrobe}${props}.`;
}

/** Values that are not a description: schema-valid placeholders an LLM may return. */
const PLACEHOLDER = /^(string|text|n\/?a|none|null|unknown|tbd|todo|\?+|-+|\.+|x+|\w)$/i;

/** What is wrong with each field of a sheet (empty, a placeholder, too vague), by field name. */
export function sheetProblems(s: Partial<Record<keyof CharacterSheet, unknown>>): string[] {
  const bad: string[] = [];
  for (const k of ['age', 'face', 'hair', 'build', 'wardrobe'] as const) {
    const v = s[k];
    if (typeof v !== 'string' || !v.trim() || PLACEHOLDER.test(v.trim()) || v.trim().length > 240)
      bad.push(k);
    // A face or wardrobe in one word says nothing a model can hold on to.
    else if ((k === 'face' || k === 'wardrobe' || k === 'hair') && v.trim().split(/\s+/).length < 3)
      bad.push(k);
  }
  if (
    typeof s.age === 'string' &&
    !bad.includes('age') &&
    !/\d|teen|twent|thirt|fort|fift|sixt|sevent|young|old/i.test(s.age)
  )
    bad.push('age');
  const colours = Array.isArray(s.colours)
    ? s.colours.filter((c) => typeof c === 'string' && c.trim() && !PLACEHOLDER.test(c.trim()))
    : [];
  if (!colours.length) bad.push('colours');
  return bad;
}

/**
 * Every person in the bible gets a valid sheet: kept when sound, repaired field by field, or replaced when
 * missing, each change a recorded decision. Returns the bible with sheets.
 */
export async function ensureCharacterSheets(
  bible: StyleBible,
  ctx: Pick<PluginContext, 'decisions' | 'logger'>,
  seed = '',
): Promise<StyleBible> {
  const characters: Character[] = [];
  for (const c of bible.characters) {
    const person = isPerson(`${c.description} ${c.name}`);
    if (!person) {
      characters.push(c);
      continue;
    }
    const fresh = heuristicSheet(
      c.description,
      bible.palette,
      digestOf(`${seed}|${c.name}|${c.description}`),
    );
    if (!c.sheet) {
      characters.push({ ...c, sheet: fresh });
      await note(ctx, `character sheet for ${c.name} written from the look tables (none given)`, c.name, []);
      continue;
    }
    const bad = sheetProblems(c.sheet);
    if (!bad.length) {
      characters.push({
        ...c,
        sheet: { ...c.sheet, props: c.sheet.props.filter((p) => !PLACEHOLDER.test(p.trim())) },
      });
      continue;
    }
    const sheet = { ...c.sheet } as CharacterSheet;
    for (const k of bad) (sheet as Record<string, unknown>)[k] = fresh[k as keyof CharacterSheet];
    sheet.props = (sheet.props ?? []).filter(
      (p) => typeof p === 'string' && p.trim() && !PLACEHOLDER.test(p.trim()),
    );
    // Half a sheet of placeholders is not a character: replace it whole, so its parts belong together.
    const replaced = bad.length >= 3;
    characters.push({ ...c, sheet: replaced ? fresh : sheet });
    await note(
      ctx,
      replaced
        ? `character sheet for ${c.name} replaced: ${bad.join(', ')} were empty or placeholders`
        : `character sheet for ${c.name} repaired: ${bad.join(', ')} rewritten from the look tables`,
      c.name,
      bad,
    );
  }
  return { ...bible, characters };
}

async function note(
  ctx: Pick<PluginContext, 'decisions' | 'logger'>,
  summary: string,
  name: string,
  fields: string[],
): Promise<void> {
  ctx.logger.info({ character: name, fields }, summary);
  await ctx.decisions?.record({
    role: 'lookdev',
    stage: 'plan',
    summary,
    output: { character: name, fields },
  });
}

/** The characters a shot shows: those its words name (by their phrase or name). */
export function charactersIn(text: string, bible: StyleBible): Character[] {
  const t = text.toLowerCase();
  return bible.characters.filter(
    (c) =>
      c.sheet &&
      (t.includes(c.description.toLowerCase()) ||
        new RegExp(`\\b${escapeRegExp(c.name.toLowerCase())}\\b`).test(t)),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A prompt that carries, verbatim, the sheet of every character the shot shows: the sheets first (subject first
 * is how video models weigh words), the rest of the prompt cut to the room left.
 */
export function withSheets(
  prompt: string,
  shotText: string,
  bible: StyleBible,
  maxChars: number,
  cut: (text: string, max: number) => string,
): string {
  const sheets = charactersIn(shotText, bible)
    .map(sheetText)
    .filter((s) => !prompt.includes(s));
  if (!sheets.length) return prompt;
  const head = sheets.join(' ');
  const room = maxChars - head.length - 1;
  if (room < 40) return cut(`${head} ${prompt}`, maxChars); // a tiny limit: keep what fits
  return `${head} ${cut(prompt, room)}`;
}
