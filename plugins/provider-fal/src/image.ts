import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ImageContext,
  type ImageProvider,
  type ImageRequest,
  InputError,
  modelCatalogue,
  nearestAspectSize,
  ProviderError,
  type ProviderJobRef,
  parsePluginSettings,
  referencesWithin,
  type Still,
  vendorLimits,
} from '@beatframe/core';
import { readReferenceImage, saveStill, stillOfJob } from '@beatframe/media';
import { falAccess } from './client.js';
import { FAL_IMAGE_CATALOGUE, type FalImageModel, falImageUsd } from './image-catalogue.js';
import { FalImageSettings } from './image-settings.js';

interface FalImageJobData {
  /** The endpoint the request was queued on: status and result live under it. */
  endpoint: string;
  host?: string;
  purpose?: string;
  shotId?: string;
  seed?: number;
}

/** What an image endpoint's result holds (FLUX adds `has_nsfw_concepts`: a flagged image comes back black). */
interface FalImageResult {
  images?: Array<{ url?: string; width?: number; height?: number; content_type?: string }>;
  has_nsfw_concepts?: boolean[];
  seed?: number;
}

/**
 * fal.ai image models (Seedream 4 with up to 10 reference images, FLUX dev and schnell) through the official
 * @fal-ai/client queue, as the video models are: submit, store the request (onJob) before polling, then read the
 * result and fetch its file. A restarted worker finishes a stored request with `resume` instead of paying again.
 * Settings come from config `providers.fal`.
 */
