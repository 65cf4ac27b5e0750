import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BeatframeError,
  type Clip,
  type ClipRequest,
  digestOf,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  snapDuration,
  type VideoProvider,
  validateSize,
} from '@beatframe/core';
import { clipOfJob, ffmpegPath, type MediaInfo, probeMedia } from '@beatframe/media';
import { coloursOfImage } from './image.js';
import { jobFiles, readPid, removePartials, rendering } from './jobs.js';
import { ffmpegArgs, type LocalLook, lookFor } from './look.js';
import { type SceneSpec, sceneFor } from './scene/spec.js';
import type { LocalProviderSettings } from './settings.js';

/** Sizes it offers: the usual 720p/1080p frames, their halves (previews), and small ones for tests. */
export const LOCAL_SIZES = [
  '1280x720',
  '720x1280',
  '720x720',
  '1920x1080',
  '1080x1920',
  '1080x1080',
  '960x540',
  '540x960',
  '540x540',
  '360x360',
  '854x480',
  '480x854',
  '640x360',
  '360x640',
  '320x180',
  '180x320',
  '320x320',
];
export const LOCAL_DURATIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** Whether each ffmpeg binary runs, checked once per process. */
const ffmpegFound: Record<string, boolean> = {};

/** The default model draws a scene from the prompt's words; the old abstract generator stays selectable. */
export const SCENE_MODEL = 'scene-v1';
export const MOTION_MODEL = 'motion-graphics-v1';

/** The scene render process; built to dist/ (tests run after a build, as CI does). */
const SCENE_WORKER = fileURLToPath(new URL('../dist/scene/worker.js', import.meta.url));
interface LocalJobData {
  look?: LocalLook;
  scene?: SceneSpec;
}

/** What a job renders and how it checks the result; either kind of job has these. */
type JobPlan = { look: LocalLook; scene?: undefined } | { scene: SceneSpec; look?: undefined };
const shapeOf = (p: JobPlan) => p.look ?? p.scene!;

function planOf(ref: ProviderJobRef): JobPlan {
  const { look, scene } = ref.data as Partial<LocalJobData>;
  if (scene && typeof scene === 'object' && typeof scene.seed === 'number') return { scene };
  if (look && typeof look === 'object' && typeof look.seed === 'number') return { look };
  throw new ProviderError('fatal', `job ${ref.jobId} has no render parameters; submit the shot again`);
}

function lookOf(ref: ProviderJobRef): LocalLook {
  const { look } = planOf(ref);
  if (!look) throw new ProviderError('fatal', `job ${ref.jobId} is a scene, not a motion-graphics look`);
  return look;
}

/**
 * The offline default: abstract motion graphics rendered by ffmpeg on this machine, following the
 * prompt's colour and mood words and the music's tempo and energy. It is not a text-to-video model.
 */
