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
import { clipOfJob, downloadJobLink, fitStill, type JobLink } from '@beatframe/media';
import RunwayML from '@runwayml/sdk';
import { RUNWAY_CATALOGUE, ratioOf } from './catalogue.js';
import { failureKind, toProviderError } from './errors.js';
import { RUNWAY_CONNECTION, type RunwaySettings } from './settings.js';

interface RunwayJobData {
  host?: string;
  /** Whether sound was asked for (it sets the price). */
  audio?: boolean;
}

const PROMPT_GUIDE =
  'Up to 1000 characters: describe the motion and camera in plain sentences (subject, action, camera move, lighting); with a start image, describe what moves, not what is seen.';

/** The official client (`vendorAccess`'s `connect`): no SDK retries unless asked, the pipeline's policy counts. */
const runwayClient = (settings: RunwaySettings) => (apiKey: string, baseURL: string | undefined) =>
  new RunwayML({
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: settings.maxRetries ?? 0,
    timeout: settings.timeoutMs ?? 120_000,
  });

/** A task's output URLs: signed links that expire (a fresh read of the task gives fresh ones). */
const OUTPUT_LINK: JobLink = {
  label: 'the output URL',
  expired: [403],
  retryMessage: 'download failed; reading the task again',
};

/** The output URL of a task; a task not yet succeeded has none (worth another read), a succeeded one must. */
function outputUrlOf(ref: ProviderJobRef, t: { status: string; output?: string[] }): string {
  const url = t.status === 'SUCCEEDED' ? t.output?.[0] : undefined;
  if (!url)
    throw new ProviderError(
      t.status === 'SUCCEEDED' ? 'fatal' : 'retryable',
      `task ${ref.jobId} has no output to download (${t.status})`,
    );
  return url;
}

