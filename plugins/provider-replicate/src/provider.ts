import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clip,
  type ClipRequest,
  catalogueCapabilities,
  cutPrompt,
  modelCatalogue,
  oneImageClip,
  type PluginContext,
  ProviderError,
  type ProviderJobStatus,
  parsePluginSettings,
  submittedJob,
  type VideoProvider,
  vendorAccess,
} from '@beatframe/core';
import { clipOfJob, downloadJob, fetchVideo, fitStill, requireVideo } from '@beatframe/media';
import Replicate, { type Prediction } from 'replicate';
import { inputFor, REPLICATE_CATALOGUE } from './catalogue.js';
import { predictionFailure, toProviderError } from './errors.js';
import { REPLICATE_CONNECTION, ReplicateSettings } from './settings.js';

/** Replicate deletes a prediction's output files an hour after it finishes. */
export const OUTPUT_TTL_MS = 60 * 60 * 1000;

/**
 * The official client (`vendorAccess`'s `connect`), its outputs as plain URLs (not FileOutput streams): the plugin
 * fetches them itself, verified, before they expire.
 */
const replicateClient = (auth: string, baseUrl: string | undefined) =>
  new Replicate({ auth, useFileOutput: false, ...(baseUrl ? { baseUrl } : {}) });

interface ReplicateJobData {
  host: string;
  /** `owner/name` the prediction ran, and the version it ran (pinned or the latest). */
  model: string;
  version?: string;
}

