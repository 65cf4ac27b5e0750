import type { ProviderCapabilities } from './contracts.js';
import { InputError } from './errors.js';
import { aspectsOfSizes, vendorLimits } from './provider-helpers.js';
import type { PromptStyle } from './schemas/prompt-style.js';

/**
 * A provider's model catalogue lookup: `models` lists the default first, then the others; `modelOf` finds one
 * (the default when none is named) or throws an InputError naming the known ones and where to add more.
 */
export function catalogueLookup<M>(
  provider: string,
  catalogue: Record<string, M>,
  defaultModel: string,
  configKey: string,
): {
  models: string[];
  modelOf(id: string | undefined): [string, M];
  /** The default model's entry (what the capabilities declare). */
  def: M;
  /** The entry a model is priced and described by, without throwing: the default's for one no longer listed. */
  entryOf(id: string | undefined): M;
} {
  const models = [defaultModel, ...Object.keys(catalogue).filter((m) => m !== defaultModel)];
  const modelOf = (id: string | undefined): [string, M] => {
    const model = id ?? defaultModel;
    const m = catalogue[model];
    if (!m)
      throw new InputError(
        `${provider} does not know model ${model}; known: ${models.join(', ')} (add it under ${configKey})`,
      );
    return [model, m];
  };
  const [, def] = modelOf(defaultModel);
  return { models, modelOf, def, entryOf: (id) => catalogue[id ?? defaultModel] ?? def };
}

/** A plugin's built-in model catalogue, as data; `modelCatalogue` lays the config's entries over it. */
export interface CatalogueSpec<M> {
  models: Record<string, M>;
  /** The model used when neither the request nor the settings name one. */
  defaultModel: string;
  /** Where the config adds models (`providers.fal.models`), for the message naming an unknown one. */
  configKey: string;
  /**
   * A model the config adds, made from the fields it gives (undefined: too few to make one, so it is left out).
   * Unless given, the default model's entry with those fields laid over it.
   */
  newEntry?: (o: Partial<M>) => M | undefined;
}

/**
 * A catalogue-backed plugin's model lookup (`catalogueLookup`) over its built-in catalogue with the config's
 * entries laid over it: a known model takes the fields given, a new one is made by `spec.newEntry`. The default is
 * the settings' model, else the spec's.
 */
export function modelCatalogue<M>(
  provider: string,
  settings: { model?: string | undefined; models?: Record<string, Partial<M>> | undefined },
  spec: CatalogueSpec<M>,
): ReturnType<typeof catalogueLookup<M>> {
  const base = spec.models[spec.defaultModel] as M;
  const newEntry = spec.newEntry ?? ((o: Partial<M>) => ({ ...base, ...o }));
  const catalogue: Record<string, M> = { ...spec.models };
  for (const [id, o] of Object.entries(settings.models ?? {})) {
    const known = catalogue[id];
    const m = known ? { ...known, ...o } : newEntry(o);
    if (m) catalogue[id] = m;
  }
  return catalogueLookup(provider, catalogue, settings.model ?? spec.defaultModel, spec.configKey);
}

/** The prompt guide of the general-purpose video models (Wan, Kling, Seedance, Hailuo…): one plain shot. */
export const ONE_SHOT_PROMPT_GUIDE =
  'One shot per clip: subject, action, setting, camera move, lighting, style, in plain sentences; no real people or brands.';

/**
 * Prose prompts in the order the open video models weigh words: subject and action, setting, camera, look.
 * Kling's guide (subject, movement, scene, camera, lighting, atmosphere) and Wan's (subject, scene, motion, camera,
 * style) agree; a model with a negative_prompt input gets what to avoid there, the others none (Seedance and
 * Hailuo follow positive descriptions; naming what to avoid draws it). For their entries on any vendor.
 */
export function openModelPromptStyle(maxChars: number, negative: boolean, maxWords: number): PromptStyle {
  return {
    maxChars,
    maxWords,
    cameraTerms: true,
    negative: negative ? 'field' : 'none',
    order: ['subject', 'setting', 'camera', 'mood', 'style', 'motif'],
    form: 'prose',
  };
}

/**
 * Veo's prompt guide (ai.google.dev, "Veo prompt guide"): subject and action first, then context, camera and lens,
 * ambiance, style; it makes sound, so the prompt names what to hear, and what not to hear goes to `negativePrompt`
 * as plain nouns (the guide: describe what to exclude, without "no" or "don't"). A music video keeps the song:
 * ambient sound only, no music, no dialogue. 50-200 words is the guide's range; a vendor serving Veo may take
 * fewer characters (Runway: 1000) and so fewer words.
 */
export function veoPromptStyle(maxChars: number, maxWords = 200): PromptStyle {
  return {
    maxChars,
    maxWords,
    cameraTerms: true,
    negative: 'field',
    audio: {
      cue: 'Audio: only the quiet ambient sound of the place.',
      avoid: ['music', 'singing', 'dialogue', 'speech', 'voice-over'],
    },
    order: ['subject', 'setting', 'camera', 'mood', 'style', 'motif', 'audio'],
    form: 'prose',
  };
}

/**
 * The capabilities a catalogue-backed vendor plugin declares alike: the default model's lengths, sizes (and the
 * aspects they cover) and prompt limit, the models, the price, the vendor's limits, no remix, the one-shot prompt
 * guide unless another is given, and each model's prompt style from its entry. The plugin adds what its models
 * say otherwise (image-to-video, sound, last frames).
 */
export function catalogueCapabilities<
  M extends { durations: number[]; maxPromptChars: number; promptStyle?: PromptStyle | undefined },
>(
  catalogue: { models: string[]; def: M; entryOf(id: string | undefined): M },
  settings: { concurrency?: number | undefined; rpm?: number | undefined },
  sizes: string[],
  usdFor: ProviderCapabilities['usdFor'],
  promptGuide = ONE_SHOT_PROMPT_GUIDE,
): Omit<ProviderCapabilities, 'imageToVideo' | 'audio'> {
  const { models, def, entryOf } = catalogue;
  return {
    durations: def.durations,
    sizes,
    aspects: aspectsOfSizes(sizes),
    remix: false,
    maxPromptChars: def.maxPromptChars,
    models,
    usdFor,
    ...vendorLimits(settings),
    promptGuide,
    promptStyleOf: (model) => entryOf(model).promptStyle,
  };
}
