import { basename } from 'node:path';
import {
  type ImageProvider,
  modelCatalogue,
  nearestAspectSize,
  ProviderError,
  parsePluginSettings,
  referencesWithin,
  vendorAccess,
  vendorLimits,
} from '@beatframe/core';
import { readReferenceImage, saveStill, stillOfJob } from '@beatframe/media';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { openAIClient } from './client.js';
import { toProviderError } from './errors.js';
import { OPENAI_IMAGE_CATALOGUE, openAIImageUsd } from './image-catalogue.js';
import { OpenAIImageSettings } from './image-settings.js';
import { OPENAI_CONNECTION } from './settings.js';

/**
 * OpenAI's GPT image models through the official SDK: `images.generate` from text, `images.edit` (multipart, the
 * references as `image[]`) when the still must keep a character or a look. The API is synchronous (the image is
 * the response), so there is no job to store or resume. Settings come from config `providers["openai-videos"]`.
 */
export function createOpenAIImageProvider(raw: unknown = {}): ImageProvider {
  const s = parsePluginSettings(OpenAIImageSettings, raw, 'providers.openai-videos');
  const name = 'openai-images';
  // Images take longer than a video job's calls: 3 minutes by default.
  const { conn, client } = vendorAccess(
    name,
    s,
    OPENAI_CONNECTION,
    toProviderError,
    openAIClient(s, 180_000),
  );
  const { apiKeyEnv } = conn;
  const quality = s.imageQuality ?? 'medium';
  const { models, modelOf, def, entryOf } = modelCatalogue(
    name,
    { model: s.imageModel, models: s.imageModels },
    OPENAI_IMAGE_CATALOGUE,
  );

  async function referenceFile(path: string) {
    const { bytes, mimeType } = await readReferenceImage(path);
    return toFile(bytes, basename(path), { type: mimeType });
  }

  function usdFor(req: { size: string; model?: string; referenceImagePaths?: string[] }): number {
    const m = entryOf(req.model);
    const size = nearestAspectSize(req.size, m.sizes);
    return openAIImageUsd(m, size, quality, req.referenceImagePaths?.length ?? 0);
  }

  return {
    name,
    aliases: ['gpt-image'],
    description:
      'OpenAI GPT image models (gpt-image-1.5, gpt-image-1-mini, gpt-image-2) through the official openai SDK, references via image edits; paid per image, needs OPENAI_API_KEY',
    capabilities: {
      models,
      sizes: def.sizes,
      maxReferenceImages: def.maxReferenceImages,
      seed: false,
      maxPromptChars: def.maxPromptChars,
      usdFor,
      ...vendorLimits({ concurrency: s.imageConcurrency, rpm: s.imageRpm }, 5),
    },
    status: conn.status,

    async generate(req, dest, ctx) {
      const [model, m] = modelOf(req.model);
      const label = `${name} ${model}`;
      const refs = referencesWithin(req, m.maxReferenceImages, label);
      const size = nearestAspectSize(req.size, m.sizes);
      const c = client(ctx); // a missing key fails here, before reading any file
      const images = await Promise.all(refs.map(referenceFile));
      // The Images API has no negative prompt: the words to avoid go in the prompt.
      const prompt = `${req.prompt}${req.negativePrompt ? `\nAvoid: ${req.negativePrompt}` : ''}`.slice(
        0,
        m.maxPromptChars,
      );
      const common = { model, prompt, size, quality, output_format: 'png' as const, n: 1 };
      const opts = ctx.signal ? { signal: ctx.signal } : {};
      const host = conn.hostOf(ctx);
      let res: OpenAI.Images.ImagesResponse;
      let requestId: string | null = null;
      try {
        ({ data: res, request_id: requestId } = await (images.length
          ? c.images.edit(
              { ...common, image: images, ...(m.inputFidelity ? { input_fidelity: m.inputFidelity } : {}) },
              opts,
            )
          : c.images.generate(common, opts)
        ).withResponse());
      } catch (err) {
        throw toProviderError(err, {
          what: images.length ? 'editing the image' : 'generating the image',
          model,
          host,
          apiKeyEnv,
          api: 'the Images API',
          retiredHint: `OpenAI no longer serves it (gpt-image-1 was shut down on 2026-10-23); pick another under providers["openai-videos"].imageModel (known: ${models.join(', ')})`,
        });
      }
      const b64 = res.data?.[0]?.b64_json;
      if (!b64) throw new ProviderError('retryable', `${label} answered without an image`);
      const got = await saveStill(Buffer.from(b64, 'base64'), dest, label);
      const costUsd = openAIImageUsd(m, size, quality, refs.length);
      ctx.logger.info(
        {
          dest,
          model,
          size,
          quality,
          refs: refs.length,
          purpose: req.purpose,
          tokens: res.usage?.total_tokens,
        },
        'image generated',
      );
      return stillOfJob(req, dest, got, {
        provider: name,
        model,
        ...(requestId ? { jobId: requestId } : {}),
        costUsd,
      });
    },
  };
}
