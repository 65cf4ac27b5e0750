import {
  type ImageProvider,
  modelCatalogue,
  nearestAspectSize,
  ProviderError,
  referencesWithin,
  vendorAccess,
  vendorLimits,
} from '@beatframe/core';
import { readReferenceImage, saveStill, stillOfJob } from '@beatframe/media';
import type { GenerateContentResponse, Part } from '@google/genai';
import { geminiClient } from './client.js';
import { toProviderError } from './errors.js';
import { GEMINI_CONNECTION } from './settings.js';

/**
 * Gemini's image models through generateContent (`models.generateImages` is Imagen, Vertex-only in SDK 2.32).
 * Prices are USD per generated image from Google's Gemini API pricing as read on 2026-11-24 (output tokens per
 * image × the output token price), plus what each input image costs; user-maintained (config
 * `providers.veo.imageModels.<id>`).
 */
export interface GeminiImageModel {
  /** Aspect ratio → the size it comes out at. */
  sizes: Record<string, string>;
  maxReferenceImages: number;
  perImage: number;
  perReferenceImage: number;
  maxPromptChars: number;
}

const SIZES_1K: Record<string, string> = {
  '1:1': '1024x1024',
  '2:3': '832x1248',
  '3:2': '1248x832',
  '3:4': '864x1184',
  '4:3': '1184x864',
  '4:5': '896x1152',
  '5:4': '1152x896',
  '9:16': '768x1344',
  '16:9': '1344x768',
  '21:9': '1536x672',
};

export const GEMINI_IMAGE_MODELS: Record<string, GeminiImageModel> = {
  // 1290 output tokens at $30 / 1M; an input image is 258 tokens at $0.30 / 1M. Google: best with up to 3 inputs.
  'gemini-2.5-flash-image': {
    sizes: SIZES_1K,
    maxReferenceImages: 3,
    perImage: 0.039,
    perReferenceImage: 0.0001,
    maxPromptChars: 8000,
  },
  // 1K/2K image $0.134; an input image 560 tokens at $2 / 1M; up to 14 reference images.
  'gemini-3-pro-image-preview': {
    sizes: SIZES_1K,
    maxReferenceImages: 14,
    perImage: 0.134,
    perReferenceImage: 0.0011,
    maxPromptChars: 8000,
  },
};
/** finishReasons that mean the filters withheld the picture (as opposed to a glitch worth retrying). */
const REFUSED = /SAFETY|PROHIBITED|BLOCKLIST|SPII|RECITATION/;

export interface GeminiImageSettings {
  model?: string;
  imageModels?: Record<string, Partial<GeminiImageModel>>;
  baseUrl?: string;
  apiKeyEnv?: string;
  baseUrlEnv?: string;
  timeoutMs?: number;
  concurrency?: number;
  rpm?: number;
  name?: string;
}

export function createGeminiImageProvider(settings: GeminiImageSettings = {}): ImageProvider {
  const name = settings.name ?? 'veo';
  const access = vendorAccess(name, settings, GEMINI_CONNECTION, toProviderError, geminiClient(settings));
  const { conn, client } = access;
  const { apiKeyEnv } = conn;
  const { models, modelOf, def, entryOf } = modelCatalogue(
    name,
    { model: settings.model, models: settings.imageModels },
    {
      models: GEMINI_IMAGE_MODELS,
      defaultModel: 'gemini-2.5-flash-image',
      configKey: 'providers.veo.imageModels',
    },
  );

  async function referencePart(path: string): Promise<Part> {
    const { bytes, mimeType } = await readReferenceImage(path);
    return { inlineData: { mimeType, data: bytes.toString('base64') } };
  }

  return {
    name,
    aliases: name === 'veo' ? ['google', 'gemini'] : [],
    description:
      'Gemini image models (gemini-2.5-flash-image, gemini-3-pro-image-preview) through generateContent (official @google/genai SDK); paid per image, needs GEMINI_API_KEY',
    capabilities: {
      models,
      sizes: Object.values(def.sizes),
      maxReferenceImages: def.maxReferenceImages,
      seed: true,
      maxPromptChars: def.maxPromptChars,
      usdFor: (req) => {
        const m = entryOf(req.model);
        const n = req.referenceImagePaths?.length ?? 0;
        return Number((m.perImage + n * m.perReferenceImage).toFixed(4));
      },
      ...vendorLimits(settings),
    },
    status: conn.status,

    async generate(req, dest, ctx) {
      const [model, m] = modelOf(req.model);
      const label = `${name} ${model}`;
      const refs = referencesWithin(req, m.maxReferenceImages, label);
      const size = nearestAspectSize(req.size, Object.values(m.sizes));
      const aspectRatio = Object.entries(m.sizes).find(([, s]) => s === size)![0];
      const ai = client(ctx); // a missing key fails here, before reading any file
      const parts = await Promise.all(refs.map(referencePart));
      const text = `${req.prompt}${req.negativePrompt ? `\nAvoid: ${req.negativePrompt}` : ''}`.slice(
        0,
        m.maxPromptChars,
      );
      const host = conn.hostOf(ctx);
      let res: GenerateContentResponse;
      try {
        res = await ai.models.generateContent({
          model,
          // The words first, then the references: Google's examples put the instruction beside the images.
          contents: [{ role: 'user', parts: [{ text }, ...parts] }],
          config: {
            responseModalities: ['IMAGE'],
            imageConfig: { aspectRatio },
            ...(req.seed !== undefined ? { seed: req.seed } : {}),
            ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
          },
        });
      } catch (err) {
        throw toProviderError(err, { what: 'generating the image', model, host, apiKeyEnv });
      }
      const blocked = res.promptFeedback?.blockReason;
      if (blocked)
        throw new ProviderError(
          'content-policy',
          `Google's safety filters refused the image prompt (${blocked})`,
          {
            code: String(blocked),
          },
        );
      const candidate = res.candidates?.[0];
      const data = candidate?.content?.parts?.find((p) => p.inlineData?.data)?.inlineData?.data;
      if (!data) {
        const reason = String(candidate?.finishReason ?? 'none');
        if (REFUSED.test(reason))
          throw new ProviderError(
            'content-policy',
            `Google's safety filters withheld the image (${reason})`,
            {
              code: reason,
            },
          );
        throw new ProviderError('retryable', `${label} answered without an image (finishReason ${reason})`);
      }
      const got = await saveStill(Buffer.from(data, 'base64'), dest, label);
      const costUsd = Number((m.perImage + refs.length * m.perReferenceImage).toFixed(4));
      ctx.logger.info(
        { dest, model, aspectRatio, refs: refs.length, purpose: req.purpose },
        'image generated',
      );
      return stillOfJob(req, dest, got, {
        provider: name,
        model,
        ...(res.responseId ? { jobId: res.responseId } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        costUsd,
      });
    },
  };
}