export function createFalImageProvider(raw: unknown = {}): ImageProvider {
  const s = parsePluginSettings(FalImageSettings, raw, 'providers.fal');
  const name = 'fal-images';
  const { conn, client, call } = falAccess(name, s);
  const pollMs = s.imagePollIntervalMs ?? 1000;
  const timeoutMs = s.imageTimeoutMs ?? 10 * 60_000;
  const { models, modelOf, def, entryOf } = modelCatalogue(
    name,
    { model: s.imageModel, models: s.imageModels },
    FAL_IMAGE_CATALOGUE,
  );

  const { hostOf } = conn;

  /** A reference as a data URI (fal takes data URIs wherever it takes an image URL). */
  async function dataUriOf(path: string): Promise<string> {
    const { bytes, mimeType } = await readReferenceImage(path);
    return `data:${mimeType};base64,${bytes.toString('base64')}`;
  }

  function sizeFor(m: FalImageModel, req: Pick<ImageRequest, 'size'>): string {
    return nearestAspectSize(req.size, Object.keys(m.sizes));
  }

  /** Waits for a queued request, reads its result and saves its image: the part `generate` and `resume` share. */
  async function finish(ref: ProviderJobRef, dest: string, ctx: ImageContext): Promise<Still> {
    const data = ref.data as unknown as FalImageJobData;
    if (!data.endpoint) throw new InputError(`image job ${ref.jobId} has no fal endpoint in its reference`);
    const { endpoint } = data;
    const at = { endpoint, ...(ref.model ? { model: ref.model } : {}) };
    const abort = ctx.signal ? { abortSignal: ctx.signal } : {};
    const fal = client(ctx);
    const giveUp = Date.now() + timeoutMs;
    for (;;) {
      const st = await call('checking the image request', ctx, at, () =>
        fal.queue.status(endpoint, { requestId: ref.jobId, logs: false, ...abort }),
      );
      if (st.status === 'COMPLETED') break;
      if (Date.now() > giveUp)
        throw new ProviderError(
          'retryable',
          `fal image request ${ref.jobId} is still ${st.status} after ${timeoutMs / 1000}s`,
        );
      await sleep(pollMs, undefined, ctx.signal ? { signal: ctx.signal } : {});
    }
    // A failed request ends COMPLETED too: its result answers the 422 or 500 that says why, classified here.
    const result = await call('reading the image result', ctx, at, () =>
      fal.queue.result(endpoint, { requestId: ref.jobId, ...abort }),
    );
    const out = (result.data ?? {}) as FalImageResult;
    if (out.has_nsfw_concepts?.[0])
      throw new ProviderError(
        'content-policy',
        `fal's safety checker flagged the image of request ${ref.jobId}`,
        {
          code: 'has_nsfw_concepts',
        },
      );
    const url = out.images?.[0]?.url;
    if (!url)
      throw new ProviderError('retryable', `fal image request ${ref.jobId} has no image in its result`);
    // Result files are public links: the key is never sent to them.
    const res = await fetch(url, ctx.signal ? { signal: ctx.signal } : {}).catch((err: unknown) => {
      throw new ProviderError(
        'retryable',
        `fetching the image of ${ref.jobId} failed: ${(err as Error).message}`,
      );
    });
    if (!res.ok)
      throw new ProviderError('retryable', `fetching the image of ${ref.jobId} failed (${res.status})`);
    const label = `${name} ${ref.model ?? ''}`.trim();
    const got = await saveStill(new Uint8Array(await res.arrayBuffer()), dest, label);
    const m = entryOf(ref.model);
    ctx.logger.info({ dest, requestId: ref.jobId, endpoint, purpose: data.purpose }, 'image generated');
    const seed = out.seed ?? data.seed;
    return stillOfJob(data, dest, got, {
      provider: name,
      ...(ref.model ? { model: ref.model } : {}),
      jobId: ref.jobId,
      ...(seed !== undefined ? { seed } : {}),
      costUsd: falImageUsd(m, ref.size),
    });
  }

  return {
    name,
    aliases: ['seedream', 'flux'],
    description:
      'fal.ai image models (Seedream 4 with reference images, FLUX dev and schnell) through the official @fal-ai/client queue; paid per image, needs FAL_KEY',
    capabilities: {
      models,
      sizes: Object.keys(def.sizes),
      maxReferenceImages: def.maxReferenceImages,
      seed: def.seed,
      maxPromptChars: def.maxPromptChars,
      usdFor: (req) => {
        const m = entryOf(req.model);
        return falImageUsd(m, sizeFor(m, req));
      },
      ...vendorLimits({ concurrency: s.imageConcurrency, rpm: s.imageRpm }),
    },
    status: conn.status,

    async generate(req, dest, ctx) {
      const [model, m] = modelOf(req.model);
      const label = `${name} ${model}`;
      const refs = referencesWithin(
        req,
        m.maxReferenceImages,
        label,
        `${label} takes no reference images (seedream-4 does)`,
      );
      const size = sizeFor(m, req);
      const fal = client(ctx); // a missing key fails here, before reading any file
      const imageUrls = await Promise.all(refs.map(dataUriOf));
      const endpoint = imageUrls.length ? m.edit! : m.textToImage;
      // No image model here takes a negative prompt: the words to avoid go in the prompt.
      const prompt = `${req.prompt}${req.negativePrompt ? `\nAvoid: ${req.negativePrompt}` : ''}`.slice(
        0,
        m.maxPromptChars,
      );
      const input = {
        prompt,
        ...m.extra,
        ...m.sizes[size],
        num_images: 1,
        ...(imageUrls.length ? { image_urls: imageUrls } : {}),
        ...(req.seed !== undefined && m.seed ? { seed: req.seed } : {}),
      };
      const queued = await call('queueing the image', ctx, { model, endpoint }, () =>
        fal.queue.submit(endpoint, { input, ...(ctx.signal ? { abortSignal: ctx.signal } : {}) }),
      );
      const ref: ProviderJobRef = {
        provider: name,
        jobId: queued.request_id,
        model,
        submittedAt: new Date().toISOString(),
        seconds: 1, // the job record is a clip's; a still counts as one
        size,
        data: {
          endpoint,
          host: hostOf(ctx),
          ...(req.purpose ? { purpose: req.purpose } : {}),
          ...(req.shotId ? { shotId: req.shotId } : {}),
          ...(req.seed !== undefined ? { seed: req.seed } : {}),
        } satisfies FalImageJobData,
      };
      ctx.logger.info(
        { requestId: ref.jobId, endpoint, size, refs: refs.length, purpose: req.purpose },
        'image queued',
      );
      await ctx.onJob?.(ref);
      return finish(ref, dest, ctx);
    },

    resume: (ref, dest, ctx) => finish(ref, dest, ctx),
  };
}
