import { existsSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import {
  type Clip,
  type ClipRequest,
  digestOf,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  produceAtomic,
  type VideoProvider,
} from '@beatframe/core';
import { type MediaInfo, probeMedia, runFfmpeg } from '@beatframe/media';
import { expectedNames, findShotClip, manualDir } from './folder.js';
import type { ManualProviderSettings } from './settings.js';

interface ManualJobData {
  source: string;
  shotId?: string;
  bytes: number;
  mtimeMs: number;
}

function sourceOf(ref: ProviderJobRef): ManualJobData {
  const d = ref.data as Partial<ManualJobData>;
  if (typeof d.source !== 'string') throw new ProviderError('fatal', `job ${ref.jobId} names no clip file`);
  return d as ManualJobData;
}

/** Is this file fine as it is for the compositor (H.264 in MP4, 4:2:0, upright)? */
function playableAsIs(info: MediaInfo): boolean {
  const v = info.video;
  return (
    !!v &&
    v.codec === 'h264' &&
    v.pixFmt === 'yuv420p' &&
    v.rotation === 0 &&
    /mp4|mov/.test(info.formatName) &&
    (!info.audio || info.audio.codec === 'aac')
  );
}

/**
 * Clips you supply by hand, one per shot, from a folder: the fallback when a model's result is not good
 * enough, or when you made the clips elsewhere. Odd sizes are fine (the compositor scales); other codecs
 * are converted to H.264 on download.
 */
export function createManualProvider(settings: ManualProviderSettings = {}): VideoProvider {
  return {
    name: 'manual',
    aliases: ['folder', 'hand'],
    description: 'Your own clips from a folder, one per shot (<shotId>.mp4, NN-*.mp4 or clips.json); free',
    capabilities: {
      durations: [],
      sizes: [],
      aspects: ['16:9', '9:16', '1:1'],
      imageToVideo: false,
      remix: false,
      maxPromptChars: 100_000,
      models: ['manual'],
      audio: false,
      usdFor: () => 0,
      seeds: false,
      concurrency: 4,
      rpm: 10_000,
      promptGuide: 'Prompts are not used: each shot takes the clip you put in the folder.',
      userClips: true,
      pollIntervalMs: 500,
    },

    status(ctx: PluginContext) {
      try {
        manualDir(settings.dir, ctx.env ?? process.env);
        return { configured: true };
      } catch (err) {
        return {
          configured: false,
          hint: (err as Error).message.replace(/^manual needs a folder of clips: /, ''),
        };
      }
    },

    async submit(req: ClipRequest, ctx: PluginContext): Promise<ProviderJobRef> {
      const dir = manualDir(settings.dir, ctx.env ?? process.env);
      const key = {
        ...(req.shotId ? { shotId: req.shotId } : {}),
        ...(req.shotIndex !== undefined ? { shotIndex: req.shotIndex } : {}),
      };
      if (!key.shotId && key.shotIndex === undefined) {
        throw new ProviderError(
          'fatal',
          'manual clips are found by shot id or number; this request has neither',
          {
            code: 'MANUAL_NO_SHOT',
          },
        );
      }
      const source = findShotClip(dir, key);
      const who = req.shotId ?? `#${(req.shotIndex ?? 0) + 1}`;
      if (!source) {
        throw new ProviderError('fatal', `no clip for shot ${who} in ${dir}: add ${expectedNames(key)}`, {
          code: 'MANUAL_CLIP_MISSING',
        });
      }
      const st = statSync(source);
      ctx.logger.info({ shotId: req.shotId, source }, 'manual clip found');
      void ctx.decisions?.record({
        role: 'provider-manual',
        summary: `shot ${who} uses ${source}`,
        ...(req.shotId ? { shotId: req.shotId } : {}),
        output: { source },
      });
      const data: ManualJobData = {
        source,
        bytes: st.size,
        mtimeMs: st.mtimeMs,
        ...(req.shotId ? { shotId: req.shotId } : {}),
      };
      return {
        provider: 'manual',
        jobId: `manual-${digestOf(data).slice(0, 16)}`,
        model: 'manual',
        submittedAt: new Date().toISOString(),
        seconds: req.seconds,
        size: req.size,
        data: data as unknown as Record<string, unknown>,
      };
    },

    async poll(ref: ProviderJobRef): Promise<ProviderJobStatus> {
      const { source } = sourceOf(ref);
      if (!existsSync(source)) {
        return {
          state: 'failed',
          error: { kind: 'fatal', message: `the clip ${source} was removed`, code: 'MANUAL_CLIP_MISSING' },
        };
      }
      return { state: 'done', progress: 1 };
    },

    async download(ref: ProviderJobRef, dest: string, ctx: PluginContext): Promise<Clip> {
      const { source } = sourceOf(ref);
      if (!existsSync(source)) throw new ProviderError('fatal', `the clip ${source} was removed`);
      let info: MediaInfo;
      try {
        info = await probeMedia(source, ctx.signal ? { signal: ctx.signal } : {});
      } catch {
        throw new ProviderError('fatal', `${source} is not a readable video; replace it`, {
          code: 'MANUAL_BAD_CLIP',
        });
      }
      if (!info.video || info.durationSec <= 0) {
        throw new ProviderError('fatal', `${source} has no video stream; replace it`, {
          code: 'MANUAL_BAD_CLIP',
        });
      }
      const out = await produceAtomic(dest, async (tmp) => {
        if (playableAsIs(info)) {
          await copyFile(source, tmp);
        } else {
          ctx.logger.info({ source, codec: info.video?.codec }, 'converting the manual clip to H.264');
          // Upright, even-sized, 4:2:0 H.264 and AAC: what every renderer and browser plays.
          await runFfmpeg(
            [
              '-i',
              source,
              '-map',
              '0:v:0',
              '-map',
              '0:a:0?',
              '-vf',
              'scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p',
              '-c:v',
              'libx264',
              '-preset',
              'veryfast',
              '-crf',
              '18',
              '-c:a',
              'aac',
              '-movflags',
              '+faststart',
              '-f',
              'mp4',
              tmp,
            ],
            ctx.signal ? { signal: ctx.signal } : {},
          );
        }
        return probeMedia(tmp);
      });
      return {
        path: dest,
        durationSec: out.durationSec,
        width: out.video!.width,
        height: out.video!.height,
        fps: out.video!.fps,
        hasAudio: !!out.audio,
        provider: 'manual',
        model: 'manual',
        jobId: ref.jobId,
        costUsd: 0,
        ...(ref.data.shotId ? { shotId: String(ref.data.shotId) } : {}),
      };
    },
  };
}