export function createReplicateProvider(raw: unknown = {}): VideoProvider {
  const settings = parsePluginSettings(ReplicateSettings, raw, 'providers.replicate');
  const name = settings.name ?? 'replicate';
  const access = vendorAccess(name, settings, REPLICATE_CONNECTION, toProviderError, replicateClient);
  const { conn, client, call } = access;
  const { hostOf } = conn;
  const catalogue = modelCatalogue(name, settings, REPLICATE_CATALOGUE);
  const { modelOf, def, entryOf } = catalogue;
  const cacheDir = settings.cacheDir ?? join(tmpdir(), 'beatframe-replicate');

  function usd(req: Pick<ClipRequest, 'seconds' | 'size' | 'model'>): number {
    const m = entryOf(req.model);
    return Number(((m.perSecondBySize?.[req.size] ?? m.perSecond) * req.seconds).toFixed(4));
  }
  const cachePath = (id: string) => join(cacheDir, `${id.replace(/[^\w-]/g, '_')}.mp4`);
  const outputUrl = (p: Prediction): string | undefined => {
    const out = Array.isArray(p.output) ? p.output[0] : p.output;
    return typeof out === 'string' ? out : undefined;
  };

  /** Fetches a finished prediction's video into the cache now: Replicate deletes it an hour after it finished. */
  async function prefetch(p: Prediction, ctx: PluginContext): Promise<void> {
    const url = outputUrl(p);
    const dest = cachePath(p.id);
    if (!url || existsSync(dest)) return;
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${dest}.${process.pid}.part`;
    try {
      await fetchVideo(url, tmp, {
        jobId: p.id,
        label: 'the output URL',
        expired: [404, 410],
        signal: ctx.signal,
      });
      await rename(tmp, dest);
      const expires = p.completed_at
        ? new Date(Date.parse(p.completed_at) + OUTPUT_TTL_MS).toISOString()
        : '';
      ctx.logger.info({ predictionId: p.id, expires }, 'Replicate output fetched before it expires');
    } catch (err) {
      await rm(tmp, { force: true });
      ctx.logger.warn(
        { predictionId: p.id, err: (err as Error).message },
        'could not prefetch the output yet',
      );
    }
  }

  return {
    name,
    aliases: name === 'replicate' ? ['replicate-com'] : [],
    description:
      'Replicate predictions API (Wan 2.2, Seedance, Hailuo; any video model by owner/name, versions pinnable) through the official replicate client; paid, needs REPLICATE_API_TOKEN',
    capabilities: {
      ...catalogueCapabilities(catalogue, settings, Object.keys(def.sizes), usd),
      imageToVideo: !!(def.imageModel || def.imageInput),
      audio: false,
    },

    status: conn.status,

    async submit(req, ctx) {
      const {
        model: id,
        m,
        label,
        size,
        seconds,
      } = oneImageClip(name, modelOf, req, ctx, (m) => !!m.imageInput);
      const r = client(ctx); // a missing token fails here, before any image work
      const image = req.imagePath
        ? `data:image/png;base64,${(await fitStill(req.imagePath, size, 'start image', { signal: ctx.signal })).toString('base64')}`
        : undefined;
      const prompt = cutPrompt(req.prompt, m.maxPromptChars, label, ctx, { shotId: req.shotId, model: id });
      const input = inputFor(m, { ...req, prompt, seconds, size }, image);
      const owner = image && m.imageModel ? m.imageModel : m.model;
      const version = image && m.imageModel ? m.imageVersion : m.version;
      const webhook = settings.webhookUrl ?? (ctx.env ?? process.env).REPLICATE_WEBHOOK_URL;
      const p = await call('creating the prediction', ctx, owner, () =>
        r.predictions.create({
          // A pinned version runs exactly that build; otherwise the official model runs its latest.
          ...(version ? { version } : { model: owner }),
          input,
          ...(webhook ? { webhook, webhook_events_filter: ['completed' as const] } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }),
      );
      ctx.logger.info(
        { predictionId: p.id, model: owner, version: p.version, seconds, size, shotId: req.shotId },
        'Replicate prediction created',
      );
      return submittedJob(name, p.id, { model: id, seconds, size }, {
        host: hostOf(ctx),
        model: owner,
        ...(p.version && p.version !== 'hidden' ? { version: p.version } : {}),
      } satisfies ReplicateJobData);
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const r = client(ctx);
      const p = await call('checking the prediction', ctx, ref.model, () =>
        r.predictions.get(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
      );
      if (p.status === 'starting') return { state: 'queued', progress: 0 };
      if (p.status === 'processing') {
        // Video models log their progress bars ("45%|████▌ | 9/20"); the last one is the progress.
        const pct = [...(p.logs ?? '').matchAll(/(\d{1,3})%\|/g)].at(-1)?.[1];
        return pct ? { state: 'running', progress: Math.min(1, Number(pct) / 100) } : { state: 'running' };
      }
      if (p.status === 'succeeded') {
        await prefetch(p, ctx);
        return { state: 'done', progress: 1 };
      }
      if (p.status === 'canceled' || p.status === 'aborted')
        return {
          state: 'failed',
          error: { kind: 'fatal', message: `Replicate prediction ${ref.jobId} was ${p.status}` },
        };
      return { state: 'failed', error: predictionFailure(p.error, ref.jobId) };
    },

    async download(ref, dest, ctx): Promise<Clip> {
      const cached = cachePath(ref.jobId);
      const info = await downloadJob(ref, dest, ctx, {
        attempts: settings.downloadAttempts,
        retryMessage: 'download failed; reading the prediction again',
        source: async (): Promise<{ cached: string } | { url: string }> => {
          if (existsSync(cached)) return { cached };
          const p = await call('reading the prediction', ctx, ref.model, () =>
            client(ctx).predictions.get(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
          );
          const url = outputUrl(p);
          if (p.data_removed || !url)
            throw new ProviderError(
              'fatal',
              `Replicate deleted the output of prediction ${ref.jobId} (outputs last an hour); it must be generated again`,
            );
          return { url };
        },
        save: async (src, tmp) => {
          if ('cached' in src) {
            await copyFile(src.cached, tmp);
            // A corrupt cached copy is dropped, so the next attempt fetches the output again.
            return requireVideo(tmp, ref.jobId).catch(async (err: unknown) => {
              await rm(src.cached, { force: true });
              throw err;
            });
          }
          return fetchVideo(src.url, tmp, {
            jobId: ref.jobId,
            label: 'the output URL',
            expired: [404, 410],
            signal: ctx.signal,
          });
        },
      });
      await rm(cached, { force: true });
      return clipOfJob(dest, info, name, ref, usd);
    },

    async cancel(ref, ctx) {
      const r = client(ctx);
      await call('cancelling the prediction', ctx, ref.model, () =>
        r.predictions.cancel(ref.jobId, ctx.signal ? { signal: ctx.signal } : {}),
      );
    },
  };
}
