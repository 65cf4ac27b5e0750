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

/**
 * A GPT image model: up to 16 references and 32,000 prompt characters; its prices per quality as [1024x1024, the
 * others]; `perReferenceImage` estimates one reference's input tokens, `inputFidelity` is what it takes.
 */
function gptImage(
  sizes: string[],
  prices: Record<ImageQuality, [square: number, other: number]>,
  perReferenceImage: number,
  inputFidelity?: OpenAIImageModel['inputFidelity'],
): OpenAIImageModel {
  const row = ([square, other]: [number, number]) => ({ square, other });
  return {
    sizes,
    prices: { low: row(prices.low), medium: row(prices.medium), high: row(prices.high) },
    maxReferenceImages: 16,
    perReferenceImage,
    ...(inputFidelity ? { inputFidelity } : {}),
    maxPromptChars: 32000,
  };
}

export const OPENAI_IMAGE_MODELS: Record<string, OpenAIImageModel> = {
  // References: about 4,000 image input tokens at $8 / 1M with input_fidelity high.
  'gpt-image-1.5': gptImage(
    STANDARD_SIZES,
    { low: [0.009, 0.013], medium: [0.034, 0.05], high: [0.133, 0.2] },
    0.033,
    'high',
  ),
  // References: about 800 image input tokens at $2.50 / 1M (low fidelity: the only one it takes).
  'gpt-image-1-mini': gptImage(
    STANDARD_SIZES,
    { low: [0.005, 0.006], medium: [0.011, 0.015], high: [0.036, 0.052] },
    0.002,
    'low',
  ),
  // Any size in multiples of 16: true 16:9 and 9:16 frames, so nothing is cropped for the video. References are
  // always read at high fidelity: about 4,000 tokens at $8 / 1M.
  'gpt-image-2': gptImage(
    ['1536x864', '864x1536', '1024x1024'],
    { low: [0.006, 0.008], medium: [0.053, 0.067], high: [0.211, 0.267] },
    0.033,
  ),
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
