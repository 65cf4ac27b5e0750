import { type CatalogueSpec, openModelPromptStyle, PromptStyle } from '@beatframe/core';
import { z } from 'zod';

/**
 * Replicate video models: which model (official models run their latest version; `version` pins one), how a clip
 * request maps onto its input schema, and its limits. Model names, input enums and prices are from each model's
 * page on replicate.com as read on 2026-11-24; they change, so every field can be overridden in config
 * `providers.replicate.models.<id>` (and a full entry adds a model).
 */
export const ReplicateModel = z
  .object({
    /** `owner/name` of the text-to-video model. */
    model: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
    /** `owner/name` of its image-to-video sibling, when the image goes to another model. */
    imageModel: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name')
      .optional(),
    /** A version id (64 hex) to pin: the prediction runs exactly that version, not the latest. */
    version: z
      .string()
      .regex(/^[a-f0-9]{64}$/, 'a 64-character version id')
      .optional(),
    imageVersion: z
      .string()
      .regex(/^[a-f0-9]{64}$/, 'a 64-character version id')
      .optional(),
    durations: z.array(z.number().positive()).min(1),
    /** How the length is sent: `duration: 5`, or `num_frames` at `fps` (+1 frame, as Wan counts). */
    duration: z.enum(['seconds', 'frames']),
    fps: z.number().positive().optional(),
    /** Output sizes and the inputs that select each. */
    sizes: z.record(z.string().regex(/^\d+x\d+$/), z.record(z.string(), z.string())),
    /** The input that takes a start image (a data URI), when the model itself takes one. */
    imageInput: z.string().optional(),
    negativePrompt: z.boolean().default(false),
    extra: z.record(z.string(), z.unknown()).optional(),
    perSecond: z.number().nonnegative(),
    perSecondBySize: z.record(z.string(), z.number().nonnegative()).optional(),
    maxPromptChars: z.number().int().positive().default(2000),
    /** How the model wants its prompt written (crew `adaptPrompt`). */
    promptStyle: PromptStyle.optional(),
  })
  .strict();
export type ReplicateModel = z.infer<typeof ReplicateModel>;

const BY_ASPECT = (res: string, sizes: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(sizes).map(([size, aspect]) => [size, { resolution: res, aspect_ratio: aspect }]),
  );

/**
 * The open models' prompt style within Replicate's 2000 characters; none of the three takes a negative prompt here,
 * and naming what to avoid would draw it (Seedance's and MiniMax's guides ask for positive descriptions).
 */
const openModelStyle = (maxWords: number): PromptStyle => openModelPromptStyle(2000, false, maxWords);

export const REPLICATE_MODELS: Record<string, ReplicateModel> = {
  'wan-2.2-fast': {
    model: 'wan-video/wan-2.2-t2v-fast',
    imageModel: 'wan-video/wan-2.2-i2v-fast',
    durations: [5, 6, 7],
    duration: 'frames',
    fps: 16,
    sizes: {
      ...BY_ASPECT('480p', { '832x480': '16:9', '480x832': '9:16' }),
      ...BY_ASPECT('720p', { '1280x720': '16:9', '720x1280': '9:16' }),
    },
    imageInput: 'image',
    negativePrompt: false,
    extra: { go_fast: true },
    perSecond: 0.02,
    perSecondBySize: { '832x480': 0.01, '480x832': 0.01 },
    maxPromptChars: 2000,
    promptStyle: openModelStyle(120),
  },
  'seedance-1-lite': {
    model: 'bytedance/seedance-1-lite',
    durations: [5, 10],
    duration: 'seconds',
    sizes: {
      ...BY_ASPECT('480p', { '864x480': '16:9', '480x864': '9:16', '640x640': '1:1' }),
      ...BY_ASPECT('720p', { '1248x704': '16:9', '704x1248': '9:16', '960x960': '1:1' }),
    },
    imageInput: 'image',
    negativePrompt: false,
    extra: { fps: 24 },
    perSecond: 0.036,
    perSecondBySize: { '864x480': 0.018, '480x864': 0.018, '640x640': 0.018 },
    maxPromptChars: 2000,
    promptStyle: openModelStyle(100),
  },
  'hailuo-02': {
    model: 'minimax/hailuo-02',
    durations: [6, 10],
    duration: 'seconds',
    sizes: { '1366x768': { resolution: '768p' } },
    imageInput: 'first_frame_image',
    negativePrompt: false,
    extra: { prompt_optimizer: false },
    perSecond: 0.045,
    maxPromptChars: 2000,
    promptStyle: openModelStyle(100),
  },
};
/** The catalogue the config amends (a partial entry amends a known model; a full one adds one). */
export const REPLICATE_CATALOGUE: CatalogueSpec<ReplicateModel> = {
  models: REPLICATE_MODELS,
  defaultModel: 'wan-2.2-fast',
  configKey: 'providers.replicate.models',
  newEntry: (o) => ReplicateModel.parse(o),
};

/** The model's input for one clip, as its schema wants it. */
export function inputFor(
  m: ReplicateModel,
  req: { prompt: string; seconds: number; size: string; negativePrompt?: string; seed?: number },
  image?: string,
): Record<string, unknown> {
  const input: Record<string, unknown> = {
    prompt: req.prompt,
    ...(m.extra ?? {}),
    ...(m.sizes[req.size] ?? {}),
  };
  if (m.duration === 'seconds') input.duration = req.seconds;
  else {
    const fps = m.fps ?? 16;
    input.num_frames = Math.round(req.seconds * fps) + 1;
    input.frames_per_second = fps;
  }
  if (image && m.imageInput) input[m.imageInput] = image;
  if (req.negativePrompt && m.negativePrompt) input.negative_prompt = req.negativePrompt;
  if (req.seed !== undefined) input.seed = req.seed;
  return input;
}
