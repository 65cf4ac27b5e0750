import type { CatalogueSpec } from '@beatframe/core';
import { z } from 'zod';

/**
 * OpenAI's GPT image models through the Images API. Prices are USD per image at 1024x1024 (`square`) and at
 * 1536x1024 / 1024x1536 (`other`) for each quality, from OpenAI's pricing page as read on 2026-12-02 (gpt-image-2's
 * are estimates from its token prices: it is billed per token); `perReferenceImage` estimates the input-image tokens
 * of one reference (high input fidelity costs more). gpt-image-1 is absent: OpenAI shut it down on 2026-10-23 (the
 * SDK's ImageModel type says so). User-maintained: override or add models in config
 * `providers["openai-videos"].imageModels.<id>`.
 */
const Prices = z.object({ square: z.number().nonnegative(), other: z.number().nonnegative() });

export const OpenAIImageModel = z.object({
  /** The sizes it makes; a request gets the one nearest in aspect. */
  sizes: z.array(z.string().regex(/^\d+x\d+$/)).min(1),
  prices: z.object({ low: Prices, medium: Prices, high: Prices }),
  /** Images one edit takes (the API: up to 16). */
  maxReferenceImages: z.number().int().nonnegative(),
  perReferenceImage: z.number().nonnegative(),
  /** `input_fidelity` sent with references (high keeps faces; mini takes low only; gpt-image-2 none). */
  inputFidelity: z.enum(['high', 'low']).optional(),
  maxPromptChars: z.number().int().positive(),
});
export type OpenAIImageModel = z.infer<typeof OpenAIImageModel>;
export type ImageQuality = keyof OpenAIImageModel['prices'];

const STANDARD_SIZES = ['1536x1024', '1024x1536', '1024x1024'];

export const OPENAI_IMAGE_MODELS: Record<string, OpenAIImageModel> = {
  'gpt-image-1.5': {
    sizes: STANDARD_SIZES,
    prices: {
      low: { square: 0.009, other: 0.013 },
      medium: { square: 0.034, other: 0.05 },
      high: { square: 0.133, other: 0.2 },
    },
    maxReferenceImages: 16,
    // About 4,000 image input tokens at $8 / 1M with input_fidelity high.
    perReferenceImage: 0.033,
    inputFidelity: 'high',
    maxPromptChars: 32000,
  },
  'gpt-image-1-mini': {
    sizes: STANDARD_SIZES,
    prices: {
      low: { square: 0.005, other: 0.006 },
      medium: { square: 0.011, other: 0.015 },
      high: { square: 0.036, other: 0.052 },
    },
    maxReferenceImages: 16,
    // About 800 image input tokens at $2.50 / 1M (low fidelity: the only one it takes).
    perReferenceImage: 0.002,
    inputFidelity: 'low',
    maxPromptChars: 32000,
  },
  // Any size in multiples of 16: true 16:9 and 9:16 frames, so nothing is cropped for the video.
  'gpt-image-2': {
    sizes: ['1536x864', '864x1536', '1024x1024'],
    prices: {
      low: { square: 0.006, other: 0.008 },
      medium: { square: 0.053, other: 0.067 },
      high: { square: 0.211, other: 0.267 },
    },
    maxReferenceImages: 16,
    // References are always read at high fidelity: about 4,000 tokens at $8 / 1M.
    perReferenceImage: 0.033,
    maxPromptChars: 32000,
  },
};
/** The image catalogue the config amends (a new model starts from the default's entry). */
export const OPENAI_IMAGE_CATALOGUE: CatalogueSpec<OpenAIImageModel> = {
  models: OPENAI_IMAGE_MODELS,
  defaultModel: 'gpt-image-1.5',
  configKey: 'providers["openai-videos"].imageModels',
};

/** USD for one image of `size` at `quality`, with `references` input images. */
export function openAIImageUsd(
  m: OpenAIImageModel,
  size: string,
  quality: ImageQuality,
  references: number,
): number {
  const [w, h] = size.split('x');
  const row = m.prices[quality];
  return Number(((w === h ? row.square : row.other) + references * m.perReferenceImage).toFixed(4));
}
