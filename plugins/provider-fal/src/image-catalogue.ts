import type { CatalogueSpec } from '@beatframe/core';
import { z } from 'zod';

/**
 * fal.ai image models: each model's endpoints, how a still request maps onto its input, and its price. Endpoints,
 * enums and prices are from fal's model pages as read on 2026-12-02; users keep them current (override any field in
 * config `providers.fal.imageModels.<id>`, or add a model there).
 */
export const FalImageModel = z.object({
  /** Endpoint id for text-to-image. */
  textToImage: z.string().min(1),
  /** Endpoint id that takes reference images (as `image_urls`), when the model has one. */
  edit: z.string().min(1).optional(),
  maxReferenceImages: z.number().int().nonnegative(),
  /** Output sizes and the inputs that select each (`image_size` preset or `{width, height}`). */
  sizes: z.record(z.string().regex(/^\d+x\d+$/), z.record(z.string(), z.unknown())),
  /** USD per image, or per megapixel (rounded up, as fal bills FLUX). */
  perImage: z.number().nonnegative().optional(),
  perMegapixel: z.number().nonnegative().optional(),
  /** Fixed inputs sent with every request (e.g. `output_format: "png"`, the safety checker on). */
  extra: z.record(z.string(), z.unknown()).optional(),
  seed: z.boolean(),
  maxPromptChars: z.number().int().positive(),
});
export type FalImageModel = z.infer<typeof FalImageModel>;

const FLUX_SIZES = {
  '1024x576': { image_size: 'landscape_16_9' },
  '576x1024': { image_size: 'portrait_16_9' },
  '1024x768': { image_size: 'landscape_4_3' },
  '768x1024': { image_size: 'portrait_4_3' },
  '1024x1024': { image_size: 'square_hd' },
};

export const FAL_IMAGE_MODELS: Record<string, FalImageModel> = {
  // Up to 10 reference images through its edit endpoint: the one for keeping a character from shot to shot.
  'seedream-4': {
    textToImage: 'fal-ai/bytedance/seedream/v4/text-to-image',
    edit: 'fal-ai/bytedance/seedream/v4/edit',
    maxReferenceImages: 10,
    sizes: {
      '1920x1080': { image_size: { width: 1920, height: 1080 } },
      '1080x1920': { image_size: { width: 1080, height: 1920 } },
      '1440x1440': { image_size: { width: 1440, height: 1440 } },
    },
    perImage: 0.03,
    extra: { enable_safety_checker: true },
    seed: true,
    maxPromptChars: 4000,
  },
  'flux-dev': {
    textToImage: 'fal-ai/flux/dev',
    maxReferenceImages: 0,
    sizes: FLUX_SIZES,
    perMegapixel: 0.025,
    extra: { output_format: 'png', enable_safety_checker: true },
    seed: true,
    maxPromptChars: 2000,
  },
  'flux-schnell': {
    textToImage: 'fal-ai/flux/schnell',
    maxReferenceImages: 0,
    sizes: FLUX_SIZES,
    perMegapixel: 0.003,
    extra: { output_format: 'png', enable_safety_checker: true },
    seed: true,
    maxPromptChars: 2000,
  },
};
/** The image catalogue the config amends; a new model needs at least its endpoint and sizes. */
export const FAL_IMAGE_CATALOGUE: CatalogueSpec<FalImageModel> = {
  models: FAL_IMAGE_MODELS,
  defaultModel: 'seedream-4',
  configKey: 'providers.fal.imageModels',
  newEntry: (o) =>
    o.textToImage && o.sizes
      ? ({ maxReferenceImages: 0, seed: false, maxPromptChars: 2000, ...o } as FalImageModel)
      : undefined,
};

/** USD for one image of `size` (a size from the model's table). */
export function falImageUsd(m: FalImageModel, size: string): number {
  const [w, h] = size.split('x').map(Number) as [number, number];
  const usd = m.perImage ?? (m.perMegapixel ?? 0) * Math.ceil((w * h) / 1_000_000);
  return Number(usd.toFixed(4));
}
