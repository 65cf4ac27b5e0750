/**
 * fal.ai video models: each model's endpoints, how a clip request maps onto its input, and its limits.
 *
 * Endpoints, enums and prices are from fal's model pages as read on 2026-11-24. fal changes them: users must keep
 * them current (override any field in config `providers.fal.models.<id>`, or add a model there).
 */
import { type CatalogueSpec, openModelPromptStyle, type PromptStyle } from '@beatframe/core';

export interface FalModel {
  /** Endpoint id for text-to-video. */
  textToVideo: string;
  /** Endpoint id for image-to-video (takes `image_url`), when the model has one. */
  imageToVideo?: string;
  /** Clip lengths the model takes, seconds. */
  durations: number[];
  /**
   * How the length is sent: `string` → `duration: "5"` (Kling, Seedance, Hailuo enums), `number` → `duration: 5`,
   * `frames` → `num_frames` at `fps` (Wan).
   */
  duration: 'string' | 'number' | 'frames';
  fps?: number;
  /** Output sizes and the inputs that select each (`aspect_ratio`, `resolution`). */
  sizes: Record<string, Record<string, string>>;
  /** The image-to-video endpoint takes its framing from the image: the size inputs are not sent. */
  imageSetsFraming?: boolean;
  negativePrompt: boolean;
  /** Fixed inputs sent with every request (e.g. `prompt_optimizer: false`, so our prompts are used as written). */
  extra?: Record<string, unknown>;
  /** USD per second of video; `perSecondBySize` where the price depends on resolution. */
  perSecond: number;
  perSecondBySize?: Record<string, number>;
  maxPromptChars: number;
  audio: boolean;
  /** How the model wants its prompt written (crew `adaptPrompt`). */
  promptStyle?: PromptStyle;
}

/**
 * A silent open model (Kling, Wan, Seedance, Hailuo) on fal: its text- and image-to-video endpoints under `base`,
 * and the open models' prompt style within its prompt limit, what to avoid going to its negative_prompt input when
 * it has one.
 */
function openModel(
  base: string,
  m: Omit<FalModel, 'textToVideo' | 'imageToVideo' | 'audio' | 'promptStyle'>,
  maxWords: number,
): FalModel {
  return {
    textToVideo: `${base}/text-to-video`,
    imageToVideo: `${base}/image-to-video`,
    ...m,
    audio: false,
    promptStyle: openModelPromptStyle(m.maxPromptChars, m.negativePrompt, maxWords),
  };
}

export const FAL_MODELS: Record<string, FalModel> = {
  'kling-2.5-turbo-pro': openModel(
    'fal-ai/kling-video/v2.5-turbo/pro',
    {
      durations: [5, 10],
      duration: 'string',
      sizes: {
        '1920x1080': { aspect_ratio: '16:9' },
        '1080x1920': { aspect_ratio: '9:16' },
        '1440x1440': { aspect_ratio: '1:1' },
      },
      imageSetsFraming: true,
      negativePrompt: true,
      perSecond: 0.07,
      maxPromptChars: 2500,
    },
    80,
  ),
  'wan-2.2': openModel(
    'fal-ai/wan/v2.2-a14b',
    {
      durations: [5],
      duration: 'frames',
      fps: 16,
      sizes: {
        '1280x720': { aspect_ratio: '16:9', resolution: '720p' },
        '720x1280': { aspect_ratio: '9:16', resolution: '720p' },
        '854x480': { aspect_ratio: '16:9', resolution: '480p' },
        '480x854': { aspect_ratio: '9:16', resolution: '480p' },
      },
      negativePrompt: true,
      perSecond: 0.08,
      perSecondBySize: { '854x480': 0.04, '480x854': 0.04 },
      maxPromptChars: 2000,
    },
    120,
  ),
  'seedance-1-pro': openModel(
    'fal-ai/bytedance/seedance/v1/pro',
    {
      durations: [5, 10],
      duration: 'string',
      sizes: {
        '1920x1080': { aspect_ratio: '16:9', resolution: '1080p' },
        '1080x1920': { aspect_ratio: '9:16', resolution: '1080p' },
        '1280x720': { aspect_ratio: '16:9', resolution: '720p' },
        '720x1280': { aspect_ratio: '9:16', resolution: '720p' },
      },
      negativePrompt: false,
      perSecond: 0.124,
      perSecondBySize: { '1280x720': 0.06, '720x1280': 0.06 },
      maxPromptChars: 2000,
    },
    100,
  ),
  'hailuo-02': openModel(
    'fal-ai/minimax/hailuo-02/standard',
    {
      durations: [6, 10],
      duration: 'string',
      sizes: { '1366x768': {} },
      negativePrompt: false,
      extra: { prompt_optimizer: false },
      perSecond: 0.045,
      maxPromptChars: 2000,
    },
    100,
  ),
};

/** The catalogue the config amends (a partial entry amends a known model; a full one adds one). */
export const FAL_CATALOGUE: CatalogueSpec<FalModel> = {
  models: FAL_MODELS,
  defaultModel: 'kling-2.5-turbo-pro',
  configKey: 'providers.fal.models',
  // A new endpoint needs at least its endpoint, durations and sizes; the rest defaults.
  newEntry: (o) =>
    o.textToVideo && o.durations && o.sizes
      ? ({
          duration: 'string',
          negativePrompt: false,
          perSecond: 0,
          maxPromptChars: 2000,
          audio: false,
          ...o,
        } as FalModel)
      : undefined,
};

/** The model's input for one clip, as its endpoint's schema wants it. */
export function inputFor(
  m: FalModel,
  req: { prompt: string; seconds: number; size: string; negativePrompt?: string; seed?: number },
  imageUrl?: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = { prompt: req.prompt, ...(m.extra ?? {}) };
  if (m.duration === 'string') input.duration = String(req.seconds);
  else if (m.duration === 'number') input.duration = req.seconds;
  else {
    const fps = m.fps ?? 16;
    input.num_frames = Math.round(req.seconds * fps) + 1;
    input.frames_per_second = fps;
  }
  if (!(imageUrl && m.imageSetsFraming)) Object.assign(input, m.sizes[req.size] ?? {});
  if (imageUrl) input.image_url = imageUrl;
  if (req.negativePrompt && m.negativePrompt) input.negative_prompt = req.negativePrompt;
  if (req.seed !== undefined) input.seed = req.seed;
  return input;
}
