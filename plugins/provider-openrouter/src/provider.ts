import {
  aspectsOfSizes,
  type Clip,
  type ClipRequest,
  InputError,
  ONE_SHOT_PROMPT_GUIDE,
  type PluginContext,
  ProviderError,
  type ProviderJobStatus,
  parsePluginSettings,
  snapClipSeconds,
  submittedJob,
  type VideoProvider,
  validateSize,
  vendorAccess,
  vendorLimits,
} from '@beatframe/core';
import { clipOfJob, downloadJob, fitStill, requireVideo, saveBody } from '@beatframe/media';
import type { OpenRouter } from '@openrouter/sdk';
import type { FrameImage } from '@openrouter/sdk/models';
import { ALTERNATIVES, jobFailure, toProviderError } from './errors.js';
import {
  DEFAULT_OPENROUTER_MODEL,
  LISTING_SNAPSHOT,
  type ListedModel,
  PRICES,
  paramsOfSize,
  sizesOf,
} from './listing.js';
import { OPENROUTER_CONNECTION, OpenRouterSettings } from './settings.js';

/**
 * The official client (`vendorAccess`'s `connect`). The SDK loads on the first call: importing it costs ~2.8 s of
 * CPU, which every CLI command and worker that lists the providers paid whether or not it used OpenRouter.
 */
const openRouterClient =
  (settings: { timeoutMs?: number | undefined }) =>
  async (apiKey: string, serverURL: string | undefined): Promise<OpenRouter> => {
    const { OpenRouter } = await import('@openrouter/sdk');
    return new OpenRouter({
      apiKey,
      ...(serverURL ? { serverURL } : {}),
      // One retry policy: the pipeline's, which honours Retry-After (the SDK's default backs off for an hour).
      retryConfig: { strategy: 'none' },
      timeoutMs: settings.timeoutMs ?? 120_000,
      appTitle: 'beatframe',
    });
  };

interface OpenRouterJobData {
  host: string;
  /** The job's status URL as OpenRouter gave it (the SDK's getGeneration reads the same path). */
  pollingUrl: string;
}

