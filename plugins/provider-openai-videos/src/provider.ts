import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type Clip,
  type ClipRequest,
  type PluginContext,
  type PromptStyle,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  produceAtomic,
  snapClipSeconds,
  type VideoProvider,
  validateSize,
  vendorAccess,
  vendorLimits,
} from '@beatframe/core';
import { clipOfJob, downloadJob, fitStill, requireVideo } from '@beatframe/media';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { openAIClient } from './client.js';
import { jobErrorKind, toProviderError } from './errors.js';
import { OPENAI_CONNECTION, type OpenAIVideosSettings } from './settings.js';

/** USD per second of video, by model; `hd` applies to the 1024x1792 / 1792x1024 sizes. */
export type PriceTable = Record<string, { perSecond: number; hdPerSecond?: number }>;

/** OpenAI's last published prices (user-maintained: override them in the provider's settings). */
export const DEFAULT_PRICES: PriceTable = {
  'sora-2': { perSecond: 0.1 },
  'sora-2-pro': { perSecond: 0.3, hdPerSecond: 0.5 },
};

export const OPENAI_VIDEO_SIZES = ['1280x720', '720x1280', '1792x1024', '1024x1792'];
/** sora-2 makes 720p only; the larger portrait/landscape sizes are sora-2-pro's. */
export const DEFAULT_MODEL_SIZES: Record<string, string[]> = {
  'sora-2': ['1280x720', '720x1280'],
  'sora-2-2025-10-06': ['1280x720', '720x1280'],
  'sora-2-2025-12-08': ['1280x720', '720x1280'],
};
export const OPENAI_VIDEO_SECONDS = [4, 8, 12];
const HD_SIZES = new Set(['1792x1024', '1024x1792']);

interface OpenAIJobData {
  /** Where the job lives (no secret): a different endpoint later is a different service. */
  host?: string;
  remixOf?: string;
}

/** The provider, plus the extra asset variants the Videos API offers. */
export interface OpenAIVideosProvider extends VideoProvider {
  /** Saves a finished job's thumbnail (WebP) or sprite sheet (JPEG) to `dest`. */
  downloadVariant(
    ref: ProviderJobRef,
    variant: 'thumbnail' | 'spritesheet',
    dest: string,
    ctx: PluginContext,
  ): Promise<string>;
}

/**
 * OpenAI's Sora 2 prompting guide: the style up front (it sets the frame for everything after), then the scene and
 * subject, the cinematography (shot, lens, camera move), the action, and the sound; no negative prompt field, and a
 * negative phrase is read as something to show, so what to avoid is left out. Sora makes sound: ask for ambience.
 */
export const SORA_PROMPT_STYLE: PromptStyle = {
  maxChars: 4000,
  maxWords: 180,
  cameraTerms: true,
  negative: 'none',
  audio: { cue: 'Sound: only the quiet ambient sound of the place, without music or voices.', avoid: [] },
  order: ['style', 'subject', 'setting', 'camera', 'mood', 'motif', 'audio'],
  form: 'prose',
};

