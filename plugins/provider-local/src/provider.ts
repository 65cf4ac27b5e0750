import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
import { ffmpegPath, probeMedia, runFfmpeg } from '@beatframe/media';
import { ffmpegArgs, type LocalLook, lookFor } from './look.js';

export interface LocalProviderSettings {
  /** Where renders in flight and finished clips wait for download. */
  workDir?: string;
  /** Frame rate of the clips. */
  fps?: number;
  /** Renders at once (defaults to half the CPU cores). */
  concurrency?: number;
  /** x264 preset: speed against file size (default ultrafast). */
  preset?: string;
}

/** Sizes it offers: the usual 720p/1080p frames plus small ones for previews and tests. */
export const LOCAL_SIZES = [
  '1280x720',
  '720x1280',
  '720x720',
  '1920x1080',
  '1080x1920',
  '1080x1080',
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

interface LocalJobData {
  look: LocalLook;
}

/** Files of one job, all beside each other in the work folder. */
function jobFiles(workDir: string, jobId: string) {
  const base = join(workDir, jobId);
  return {
    final: `${base}.mp4`,
    /** Each render attempt writes its own partial file, so two attempts never write into one file. */
    partial: () => `${base}.${randomBytes(4).toString('hex')}.partial.mp4`,
    /** What a render's command line contains. */
    base,
    pid: `${base}.pid`,
    progress: `${base}.progress`,
    status: `${base}.status`,
    log: `${base}.log`,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is `pid` still our render of this job? Pid files outlive reboots, and pids get reused, so where /proc
 * exists the process's command line must name the job's output.
 */
function rendering(pid: number, jobBase: string): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${jobBase}.`);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function removePartials(workDir: string, jobId: string): Promise<void> {
  const names = await readdir(workDir).catch(() => [] as string[]);
  for (const n of names)
    if (n.startsWith(`${jobId}.`) && n.endsWith('.partial.mp4')) await rm(join(workDir, n), { force: true });
}

function lookOf(ref: ProviderJobRef): LocalLook {
  const look = (ref.data as Partial<LocalJobData>).look;
  if (!look || typeof look !== 'object' || typeof look.seed !== 'number') {
    throw new ProviderError('fatal', `job ${ref.jobId} has no render parameters; submit the shot again`);
  }
  return look;
}

/**
 * The offline default: abstract motion graphics rendered by ffmpeg on this machine, following the
 * prompt's colour and mood words and the music's tempo and energy. It is not a text-to-video model.
 */
export function createLocalProvider(settings: LocalProviderSettings = {}): VideoProvider {
  const workDir = settings.workDir ?? join(tmpdir(), 'beatframe-provider-local');
  const fps = settings.fps ?? 30;
  const concurrency = settings.concurrency ?? Math.max(1, Math.floor(availableParallelism() / 2));

  /**
   * Starts the render in its own process group. A shell wraps ffmpeg so the finished file is moved
   * into place and the exit status written even if this process has died by then.
   */
  function startRender(jobId: string, look: LocalLook, ctx: PluginContext): void {
    const f = jobFiles(workDir, jobId);
    const partial = f.partial();
    for (const p of [f.progress, f.status]) rmSync(p, { force: true });
    const args = [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-progress',
      f.progress,
      '-nostats',
      ...ffmpegArgs(look, partial, settings.preset ? { preset: settings.preset } : {}),
    ];
    const script =
      '"$@"; s=$?; if [ $s -eq 0 ]; then mv -f -- "$BF_PARTIAL" "$BF_FINAL" || s=97; fi; echo $s > "$BF_STATUS"';
    const logFd = openSync(f.log, 'w');
    const child = spawn('sh', ['-c', script, 'sh', ffmpegPath(ctx.env ?? process.env), ...args], {
      detached: true,
      stdio: ['ignore', 'ignore', logFd],
      env: { ...process.env, BF_PARTIAL: partial, BF_FINAL: f.final, BF_STATUS: f.status },
    });
    closeSync(logFd);
    child.on('error', (err) => ctx.logger.error({ err, jobId }, 'local render could not start'));
    child.unref();
    if (child.pid) writeFileSync(f.pid, String(child.pid));
    ctx.logger.debug(
      { jobId, style: look.style, size: `${look.width}x${look.height}` },
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
  async function renderNow(jobId: string, look: LocalLook, ctx: PluginContext): Promise<void> {
    await mkdir(workDir, { recursive: true });
    startRender(jobId, look, ctx);
    let restarts = 0;
    for (;;) {
      if (ctx.signal?.aborted) throw new BeatframeError('cancelled', { code: 'ABORTED' });
      const st = currentState(jobId, look);
      if (st.state === 'done' || st.state === 'failed') {
        if (st.error) throw ProviderError.fromInfo(st.error);
        return;
      }
      if (st.state === 'queued') {
        if (restarts++ >= 2) throw new ProviderError('retryable', `local render of ${jobId} keeps dying`);
        startRender(jobId, look, ctx);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What the files on disk say about a job; 'queued' means nothing is rendering it. */
  function currentState(jobId: string, look: LocalLook): ProviderJobStatus {
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
      return { state: 'running', progress: progressOf(f, look.seconds) };
    return { state: 'queued', progress: 0 };
  }

  async function verified(
    path: string,
    look: LocalLook,
  ): Promise<Awaited<ReturnType<typeof probeMedia>> | undefined> {
    try {
      const info = await probeMedia(path);
      const v = info.video;
      if (
        v &&
        v.width === look.width &&
        v.height === look.height &&
        Math.abs(info.durationSec - look.seconds) < 0.5
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
      'Abstract motion graphics made on this machine with ffmpeg (colour and mood words, tempo, energy, colours of a reference image); offline, free; not a text-to-video model',
    capabilities: {
      durations: LOCAL_DURATIONS,
      sizes: LOCAL_SIZES,
      aspects: ['16:9', '9:16', '1:1'],
      imageToVideo: false,
      remix: false,
      maxPromptChars: 4000,
      models: ['motion-graphics-v1'],
      audio: false,
      usdFor: () => 0,
      concurrency,
      rpm: 10_000,
      promptGuide:
        'Abstract graphics only: name colours (e.g. "deep blue and gold") and a mood ("calm, dreamy" or "aggressive, strobing"); objects and people are not drawn.',
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
      // A reference image (the previous shot's last frame) lends its colours, for continuity between shots.
      const imageColours = req.imagePath ? await coloursOfImage(req.imagePath, ctx) : [];
      const look = lookFor({ ...req, size, seconds }, { fps, imageColours });
      const jobId = `local-${digestOf(look).slice(0, 20)}`;
      await mkdir(workDir, { recursive: true });
      const st = currentState(jobId, look);
      // Same parameters, same clip: a finished or running render is reused rather than redone.
      if (st.state === 'queued' || st.state === 'failed') startRender(jobId, look, ctx);
      void ctx.decisions?.record({
        role: 'provider-local',
        summary: `${look.style} motion, palette ${look.palette.join(' ')}, ${look.bpm} bpm, energy ${look.energy}`,
        ...(req.shotId ? { shotId: req.shotId } : {}),
        output: look,
      });
      return {
        provider: 'local',
        jobId,
        model: 'motion-graphics-v1',
        submittedAt: new Date().toISOString(),
        seconds,
        size,
        data: { look } satisfies LocalJobData as unknown as Record<string, unknown>,
      };
    },

    async poll(ref: ProviderJobRef, ctx: PluginContext): Promise<ProviderJobStatus> {
      const look = lookOf(ref);
      const st = currentState(ref.jobId, look);
      if (st.state === 'queued') {
        // Nothing renders it (the process that did has died): start again, deterministically.
        await mkdir(workDir, { recursive: true });
        startRender(ref.jobId, look, ctx);
      }
      return st;
    },

    async download(ref: ProviderJobRef, dest: string, ctx: PluginContext): Promise<Clip> {
      const look = lookOf(ref);
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
        await renderNow(ref.jobId, look, ctx);
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

/** Three colours of an image: the average of its left, middle and right thirds. */
async function coloursOfImage(path: string, ctx: PluginContext): Promise<string[]> {
  try {
    const { stdout } = await runFfmpeg(
      [
        '-i',
        path,
        '-frames:v',
        '1',
        '-vf',
        'scale=3:1:flags=area',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        'pipe:1',
      ],
      { binary: true },
    );
    const hex: string[] = [];
    for (let i = 0; i + 2 < Math.min(stdout.length, 9); i += 3) {
      hex.push(
        [stdout[i], stdout[i + 1], stdout[i + 2]].map((v) => (v ?? 0).toString(16).padStart(2, '0')).join(''),
      );
    }
    return hex;
  } catch (err) {
    ctx.logger.warn(
      { path, err: (err as Error).message },
      'reference image unreadable; its colours are not used',
    );
    return [];
  }
}

function clipOf(ref: ProviderJobRef, path: string, info: Awaited<ReturnType<typeof probeMedia>>): Clip {
  return {
    path,
    durationSec: info.durationSec,
    width: info.video!.width,
    height: info.video!.height,
    fps: info.video!.fps,
    hasAudio: !!info.audio,
    provider: 'local',
    model: ref.model ?? 'motion-graphics-v1',
    jobId: ref.jobId,
    costUsd: 0,
  };
}

/** The parameters a clip was (or will be) rendered from, for tests and the decision log. */
export function lookOfJob(ref: ProviderJobRef): LocalLook {
  return lookOf(ref);
}

/** Where a job's files live, so a test can corrupt or kill them. */
export function localJobFiles(workDir: string, jobId: string): ReturnType<typeof jobFiles> {
  return jobFiles(workDir, jobId);
}