export function createOpenRouterProvider(raw: unknown = {}): VideoProvider {
  const settings = parsePluginSettings(OpenRouterSettings, raw, 'providers.openrouter');
  const name = settings.name ?? 'openrouter';
  const connect = openRouterClient(settings);
  const access = vendorAccess(name, settings, OPENROUTER_CONNECTION, toProviderError, connect);
  const { conn, client, call } = access;
  const { hostOf } = conn;
  const defaultModel = settings.model ?? DEFAULT_OPENROUTER_MODEL;
  const prices = { ...PRICES, ...settings.prices };
  const snapshot = LISTING_SNAPSHOT.find((m) => m.id === defaultModel) ?? {
    ...LISTING_SNAPSHOT[0]!,
    id: defaultModel,
  };
  const ttl = settings.listingTtlMs ?? 10 * 60_000;
  let listing: { at: number; models: ListedModel[] } | undefined;

  const opts = (ctx: PluginContext) => (ctx.signal ? { fetchOptions: { signal: ctx.signal } } : undefined);
  function usd(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number {
    return Number(
      ((prices[req.model ?? defaultModel] ?? prices[defaultModel] ?? 0) * req.seconds).toFixed(4),
    );
  }

  /** The live listing (reused for `listingTtlMs`): each model's durations, sizes and frame images. */
  async function listed(ctx: PluginContext): Promise<ListedModel[]> {
    if (listing && Date.now() - listing.at < ttl) return listing.models;
    const res = await call('reading the video models listing', ctx, undefined, async () =>
      (await client(ctx)).videoGeneration.listVideosModels(undefined, opts(ctx)),
    );
    listing = { at: Date.now(), models: res.data };
    return res.data;
  }

  async function still(
    path: string,
    size: string,
    what: string,
    frameType: 'first_frame' | 'last_frame',
    ctx: PluginContext,
  ) {
    const png = await fitStill(path, size, what, { signal: ctx.signal });
    return {
      type: 'image_url' as const,
      imageUrl: { url: `data:image/png;base64,${png.toString('base64')}` },
      frameType,
    } satisfies FrameImage;
  }

  const sizes = sizesOf(snapshot);
  return {
    name,
    aliases: name === 'openrouter' ? ['open-router'] : [],
    description:
      "OpenRouter's video generation API (Wan, Seedance, Veo, Sora and others through one key; parameters read from its models listing) with the official @openrouter/sdk; paid, needs OPENROUTER_API_KEY",
    capabilities: {
      durations: [...(snapshot.supportedDurations ?? [5])].sort((a, b) => a - b),
      sizes,
      aspects: aspectsOfSizes(sizes),
      imageToVideo: !!snapshot.supportedFrameImages?.includes('first_frame'),
      remix: false,
      maxPromptChars: 2000,
      models: [defaultModel, ...LISTING_SNAPSHOT.map((m) => m.id).filter((id) => id !== defaultModel)],
      audio: !!settings.audio && !!snapshot.generateAudio,
      usdFor: usd,
      ...vendorLimits(settings),
      promptGuide: ONE_SHOT_PROMPT_GUIDE,
    },

    status: conn.status,

    async submit(req, ctx) {
      const model = req.model ?? defaultModel;
      const label = `${name} ${model}`;
      const or = await client(ctx); // a missing key fails here, before the listing is read
      const m = (await listed(ctx)).find((x) => x.id === model);
      if (!m) {
        const known = (listing?.models ?? []).map((x) => x.id).join(', ');
        throw new ProviderError(
          'retired',
          `OpenRouter lists no video model ${model} (it lists ${known}); switch with ${ALTERNATIVES}`,
        );
      }
      const size = validateSize(req.size, sizesOf(m), label);
      const frames = m.supportedFrameImages ?? [];
      if (req.imagePath && !frames.includes('first_frame'))
        throw new InputError(`${label} cannot start from an image`);
      if (req.lastFramePath && !frames.includes('last_frame'))
        throw new InputError(`${label} cannot end on a given last frame`);
      if (req.referenceImagePaths?.length) throw new InputError(`${label} takes no reference images here`);
      const durations = [...(m.supportedDurations ?? [])].sort((a, b) => a - b);
      const seconds = snapClipSeconds(req, durations, ctx, name);
      const frameImages = [
        ...(req.imagePath ? [await still(req.imagePath, size, 'start image', 'first_frame', ctx)] : []),
        ...(req.lastFramePath ? [await still(req.lastFramePath, size, 'last frame', 'last_frame', ctx)] : []),
      ];
      const p = paramsOfSize(m, size);
      const job = await call('submitting the video job', ctx, model, () =>
        or.videoGeneration.generate(
          {
            videoGenerationRequest: {
              model,
              prompt: req.prompt.slice(0, 2000),
              duration: seconds,
              ...(p.size ? { size: p.size } : {}),
              ...(p.resolution ? { resolution: p.resolution as never } : {}),
              ...(p.aspectRatio ? { aspectRatio: p.aspectRatio as never } : {}),
              ...(frameImages.length ? { frameImages } : {}),
              ...(m.generateAudio !== null ? { generateAudio: !!settings.audio } : {}),
              ...(m.seed && req.seed !== undefined ? { seed: req.seed } : {}),
            },
          },
          opts(ctx),
        ),
      );
      ctx.logger.info(
        { jobId: job.id, model, seconds, size, shotId: req.shotId },
        'OpenRouter video job submitted',
      );
      return submittedJob(name, job.id, { model, seconds, size }, {
        host: hostOf(ctx),
        pollingUrl: job.pollingUrl,
      } satisfies OpenRouterJobData);
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const job = await call('checking the video job', ctx, ref.model, async () =>
        (await client(ctx)).videoGeneration.getGeneration({ jobId: ref.jobId }, opts(ctx)),
      );
      if (job.status === 'pending') return { state: 'queued', progress: 0 };
      if (job.status === 'in_progress') return { state: 'running' };
      if (job.status === 'completed') return { state: 'done', progress: 1 };
      return { state: 'failed', error: jobFailure(job.error, ref.jobId, String(job.status)) };
    },

    async download(ref, dest, ctx): Promise<Clip> {
      const or = await client(ctx);
      let charged: number | null | undefined;
      const info = await downloadJob(ref, dest, ctx, {
        attempts: settings.downloadAttempts,
        retryMessage: 'download failed; fetching the content again',
        source: async () => {
          const job = await call('checking the video job', ctx, ref.model, async () =>
            or.videoGeneration.getGeneration({ jobId: ref.jobId }, opts(ctx)),
          );
          if (job.status !== 'completed')
            throw new ProviderError(
              job.status === 'expired' ? 'fatal' : 'retryable',
              `OpenRouter video job ${ref.jobId} is ${job.status}, not completed`,
            );
          // What OpenRouter charged for the job: recorded as the clip's cost instead of the estimate.
          charged = job.usage?.cost;
          return job;
        },
        save: async (_job, tmp) => {
          // The authenticated content proxy (unsigned_urls[0]) streams the video from the upstream provider.
          const body = await call('downloading the video', ctx, ref.model, async () =>
            or.videoGeneration.getVideoContent({ jobId: ref.jobId, index: 0 }, opts(ctx)),
          );
          await saveBody(body, tmp, ref.jobId);
          return requireVideo(tmp, ref.jobId);
        },
      });
      return clipOfJob(dest, info, name, ref, typeof charged === 'number' ? charged : usd);
    },
  };
}
