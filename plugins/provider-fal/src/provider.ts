import {
  type Clip,
  type ClipRequest,
  catalogueCapabilities,
  cutPrompt,
  InputError,
  modelCatalogue,
  oneImageClip,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  submittedJob,
  type VideoProvider,
} from '@beatframe/core';
import { clipOfJob, downloadJobLink, fitStill, type JobLink } from '@beatframe/media';
import type { QueueStatus } from '@fal-ai/client';
import { FAL_CATALOGUE, inputFor } from './catalogue.js';
import { falAccess } from './client.js';
import { detailOf, kindOf } from './errors.js';
import type { FalSettings } from './settings.js';

interface FalJobData {
  /** The endpoint the request was queued on: status and result live under it. */
  endpoint: string;
  host?: string;
}

/** fal's result files are public links (the key is never sent to them) that expire. */
const RESULT_LINK: JobLink = {
  label: 'the video URL',
  expired: [403, 410],
  retryMessage: 'download failed; reading the result again',
};

/** The video URL of a finished request's result. */
function videoUrlOf(ref: ProviderJobRef, result: { data?: unknown }): string {
  const url = (result.data as { video?: { url?: string } } | undefined)?.video?.url;
  if (!url) throw new ProviderError('fatal', `fal request ${ref.jobId} has no video in its result`);
  return url;
}

export function createFalProvider(settings: FalSettings = {}): VideoProvider {
  const name = settings.name ?? 'fal';
  const { conn, client, call } = falAccess(name, settings);
  const { hostOf } = conn;
  const catalogue = modelCatalogue(name, settings, FAL_CATALOGUE);
  const { modelOf, def, entryOf } = catalogue;

  function usd(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number {
    const m = entryOf(req.model);
    const perSecond = m.perSecondBySize?.[req.size] ?? m.perSecond;
    return Number((perSecond * req.seconds).toFixed(4));
  }

  /** The still as a PNG data URI (fal takes data URIs for image_url), cover-fitted to the clip size. */
  async function imageUrlOf(path: string, size: string, ctx: PluginContext): Promise<string> {
    const png = await fitStill(path, size, 'start image', { signal: ctx.signal });
    return `data:image/png;base64,${png.toString('base64')}`;
  }

  function dataOf(ref: ProviderJobRef): FalJobData {
    const endpoint = (ref.data as Partial<FalJobData>).endpoint;
    if (!endpoint) throw new InputError(`job ${ref.jobId} has no fal endpoint in its reference`);
    return ref.data as unknown as FalJobData;
  }

  /** A finished request's outcome: its result, or the classified reason it failed (result() throws then). */
  async function resultOf(ref: ProviderJobRef, ctx: PluginContext) {
    const { endpoint } = dataOf(ref);
    const fal = client(ctx);
    return call('reading the result', ctx, { endpoint, ...(ref.model ? { model: ref.model } : {}) }, () =>
      fal.queue.result(endpoint, {
        requestId: ref.jobId,
        ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
      }),
    );
  }

  return {
    name,
    aliases: name === 'fal' ? ['fal-ai', 'kling', 'wan', 'seedance', 'hailuo'] : [],
    description:
      'fal.ai queue API (Kling, Wan, Seedance, MiniMax Hailuo) through the official @fal-ai/client; paid, needs FAL_KEY',
    capabilities: {
      ...catalogueCapabilities(catalogue, settings, Object.keys(def.sizes), usd),
      imageToVideo: !!def.imageToVideo,
      audio: def.audio,
    },

    status: conn.status,

    async submit(req, ctx) {
      const { model, m, label, size, seconds } = oneImageClip(
        name,
        modelOf,
        req,
        ctx,
        (m) => !!m.imageToVideo,
      );
      const fal = client(ctx); // a missing key fails here, before any image work
      const imageUrl = req.imagePath ? await imageUrlOf(req.imagePath, size, ctx) : undefined;
      const endpoint = imageUrl ? m.imageToVideo! : m.textToVideo;
      const prompt = cutPrompt(req.prompt, m.maxPromptChars, label, ctx, { shotId: req.shotId, model });
      const input = inputFor(m, { ...req, prompt, seconds, size }, imageUrl);
      const queued = await call('queueing the video', ctx, { model, endpoint }, () =>
        fal.queue.submit(endpoint, { input, ...(ctx.signal ? { abortSignal: ctx.signal } : {}) }),
      );
      ctx.logger.info(
        { requestId: queued.request_id, endpoint, seconds, size, shotId: req.shotId },
        'video request queued',
      );
      return submittedJob(name, queued.request_id, { model, seconds, size }, {
        endpoint,
        host: hostOf(ctx),
      } satisfies FalJobData);
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const { endpoint } = dataOf(ref);
      const fal = client(ctx);
      const st = (await call('checking the video request', ctx, { endpoint }, () =>
        fal.queue.status(endpoint, {
          requestId: ref.jobId,
          logs: true,
          ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
        }),
      )) as QueueStatus & { error?: string; error_type?: string };
      const logs = 'logs' in st ? (st.logs ?? []) : [];
      for (const l of logs.slice(-3)) ctx.logger.debug({ requestId: ref.jobId, level: l.level }, l.message);
      if (st.status === 'IN_QUEUE') return { state: 'queued', progress: 0 };
      if (st.status === 'IN_PROGRESS') {
        // Some fal apps log their progress ("45%"); otherwise there is none to report.
        const pct = logs
          .map((l) => /(\d{1,3})\s*%/.exec(l.message)?.[1])
          .filter(Boolean)
          .at(-1);
        return pct ? { state: 'running', progress: Math.min(1, Number(pct) / 100) } : { state: 'running' };
      }
      if (!st.error) return { state: 'done', progress: 1 };
      // A failed request ends COMPLETED too; its result (a 422 or 500) says why.
      try {
        await resultOf(ref, ctx);
        return { state: 'done', progress: 1 };
      } catch (err) {
        const e = err instanceof ProviderError ? err : undefined;
        const cause = e?.cause as { status?: number; body?: unknown } | undefined;
        const kind = cause?.status ? kindOf(cause.status, cause.body) : (e?.kind ?? 'fatal');
        const detail = cause?.body ? detailOf(cause.body).text : '';
        return {
          state: 'failed',
          error: {
            kind,
            message: `fal request ${ref.jobId} failed${st.error_type ? ` (${st.error_type})` : ''}: ${(detail || st.error).replace(/\s+/g, ' ').slice(0, 300)}`,
            ...(st.error_type
              ? { code: st.error_type }
              : cause?.status
                ? { code: String(cause.status) }
                : {}),
          },
        };
      }
    },

    async download(ref, dest, ctx): Promise<Clip> {
      // The result is read again for each attempt, so an expired file URL is replaced by the current one.
      const info = await downloadJobLink(ref, dest, ctx, settings.downloadAttempts, RESULT_LINK, async () =>
        videoUrlOf(ref, await resultOf(ref, ctx)),
      );
      return clipOfJob(dest, info, name, ref, usd);
    },

    async cancel(ref, ctx) {
      const { endpoint } = dataOf(ref);
      const fal = client(ctx);
      await call('cancelling the video request', ctx, { endpoint }, () =>
        fal.queue.cancel(endpoint, {
          requestId: ref.jobId,
          ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
        }),
      ).catch((err: unknown) => {
        // Already finished (400 ALREADY_COMPLETED) or gone: nothing left to stop.
        if (err instanceof ProviderError && /^(400|404)$/.test(err.providerCode ?? '')) return;
        throw err;
      });
    },
  };
}
