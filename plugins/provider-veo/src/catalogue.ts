/**
 * What each Google video model accepts through the Gemini API, and what it costs.
 *
 * Prices are USD per second of generated video, taken from Google's Gemini API pricing and Veo pages as read on
 * 2026-11-24. They change: users must keep them current (override in config `providers.veo.models.<id>.perSecond`).
 */
import { type CatalogueSpec, type PromptStyle, veoPromptStyle } from '@beatframe/core';

export type VeoAspect = '16:9' | '9:16';
export type VeoResolution = '720p' | '1080p' | '4k';

export interface VeoModel {
  /** Clip lengths the model takes, seconds. */
  durations: number[];
  aspects: VeoAspect[];
  resolutions: VeoResolution[];
  /** Lengths allowed above 720p or with a last frame / reference images (Veo 3.1 takes only 8 s then). */
  conditionedDurations?: number[];
  /** The clip carries generated sound (Veo 3.x and Omni always do in the Gemini API). */
  audio: boolean;
  firstFrame: boolean;
  lastFrame: boolean;
  /** How many reference ("asset") images it takes; 0 for none. */
  maxReferenceImages: number;
  /** USD per second at 720p (sound included: the Gemini API always makes it). */
  perSecond: number;
  /** USD per second at other resolutions, where it differs. */
  perSecondByResolution?: Partial<Record<VeoResolution, number>>;
  maxPromptChars: number;
  /** How the model wants its prompt written (crew `adaptPrompt`). */
  promptStyle?: PromptStyle;
}

/**
 * A Veo 3.1 model as the Gemini API serves it: 4, 6 or 8 s (8 s only above 720p or with a last frame or
 * references), both aspects, sound, first and last frames, 4096 prompt characters in Veo's prompt style.
 */
function veo31(
  resolutions: VeoResolution[],
  maxReferenceImages: number,
  perSecond: number,
  perSecondByResolution: VeoModel['perSecondByResolution'],
): VeoModel {
  return {
    durations: [4, 6, 8],
    aspects: ['16:9', '9:16'],
    resolutions,
    conditionedDurations: [8],
    audio: true,
    firstFrame: true,
    lastFrame: true,
    maxReferenceImages,
    perSecond,
    perSecondByResolution,
    maxPromptChars: 1024 * 4,
    promptStyle: veoPromptStyle(1024 * 4),
  };
}

/** The catalogue as of 2026-11-24 (user-maintained; config overrides any field, or adds models). */
export const VEO_MODELS: Record<string, VeoModel> = {
  'veo-3.1-generate-preview': veo31(['720p', '1080p', '4k'], 3, 0.4, { '4k': 0.6 }),
  'veo-3.1-fast-generate-preview': veo31(['720p', '1080p', '4k'], 3, 0.1, { '1080p': 0.12, '4k': 0.3 }),
  'veo-3.1-lite-generate-preview': veo31(['720p', '1080p'], 0, 0.05, { '1080p': 0.08 }),
  'gemini-omni-flash-preview': {
    durations: [3, 4, 5, 6, 7, 8, 9, 10],
    aspects: ['16:9', '9:16'],
    resolutions: ['720p'],
    audio: true,
    firstFrame: true,
    lastFrame: false,
    maxReferenceImages: 5,
    perSecond: 0.1,
    maxPromptChars: 2000,
    promptStyle: veoPromptStyle(2000),
  },
};

const SIZES: Record<VeoResolution, Record<VeoAspect, string>> = {
  '720p': { '16:9': '1280x720', '9:16': '720x1280' },
  '1080p': { '16:9': '1920x1080', '9:16': '1080x1920' },
  '4k': { '16:9': '3840x2160', '9:16': '2160x3840' },
};

/** The pixel sizes a model makes, as WIDTHxHEIGHT. */
export function sizesOf(model: VeoModel): string[] {
  return model.resolutions.flatMap((r) => model.aspects.map((a) => SIZES[r][a]));
}

/** The API's aspectRatio and resolution for a pixel size. */
export function paramsOfSize(
  size: string,
): { aspectRatio: VeoAspect; resolution: VeoResolution } | undefined {
  for (const [resolution, byAspect] of Object.entries(SIZES) as Array<
    [VeoResolution, Record<VeoAspect, string>]
  >)
    for (const [aspectRatio, s] of Object.entries(byAspect) as Array<[VeoAspect, string]>)
      if (s === size) return { aspectRatio, resolution };
  return undefined;
}

/** The catalogue the config amends (a partial entry amends a known model; a new one starts from the default's). */
export const VEO_CATALOGUE: CatalogueSpec<VeoModel> = {
  models: VEO_MODELS,
  defaultModel: 'veo-3.1-fast-generate-preview',
  configKey: 'providers.veo.models',
};