export function createRunwayProvider(settings: RunwaySettings = {}): VideoProvider {
  const name = settings.name ?? 'runway';
  const access = vendorAccess(name, settings, RUNWAY_CONNECTION, toProviderError, runwayClient(settings));
  const { conn, client, call } = access;
  const { hostOf } = conn;
  const catalogue = modelCatalogue(name, settings, RUNWAY_CATALOGUE);
  const { modelOf, def, entryOf } = catalogue;
  const sizes = def.textSizes.length ? def.textSizes : (def.imageSizes ?? []);

  function usd(
    req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>,
    audio = settings.audio !== false,
  ): number {
    const m = entryOf(req.model);
    const perSecond = !audio && m.perSecondSilent !== undefined ? m.perSecondSilent : m.perSecond;
    return Number((perSecond * req.seconds).toFixed(4));
  }

  /** A still as a JPEG data URI (Runway takes data URIs up to 5 MB), cover-fitted to the clip size. */
  async function imageUriOf(path: string, size: string, what: string, ctx: PluginContext): Promise<string> {
    const jpeg = await fitStill(path, size, what, { format: 'jpeg', signal: ctx.signal });
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  }

  async function retrieve(ref: ProviderJobRef, ctx: PluginContext) {
    const rw = client(ctx);
    return call('checking the task', ctx, ref.model, () =>
      rw.tasks.retrieve(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
    );
  }

  return {
    name,
    aliases: name === 'runway' ? ['runwayml', 'gen4'] : [],
    description:
      'Runway API (Gen-4.5, Gen-4 Turbo, Veo 3.1) through the official @runwayml/sdk; paid, needs RUNWAYML_API_SECRET',
    capabilities: {
      ...catalogueCapabilities(catalogue, settings, sizes, (req) => usd(req), PROMPT_GUIDE),
      aspects: ['16:9', '9:16'],
      imageToVideo: !!def.imageSizes,
      audio: def.audio && settings.audio !== false,
      framesOf: (model) => ({ lastFrame: entryOf(model).lastFrame }),
    },

    status: conn.status,

    async submit(req, ctx) {
      const [model, m] = modelOf(req.model);
      const label = `${name} ${model}`;
      const withImage = !!req.imagePath;
      if (withImage && !m.imageSizes) throw new InputError(`${label} cannot start from an image`);
      if (!withImage && !m.textSizes.length)
        throw new InputError(
          `${label} needs a start image (image-to-video only); pick another model for text alone`,
        );
      if (req.lastFramePath && !m.lastFrame)
        throw new InputError(`${label} cannot end on a given last frame`);
      if (req.lastFramePath && !withImage)
        throw new InputError(`${label} needs a first frame with a last frame`);
      if (req.referenceImagePaths?.length) throw new InputError(`${label} takes no reference images here`);
      const size = validateSize(req.size, withImage ? m.imageSizes! : m.textSizes, label);
      const seconds = snapClipSeconds(req, m.durations, ctx, name);
      const rw = client(ctx); // a missing key fails here, before any image work
      const promptText = cutPrompt(req.prompt, m.maxPromptChars, label, ctx, { shotId: req.shotId, model });
      const audio = m.audioSwitch ? settings.audio !== false : m.audio;
      const common = {
        model,
        promptText,
        ratio: ratioOf(size),
        duration: seconds,
        ...(m.audioSwitch ? { audio } : {}),
        ...(req.negativePrompt && m.negativePrompt ? { negativePrompt: req.negativePrompt } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
      };
      const opts = ctx.signal ? { signal: ctx.signal } : {};
      // create() is awaited on its own and the task polled with tasks.retrieve: waitForTaskOutput() loses a failed
      // create to an unhandled rejection, and waits a fixed ~6 s between polls.
      let task: { id: string };
      if (withImage) {
        const first = await imageUriOf(req.imagePath!, size, 'start image', ctx);
        const last = req.lastFramePath
          ? await imageUriOf(req.lastFramePath, size, 'last frame', ctx)
          : undefined;
        const promptImage = last
          ? [
              { uri: first, position: 'first' as const },
              { uri: last, position: 'last' as const },
            ]
          : first;
        task = await call('starting the image-to-video task', ctx, model, async () => {
          const created = await rw.imageToVideo.create(
            { ...common, promptImage } as Parameters<typeof rw.imageToVideo.create>[0],
            opts,
          );
          return created;
        });
      } else {
        task = await call('starting the text-to-video task', ctx, model, async () => {
          const created = await rw.textToVideo.create(
            common as Parameters<typeof rw.textToVideo.create>[0],
            opts,
          );
          return created;
        });
      }
      ctx.logger.info({ taskId: task.id, model, seconds, size, shotId: req.shotId }, 'video task started');
      return submittedJob(name, task.id, { model, seconds, size }, {
        host: hostOf(ctx),
        audio,
      } satisfies RunwayJobData);
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const t = await retrieve(ref, ctx);
      switch (t.status) {
        case 'PENDING':
        case 'THROTTLED':
          return { state: 'queued', progress: 0 };
        case 'RUNNING':
          return { state: 'running', progress: Math.max(0, Math.min(1, Number(t.progress) || 0)) };
        case 'SUCCEEDED':
          return { state: 'done', progress: 1 };
        case 'CANCELLED':
          return {
            state: 'failed',
            error: { kind: 'fatal', message: `task ${ref.jobId} was cancelled`, code: 'CANCELLED' },
          };
        default: {
          const failed = t as { failure?: string; failureCode?: string };
          const message = (failed.failure ?? 'the task failed without a reason').replace(/\s+/g, ' ');
          return {
            state: 'failed',
            error: {
              kind: failureKind(failed.failureCode, message),
              message: `Runway task ${ref.jobId} failed${failed.failureCode ? ` (${failed.failureCode})` : ''}: ${message}`,
              ...(failed.failureCode ? { code: failed.failureCode } : {}),
            },
          };
        }
      }
    },

    async download(ref, dest, ctx): Promise<Clip> {
      // The task is read again for each attempt: its output URLs are signed and expire, the fresh ones do not.
      const info = await downloadJobLink(ref, dest, ctx, settings.downloadAttempts, OUTPUT_LINK, async () =>
        outputUrlOf(ref, await retrieve(ref, ctx)),
      );
      const audio = (ref.data as RunwayJobData).audio;
      return clipOfJob(dest, info, name, ref, (req) => usd(req, audio ?? true));
    },

    async cancel(ref, ctx) {
      const rw = client(ctx);
      await call('cancelling the task', ctx, ref.model, () =>
        rw.tasks.delete(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
      ).catch((err: unknown) => {
        // Already gone is what cancelling wants.
        if (err instanceof ProviderError && err.providerCode === '404') return;
        throw err;
      });
    },
  };
}
