import { rename, rm } from 'node:fs/promises';
import {
  type Clip,
  type ClipRequest,
  catalogueCapabilities,
  cutPrompt,
  InputError,
  modelCatalogue,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  snapClipSeconds,
  submittedJob,
  type VideoProvider,
  validateSize,
  vendorAccess,
} from '@beatframe/core';
import { clipOfJob, downloadJob, fitStill, requireVideo, runFfmpeg, verifyVideo } from '@beatframe/media';
import {
  type GeneratedVideo,
  type GenerateVideosConfig,
  GenerateVideosOperation,
  type Image,
} from '@google/genai';
import { paramsOfSize, sizesOf, VEO_CATALOGUE } from './catalogue.js';
import { geminiClient } from './client.js';
import { kindOfStatus, toProviderError } from './errors.js';
import { GEMINI_CONNECTION, type VeoSettings } from './settings.js';

const PROMPT_GUIDE =
  'One shot per clip: subject, action, setting, camera move, lens, lighting, style; Veo also hears the prompt: name sounds or say "no dialogue"; no real people.';

interface VeoJobData {
  host?: string;
}

export function createVeoProvider(settings: VeoSettings = {}): VideoProvider {
  const name = settings.name ?? 'veo';
  const access = vendorAccess(name, settings, GEMINI_CONNECTION, toProviderError, geminiClient(settings));
  const { conn, client, call } = access;
  const { hostOf } = conn;
  const catalogue = modelCatalogue(name, settings, VEO_CATALOGUE);
  const { modelOf, def, entryOf } = catalogue;

  function usd(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number {
    const m = entryOf(req.model);
    const resolution = paramsOfSize(req.size)?.resolution ?? '720p';
    const perSecond = m.perSecondByResolution?.[resolution] ?? m.perSecond;
    return Number((perSecond * req.seconds).toFixed(4));
  }

  /** A still as PNG bytes, cover-fitted to the clip size so the first frame frames like the clip. */
  async function imageOf(path: string, size: string, what: string, ctx: PluginContext): Promise<Image> {
    const png = await fitStill(path, size, what, { signal: ctx.signal });
    return { imageBytes: png.toString('base64'), mimeType: 'image/png' };
  }

  function operationOf(ref: ProviderJobRef): GenerateVideosOperation {
    // The SDK wants its own class (it calls _fromAPIResponse on it); a plain {name} would throw.
    const op = new GenerateVideosOperation();
    op.name = ref.jobId;
    return op;
  }

  async function fetchOperation(ref: ProviderJobRef, ctx: PluginContext) {
    const ai = client(ctx);
    return call('checking the video operation', ctx, ref.model, () =>
      ai.operations.getVideosOperation({
        operation: operationOf(ref),
        ...(ctx.signal ? { config: { abortSignal: ctx.signal } } : {}),
      }),
    );
  }

  function videoOf(op: GenerateVideosOperation): GeneratedVideo | undefined {
    return op.response?.generatedVideos?.find((v) => v.video?.uri || v.video?.videoBytes);
  }

  return {
    name,
    aliases: name === 'veo' ? ['google', 'gemini', 'veo3'] : [],
    description:
      'Google Veo 3.1 (standard, fast, lite) and Gemini Omni through the Gemini API (official @google/genai SDK); paid, needs GEMINI_API_KEY',
    capabilities: {
      ...catalogueCapabilities(catalogue, settings, sizesOf(def), usd, PROMPT_GUIDE),
      aspects: def.aspects,
      imageToVideo: def.firstFrame,
      audio: def.audio && settings.audio !== false,
      seeds: false,
      framesOf: (model) => {
        const m = entryOf(model);
        return {
          lastFrame: m.lastFrame,
          ...(m.conditionedDurations ? { lastFrameDurations: m.conditionedDurations } : {}),
        };
      },
    },

    status: conn.status,

    async submit(req, ctx) {
      const [model, m] = modelOf(req.model);
      const label = `${name} ${model}`;
      const size = validateSize(req.size, sizesOf(m), label);
      const { aspectRatio, resolution } = paramsOfSize(size)!;
      const refs = req.referenceImagePaths ?? [];
      if (req.imagePath && !m.firstFrame) throw new InputError(`${label} cannot start from an image`);
      if (req.lastFramePath && !m.lastFrame)
        throw new InputError(`${label} cannot end on a given last frame`);
      if (refs.length > m.maxReferenceImages)
        throw new InputError(
          `${label} takes ${m.maxReferenceImages ? `at most ${m.maxReferenceImages}` : 'no'} reference images, not ${refs.length}`,
        );
      // Veo 3.1 makes 1080p, 4K, interpolation and reference-guided clips at 8 s only.
      const conditioned = resolution !== '720p' || !!req.lastFramePath || refs.length > 0;
      const durations = conditioned && m.conditionedDurations ? m.conditionedDurations : m.durations;
      const seconds = snapClipSeconds(req, durations, ctx, name);
      const ai = client(ctx); // a missing key fails here, before any image work
      const image = req.imagePath ? await imageOf(req.imagePath, size, 'first frame', ctx) : undefined;
      const lastFrame = req.lastFramePath
        ? await imageOf(req.lastFramePath, size, 'last frame', ctx)
        : undefined;
      const referenceImages = await Promise.all(
        refs.map(async (p) => ({
          image: await imageOf(p, size, 'reference image', ctx),
          referenceType: 'asset',
        })),
      );
      const prompt = cutPrompt(req.prompt, m.maxPromptChars, label, ctx, { shotId: req.shotId, model });
      const config: GenerateVideosConfig = {
        numberOfVideos: 1,
        durationSeconds: seconds,
        aspectRatio,
        resolution,
        ...(req.negativePrompt ? { negativePrompt: req.negativePrompt } : {}),
        ...(lastFrame ? { lastFrame } : {}),
        ...(referenceImages.length
          ? { referenceImages: referenceImages as GenerateVideosConfig['referenceImages'] }
          : {}),
        ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
      };
      const op = await call('starting the video generation', ctx, model, () =>
        ai.models.generateVideos({ model, source: { prompt, ...(image ? { image } : {}) }, config }),
      );
      if (!op.name) throw new ProviderError('retryable', `${label}: the API returned no operation name`);
      ctx.logger.info(
        { operation: op.name, model, seconds, size, shotId: req.shotId },
        'video operation started',
      );
      return submittedJob(name, op.name, { model, seconds, size }, {
        host: hostOf(ctx),
      } satisfies VeoJobData);
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const op = await fetchOperation(ref, ctx);
      if (!op.done) {
        const pct = Number((op.metadata as { progressPercent?: unknown } | undefined)?.progressPercent);
        return Number.isFinite(pct)
          ? { state: 'running', progress: Math.max(0, Math.min(1, pct / 100)) }
          : { state: 'running' };
      }
      if (op.error) {
        const st = op.error as { code?: number; message?: string; status?: string };
        const message = String(st.message ?? 'the operation failed without a reason').replace(/\s+/g, ' ');
        return {
          state: 'failed',
          error: {
            kind: kindOfStatus(undefined, st),
            message: `video operation ${ref.jobId} failed${st.status ? ` (${st.status})` : ''}: ${message}`,
            ...(st.status ? { code: st.status } : {}),
          },
        };
      }
      if (videoOf(op)) return { state: 'done', progress: 1 };
      const filtered = op.response?.raiMediaFilteredCount ?? 0;
      const reasons = op.response?.raiMediaFilteredReasons?.join('; ');
      if (filtered > 0 || reasons)
        return {
          state: 'failed',
          error: {
            kind: 'content-policy',
            message: `Google's safety filters withheld the video${reasons ? `: ${reasons.replace(/\s+/g, ' ')}` : ''}`,
            code: 'RAI_FILTERED',
          },
        };
      return {
        state: 'failed',
        error: { kind: 'retryable', message: `video operation ${ref.jobId} finished without a video` },
      };
    },

    async download(ref, dest, ctx): Promise<Clip> {
      const info = await downloadJob(ref, dest, ctx, {
        attempts: settings.downloadAttempts,
        retryMessage: 'download failed; fetching it again',
        // The operation is read again each time: its file link is fresh, so an expired one is re-fetched.
        source: async () => {
          const op = await fetchOperation(ref, ctx);
          const video = videoOf(op);
          if (!op.done || !video)
            throw new ProviderError(
              op.done ? 'fatal' : 'retryable',
              `video operation ${ref.jobId} has no video to download yet`,
            );
          return video;
        },
        save: async (video, tmp) => {
          const ai = client(ctx, settings.downloadTimeoutMs ?? 600_000);
          const raw = `${tmp}.download.mp4`;
          try {
            await call('downloading the video', ctx, ref.model, () =>
              ai.files.download({
                file: video,
                downloadPath: raw,
                ...(ctx.signal ? { config: { abortSignal: ctx.signal } } : {}),
              }),
            ).catch((err: unknown) => {
              // Storage answers an expired signed link with 400/403 ExpiredToken: fetch the link again.
              if (err instanceof ProviderError && /expired/i.test(`${err.message} ${String(err.cause)}`))
                throw new ProviderError('retryable', `the video link of ${ref.jobId} expired`, {
                  cause: err,
                });
              throw err;
            });
            const checked = await requireVideo(raw, ref.jobId);
            if (settings.audio === false && checked.audio) {
              await runFfmpeg(['-i', raw, '-map', '0:v', '-c', 'copy', '-an', tmp]);
              return (await verifyVideo(tmp)) ?? checked;
            }
            await rename(raw, tmp);
            return checked;
          } finally {
            await rm(raw, { force: true });
          }
        },
      });
      return clipOfJob(dest, info, name, ref, usd);
    },
  };
}