export function createOpenAIVideosProvider(settings: OpenAIVideosSettings = {}): OpenAIVideosProvider {
  const name = settings.name ?? 'openai-videos';
  const connect = openAIClient(settings, 120_000);
  const access = vendorAccess(name, settings, OPENAI_CONNECTION, toProviderError, connect);
  const { conn, client } = access;
  const { apiKeyEnv, hostOf } = conn;
  const models = settings.models?.length ? settings.models : ['sora-2', 'sora-2-pro'];
  const prices = { ...DEFAULT_PRICES, ...(settings.prices ?? {}) };
  const sizes = settings.sizes ?? OPENAI_VIDEO_SIZES;
  const modelSizes = { ...DEFAULT_MODEL_SIZES, ...(settings.modelSizes ?? {}) };
  const durations = settings.durations ?? OPENAI_VIDEO_SECONDS;

  function usd(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number {
    const model = req.model ?? models[0] ?? 'sora-2';
    const row = prices[model];
    const perSecond = row
      ? HD_SIZES.has(req.size) && row.hdPerSecond !== undefined
        ? row.hdPerSecond
        : row.perSecond
      : (settings.defaultPerSecond ?? prices['sora-2']?.perSecond ?? 0.1);
    return Number((perSecond * req.seconds).toFixed(4));
  }

  // The client is made inside the guard, so a missing key is reported like any other failed call.
  const call = <T>(
    what: string,
    ctx: PluginContext,
    model: string | undefined,
    fn: (c: OpenAI) => Promise<T>,
  ) => access.call(what, ctx, model, () => fn(client(ctx)));

  /** The service wants the reference image at exactly the clip's size: cover-scale and crop it. */
  async function referenceImage(path: string, size: string, ctx: PluginContext) {
    const bytes = await fitStill(path, size, 'reference image', { signal: ctx.signal });
    return toFile(bytes, 'reference.png', { type: 'image/png' });
  }

  function refOf(
    video: OpenAI.Videos.Video,
    req: { seconds: number; size: string },
    ctx: PluginContext,
    extra: OpenAIJobData = {},
  ): ProviderJobRef {
    return {
      provider: name,
      jobId: video.id,
      model: video.model,
      submittedAt: new Date((video.created_at || Date.now() / 1000) * 1000).toISOString(),
      seconds: Number(video.seconds) || req.seconds,
      size: video.size || req.size,
      data: { host: hostOf(ctx), ...extra } satisfies OpenAIJobData,
    };
  }

  async function saveVariant(res: Response, dest: string): Promise<void> {
    if (!res.body) throw new ProviderError('retryable', 'the download had no body');
    try {
      await pipeline(
        Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
        createWriteStream(dest),
      );
    } catch (err) {
      throw new ProviderError('retryable', `the download broke off: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  const provider: OpenAIVideosProvider = {
    name,
    aliases: name === 'openai-videos' ? ['sora', 'openai'] : [],
    description:
      'OpenAI Videos API (Sora 2, sora-2-pro) or a gateway speaking its protocol, through the official openai SDK; paid, needs a key',
    capabilities: {
      durations,
      sizes,
      aspects: ['16:9', '9:16'],
      imageToVideo: true,
      remix: true,
      maxPromptChars: 4000,
      models,
      audio: true,
      usdFor: usd,
      seeds: false,
      ...vendorLimits(settings),
      promptGuide:
        'Describe one shot like a cinematographer: subject, action, setting, camera move, lens, lighting, palette; one scene per clip; no real people or copyrighted characters.',
      promptStyleOf: () => SORA_PROMPT_STYLE,
    },

    status: conn.status,

    async submit(req: ClipRequest, ctx: PluginContext): Promise<ProviderJobRef> {
      const model = req.model ?? models[0] ?? 'sora-2';
      const size = validateSize(req.size, modelSizes[model] ?? sizes, `${name} ${model}`);
      const seconds = snapClipSeconds(req, durations, ctx, name);
      const c = client(ctx); // a missing key fails here, before any image work
      const input_reference = req.imagePath ? await referenceImage(req.imagePath, size, ctx) : undefined;
      let prompt = req.prompt;
      if (prompt.length > 4000) {
        ctx.logger.warn(
          { shotId: req.shotId, chars: prompt.length },
          'prompt cut to the 4000 characters the API takes',
        );
        prompt = prompt.slice(0, 4000);
      }
      try {
        const video = await c.videos.create(
          {
            prompt,
            model,
            seconds: String(seconds) as OpenAI.Videos.VideoSeconds,
            size: size as OpenAI.Videos.VideoSize,
            ...(input_reference ? { input_reference } : {}),
          },
          ctx.signal ? { signal: ctx.signal } : {},
        );
        ctx.logger.info({ jobId: video.id, model, seconds, size, shotId: req.shotId }, 'video job submitted');
        return refOf(video, { seconds, size }, ctx);
      } catch (err) {
        throw toProviderError(err, { what: 'creating the video', model, host: hostOf(ctx), apiKeyEnv });
      }
    },

    async poll(ref: ProviderJobRef, ctx: PluginContext): Promise<ProviderJobStatus> {
      const v = await call('checking the video job', ctx, ref.model, (c) =>
        c.videos.retrieve(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
      );
      const progress = Math.max(0, Math.min(1, (v.progress ?? 0) / 100));
      switch (v.status) {
        case 'queued':
          return { state: 'queued', progress };
        case 'in_progress':
          return { state: 'running', progress };
        case 'completed':
          return { state: 'done', progress: 1 };
        default: {
          const code = v.error?.code ?? undefined;
          const message = v.error?.message ?? 'the video job failed without a reason';
          return {
            state: 'failed',
            error: {
              kind: jobErrorKind(code, message),
              message: `video job ${v.id} failed${code ? ` (${code})` : ''}: ${message.replace(/\s+/g, ' ')}`,
              ...(code ? { code } : {}),
            },
          };
        }
      }
    },

    async download(ref: ProviderJobRef, dest: string, ctx: PluginContext): Promise<Clip> {
      const info = await downloadJob(ref, dest, ctx, {
        attempts: settings.downloadAttempts,
        retryMessage: 'corrupt download; fetching it again',
        logCause: false,
        retryIf: () => true,
        source: () =>
          call('downloading the video', ctx, ref.model, (c) =>
            c.videos.downloadContent(
              ref.jobId,
              { variant: 'video' },
              ctx.signal ? { signal: ctx.signal } : {},
            ),
          ),
        save: async (res, tmp) => {
          await saveVariant(res, tmp);
          return requireVideo(tmp, ref.jobId);
        },
      });
      let thumbnailPath: string | undefined;
      if (settings.thumbnails !== false) {
        try {
          thumbnailPath = await provider.downloadVariant(
            ref,
            'thumbnail',
            `${dest.replace(/\.[a-z0-9]+$/i, '')}.thumb.webp`,
            ctx,
          );
        } catch (err) {
          ctx.logger.warn({ jobId: ref.jobId, err: (err as Error).message }, 'no thumbnail for this clip');
        }
      }
      return {
        ...clipOfJob(dest, info, name, ref, usd),
        ...(thumbnailPath ? { thumbnailPath } : {}),
      };
    },

    async remix(ref: ProviderJobRef, prompt: string, ctx: PluginContext): Promise<ProviderJobRef> {
      const v = await call('remixing the video', ctx, ref.model, (c) =>
        c.videos.remix(ref.jobId, { prompt }, ctx.signal ? { signal: ctx.signal } : {}),
      );
      return refOf(v, ref, ctx, { remixOf: ref.jobId });
    },

    async downloadVariant(ref, variant, dest, ctx) {
      const res = await call(`downloading the ${variant}`, ctx, ref.model, (c) =>
        c.videos.downloadContent(ref.jobId, { variant }, ctx.signal ? { signal: ctx.signal } : {}),
      );
      await produceAtomic(dest, (tmp) => saveVariant(res, tmp));
      return dest;
    },

    async cancel(ref: ProviderJobRef, ctx: PluginContext): Promise<void> {
      await call('cancelling the video job', ctx, ref.model, (c) => c.videos.delete(ref.jobId)).catch(
        (err: unknown) => {
          // Already gone is what cancelling wants.
          if (err instanceof ProviderError && err.kind === 'fatal' && /404/.test(err.message)) return;
          throw err;
        },
      );
    },
  };
  return provider;
}
