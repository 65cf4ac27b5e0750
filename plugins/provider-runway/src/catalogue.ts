/**
 * Runway's video models as @runwayml/sdk 4.20 enumerates them: lengths, ratios (Runway's `ratio` is the output
 * resolution, "1280:720"), which endpoints take them, and prices.
 *
 * Prices are USD per second (Runway bills credits at $0.01 each), from Runway's API pricing page as read on
 * 2026-11-24. They change: users must keep them current (config `providers.runway.models.<id>.perSecond`).
 */
import { type CatalogueSpec, type PromptStyle, veoPromptStyle } from '@beatframe/core';

export interface RunwayModel {
  /** Clip lengths the model takes, seconds. */
  durations: number[];
  /** Output sizes ("1280x720") for text-to-video; empty when the model needs a start image. */
  textSizes: string[];
  /** Output sizes for image-to-video; absent when the model takes no image. */
  imageSizes?: string[];
  /** It can end on a given last frame (`promptImage: [{position: 'first'}, {position: 'last'}]`). */
  lastFrame: boolean;
  /** It generates sound; `audio: false` can be asked for where `audioSwitch` is set. */
  audio: boolean;
  audioSwitch?: boolean;
  negativePrompt: boolean;
  perSecond: number;
  /** Price per second without sound, for models that price it lower. */
  perSecondSilent?: number;
  maxPromptChars: number;
  /** How the model wants its prompt written (crew `adaptPrompt`). */
  promptStyle?: PromptStyle;
}

/**
 * Runway's Gen-4 prompting guide (help.runwayml.com): simple prompts that describe the motion (subject motion, camera
 * motion, scene motion, then style), positive phrasing only (a negative prompt draws what it names), and no negative
 * field; the API takes up to 1000 characters.
 */
const GEN4_STYLE: PromptStyle = {
  maxChars: 1000,
  maxWords: 90,
  cameraTerms: true,
  negative: 'none',
  order: ['subject', 'camera', 'mood', 'setting', 'style', 'motif'],
  form: 'prose',
};

const GEN4_IMAGE = ['1280x720', '720x1280', '1104x832', '832x1104', '960x960', '1584x672'];
const VEO = ['1280x720', '720x1280', '1920x1080', '1080x1920'];

/** A Gen-4 model: silent, no last frame or negative prompt, the Gen-4 image sizes and prompt style. */
const gen4 = (durations: number[], textSizes: string[], perSecond: number): RunwayModel => ({
  durations,
  textSizes,
  imageSizes: GEN4_IMAGE,
  lastFrame: false,
  audio: false,
  negativePrompt: false,
  perSecond,
  maxPromptChars: 1000,
  promptStyle: GEN4_STYLE,
});

/**
 * Veo 3.1 through Runway: 4, 6 or 8 s, first and last frames, sound that can be switched off (for less), its
 * negative prompt field, and Google's prompt style within Runway's 1000 characters.
 */
const veo31 = (perSecond: number, perSecondSilent: number): RunwayModel => ({
  durations: [4, 6, 8],
  textSizes: VEO,
  imageSizes: VEO,
  lastFrame: true,
  audio: true,
  audioSwitch: true,
  negativePrompt: true,
  perSecond,
  perSecondSilent,
  maxPromptChars: 1000,
  promptStyle: veoPromptStyle(1000, 150),
});

export const RUNWAY_MODELS: Record<string, RunwayModel> = {
  'gen4.5': gen4([2, 3, 4, 5, 6, 7, 8, 9, 10], ['1280x720', '720x1280'], 0.12),
  gen4_turbo: gen4([5, 10], [], 0.05),
  'veo3.1': veo31(0.4, 0.2),
  'veo3.1_fast': veo31(0.15, 0.1),
};

/** The catalogue the config amends (a partial entry amends a known model; a new one starts from the default's). */
export const RUNWAY_CATALOGUE: CatalogueSpec<RunwayModel> = {
  models: RUNWAY_MODELS,
  defaultModel: 'gen4.5',
  configKey: 'providers.runway.models',
};

/** Runway's `ratio` for a pixel size: "1280x720" → "1280:720". */
export const ratioOf = (size: string) => size.replace('x', ':');