export function createLocalProvider(settings: LocalProviderSettings = {}): VideoProvider {
  const workDir = settings.workDir ?? join(tmpdir(), 'beatframe-provider-local');
  const fps = settings.fps ?? 30;
  // One render a core: a scene draws on one thread (Skia) and its encoder is light, so one render leaves a
  // core idle (at half size, a preview's, the drawing is nearly all of it).
  const concurrency = settings.concurrency ?? Math.max(1, availableParallelism());

  /**
   * Starts the render in its own process group. A shell wraps ffmpeg so the finished file is moved
   * into place and the exit status written even if this process has died by then.
   */
  function startRender(jobId: string, plan: JobPlan, ctx: PluginContext): void {
    const f = jobFiles(workDir, jobId);
    const partial = f.partial();
    for (const p of [f.progress, f.status]) rmSync(p, { force: true });
    const ffmpeg = ffmpegPath(ctx.env ?? process.env);
    const command = plan.scene
      ? [
          process.execPath,
          SCENE_WORKER,
          JSON.stringify(plan.scene),
          partial,
          ffmpeg,
          f.progress,
          ...(settings.preset ? [settings.preset] : []),
        ]
      : [
          ffmpeg,
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          '-y',
          '-progress',
          f.progress,
          '-nostats',
          ...ffmpegArgs(plan.look, partial, settings.preset ? { preset: settings.preset } : {}),
        ];
    const script =
      '"$@"; s=$?; if [ $s -eq 0 ]; then mv -f -- "$BF_PARTIAL" "$BF_FINAL" || s=97; fi; echo $s > "$BF_STATUS"';
    const logFd = openSync(f.log, 'w');
    const child = spawn('sh', ['-c', script, 'sh', ...command], {
      detached: true,
      stdio: ['ignore', 'ignore', logFd],
      env: { ...process.env, BF_PARTIAL: partial, BF_FINAL: f.final, BF_STATUS: f.status },
    });
    closeSync(logFd);
    child.on('error', (err) => ctx.logger.error({ err, jobId }, 'local render could not start'));
    child.unref();
    if (child.pid) writeFileSync(f.pid, String(child.pid));
    const shape = shapeOf(plan);
    ctx.logger.debug(
      { jobId, kind: plan.scene ? 'scene' : plan.look.style, size: `${shape.width}x${shape.height}` },
      'local render started',
    );
  }

  function progressOf(f: ReturnType<typeof jobFiles>, seconds: number): number {
    try {
      const text = readFileSync(f.progress, 'utf8');
      const hits = [...text.matchAll(/out_time_us=(\d+)/g)];
      const last = hits.at(-1);
      return last ? Math.min(0.99, Number(last[1]) / 1e6 / seconds) : 0;
    } catch {
      return 0;
    }
  }

  /** Renders and waits; a render that dies is started again, twice at most. */
  async function renderNow(jobId: string, plan: JobPlan, ctx: PluginContext): Promise<void> {
    await mkdir(workDir, { recursive: true });
    startRender(jobId, plan, ctx);
    let restarts = 0;
    for (;;) {
      if (ctx.signal?.aborted) throw new BeatframeError('cancelled', { code: 'ABORTED' });
      const st = currentState(jobId, shapeOf(plan).seconds);
      if (st.state === 'done' || st.state === 'failed') {
        if (st.error) throw ProviderError.fromInfo(st.error);
        return;
      }
      if (st.state === 'queued') {
        if (restarts++ >= 2) throw new ProviderError('retryable', `local render of ${jobId} keeps dying`);
        startRender(jobId, plan, ctx);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What the files on disk say about a job; 'queued' means nothing is rendering it. */
  function currentState(jobId: string, seconds: number): ProviderJobStatus {
    const f = jobFiles(workDir, jobId);
    if (existsSync(f.final)) return { state: 'done', progress: 1 };
    if (existsSync(f.status)) {
      const code = Number(readFileSync(f.status, 'utf8').trim());
      if (code > 0 && code < 128) {
        const tail = existsSync(f.log)
          ? readFileSync(f.log, 'utf8').trim().split('\n').slice(-2).join(' | ')
          : '';
        return {
          state: 'failed',
          error: { kind: 'fatal', message: `local render failed (${code}): ${tail || 'no output'}` },
        };
      }
    }
    const pid = readPid(f.pid);
    if (pid && rendering(pid, f.base) && !existsSync(f.status))
      return { state: 'running', progress: progressOf(f, seconds) };
    return { state: 'queued', progress: 0 };
  }

  async function verified(
    path: string,
    look: { width: number; height: number; seconds: number },
  ): Promise<Awaited<ReturnType<typeof probeMedia>> | undefined> {
    try {
      const info = await probeMedia(path);
      const v = info.video;
      if (
        v &&
        v.width === look.width &&
        v.height === look.height &&
        Math.abs(info.durationSec - look.seconds) < Math.max(0.5, 1.5 / fps)
      )
        return info;
    } catch {
      // Unreadable: the caller re-renders.
    }
    return undefined;
  }

  const provider: VideoProvider = {
    name: 'local',
    aliases: ['offline', 'motion-graphics'],
    description:
      "Procedural scenes drawn on this machine (Skia): sky and time of day, weather, settings, silhouetted subjects and camera moves from the prompt's words, lights on the beat; offline, free; not a text-to-video model (motion-graphics-v1: the older abstract ffmpeg graphics)",
    capabilities: {
      durations: LOCAL_DURATIONS,
      sizes: LOCAL_SIZES,
      aspects: ['16:9', '9:16', '1:1'],
      imageToVideo: false,
      remix: false,
      maxPromptChars: 4000,
      models: [SCENE_MODEL, MOTION_MODEL],
      audio: false,
      usdFor: () => 0,
      deterministic: true,
      cpuBound: true,
      pollIntervalMs: 500,
      concurrency,
      rpm: 10_000,
      promptGuide:
        'Name a setting (city, street, coast, highway, mountains, forest, desert, space, underwater, room, neon grid), a time of day, weather (rain, snow, fog, lightning, wind), a simple subject (figure, dancer, car, boat, birds, lanterns, train), a camera move and colours; faces and detail are not drawn.',
    },

    status(ctx: PluginContext) {
      const bin = ffmpegPath(ctx.env ?? process.env);
      ffmpegFound[bin] ??= spawnSync(bin, ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0;
      return ffmpegFound[bin]
        ? { configured: true }
        : {
            configured: false,
            hint: `ffmpeg (${bin}) was not found: run 'npm run setup' or set BEATFRAME_FFMPEG`,
          };
    },

    async submit(req: ClipRequest, ctx: PluginContext): Promise<ProviderJobRef> {
      const size = validateSize(req.size, LOCAL_SIZES, 'local');
      const seconds = snapDuration(req.seconds, LOCAL_DURATIONS, {
        ...ctx,
        provider: 'local',
        ...(req.shotId ? { shotId: req.shotId } : {}),
      });
      const model = req.model ?? SCENE_MODEL;
      if (model !== SCENE_MODEL && model !== MOTION_MODEL)
        throw new ProviderError(
          'fatal',
          `local has no model '${model}' (it has ${SCENE_MODEL}, ${MOTION_MODEL})`,
        );
      let plan: JobPlan;
      let summary: string;
      if (model === SCENE_MODEL) {
        const scene = sceneFor({ ...req, size, seconds }, { fps });
        plan = { scene };
        summary =
          `scene ${scene.setting} at ${scene.time}${scene.weather.length ? ` with ${scene.weather.join(', ')}` : ''}` +
          `${scene.subjects.length ? `, ${scene.subjects.join(' and ')}` : ''}, ${scene.camera} camera; ` +
          `matched ${scene.matched.join(' ') || 'nothing'}; fell back on ${scene.fallback.join(' ') || 'nothing'}`;
      } else {
        // A reference image (the previous shot's last frame) lends its colours, for continuity between shots.
        const imageColours = req.imagePath ? await coloursOfImage(req.imagePath, ctx) : [];
        const look = lookFor({ ...req, size, seconds }, { fps, imageColours });
        plan = { look };
        summary = `${look.style} motion, palette ${look.palette.join(' ')}, ${look.bpm} bpm, energy ${look.energy}`;
      }
      // The job id is the digest of everything the render depends on: the same request is the same clip.
      const jobId = plan.look
        ? `local-${digestOf(plan.look).slice(0, 20)}`
        : `local-${digestOf({ model, scene: plan.scene }).slice(0, 20)}`;
      await mkdir(workDir, { recursive: true });
      const st = currentState(jobId, seconds);
      // Same parameters, same clip: a finished or running render is reused rather than redone.
      if (st.state === 'queued' || st.state === 'failed') startRender(jobId, plan, ctx);
      void ctx.decisions?.record({
        role: 'provider-local',
        summary,
        ...(req.shotId ? { shotId: req.shotId } : {}),
        output: shapeOf(plan),
      });
      return {
        provider: 'local',
        jobId,
        model,
        submittedAt: new Date().toISOString(),
        seconds,
        size,
        data: plan as LocalJobData as unknown as Record<string, unknown>,
      };
    },

    async poll(ref: ProviderJobRef, ctx: PluginContext): Promise<ProviderJobStatus> {
      const plan = planOf(ref);
      const st = currentState(ref.jobId, shapeOf(plan).seconds);
      if (st.state === 'queued') {
        // Nothing renders it (the process that did has died): start again, deterministically.
        await mkdir(workDir, { recursive: true });
        startRender(ref.jobId, plan, ctx);
      }
      return st;
    },

    async download(ref: ProviderJobRef, dest: string, ctx: PluginContext): Promise<Clip> {
      const plan = planOf(ref);
      const look = shapeOf(plan);
      const f = jobFiles(workDir, ref.jobId);
      let info = existsSync(f.final) ? await verified(f.final, look) : undefined;
      // A clip moved already (a crash between moving and recording it) is still good where it went.
      if (!info && !existsSync(f.final) && existsSync(dest)) {
        const there = await verified(dest, look);
        if (there) return clipOf(ref, dest, there);
      }
      for (let attempt = 0; !info && attempt < 2; attempt++) {
        ctx.logger.warn({ jobId: ref.jobId, attempt }, 'local clip missing or corrupt; rendering it again');
        await rm(f.final, { force: true });
        await rm(f.pid, { force: true });
        await renderNow(ref.jobId, plan, ctx);
        info = await verified(f.final, look);
      }
      if (!info)
        throw new ProviderError('retryable', `local render of ${ref.jobId} keeps producing a bad file`);
      await mkdir(dirname(dest), { recursive: true });
      try {
        await rename(f.final, dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        await copyFile(f.final, `${dest}.part`);
        await rename(`${dest}.part`, dest);
        await rm(f.final, { force: true });
      }
      for (const p of [f.pid, f.progress, f.status, f.log]) await rm(p, { force: true });
      return clipOf(ref, dest, info);
    },

    async cancel(ref: ProviderJobRef): Promise<void> {
      const f = jobFiles(workDir, ref.jobId);
      const pid = readPid(f.pid);
      if (pid && rendering(pid, f.base)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      for (const p of [f.pid, f.progress, f.status, f.log]) await rm(p, { force: true });
      await removePartials(workDir, ref.jobId);
    },
  };
  return provider;
}

function clipOf(ref: ProviderJobRef, path: string, info: MediaInfo): Clip {
  return clipOfJob(path, info, 'local', { ...ref, model: ref.model ?? MOTION_MODEL }, 0);
}

/** The parameters a clip was (or will be) rendered from, for tests and the decision log. */
export function lookOfJob(ref: ProviderJobRef): LocalLook {
  return lookOf(ref);
}

/** The scene a scene job was (or will be) rendered from. */
export function sceneOfJob(ref: ProviderJobRef): SceneSpec {
  const { scene } = planOf(ref);
  if (!scene) throw new ProviderError('fatal', `job ${ref.jobId} is a motion-graphics look, not a scene`);
  return scene;
}

/** Where a job's files live, so a test can corrupt or kill them. */
export function localJobFiles(workDir: string, jobId: string): ReturnType<typeof jobFiles> {
  return jobFiles(workDir, jobId);
}
