import { spawn } from 'node:child_process';
import { BeatframeError } from '@beatframe/core';

/** ffmpeg and ffprobe binaries: BEATFRAME_FFMPEG / BEATFRAME_FFPROBE, else the ones on PATH. */
export function ffmpegPath(env: Record<string, string | undefined> = process.env): string {
  return env.BEATFRAME_FFMPEG ?? 'ffmpeg';
}
export function ffprobePath(env: Record<string, string | undefined> = process.env): string {
  return env.BEATFRAME_FFPROBE ?? 'ffprobe';
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with seconds of output written so far (from ffmpeg's -progress stream). */
  onTime?(seconds: number): void;
  /** Binary output of stdout instead of text (for raw PCM or frames). */
  binary?: boolean;
  input?: Uint8Array;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** Runs a process to completion; rejects with the tail of stderr on failure. */
export function runProcess(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new BeatframeError('cancelled', { code: 'ABORTED' }));
    const child = spawn(cmd, args, { stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (d: Buffer) => {
      if (opts.onTime) {
        const m = /out_time_us=(\d+)/g;
        for (const hit of d.toString().matchAll(m)) opts.onTime(Number(hit[1]) / 1e6);
      } else out.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 64_000) err = err.slice(-32_000);
    });
    if (opts.input && child.stdin) child.stdin.end(opts.input);
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(
        e.code === 'ENOENT'
          ? new BeatframeError(`${cmd} was not found; run 'npm run setup' or install it`, {
              code: 'MISSING_TOOL',
            })
          : e,
      );
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new BeatframeError('cancelled', { code: 'ABORTED' }));
      if (code === 0) return resolve({ stdout: Buffer.concat(out), stderr: err });
      const tail = err.trim().split('\n').slice(-3).join(' | ');
      reject(new BeatframeError(`${cmd} failed (${code ?? signal}): ${tail}`, { code: 'PROCESS_FAILED' }));
    });
  });
}

/** Runs ffmpeg quietly; with onTime, progress comes from `-progress pipe:1`. */
export function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const base = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  const progress = opts.onTime ? ['-progress', 'pipe:1', '-nostats'] : [];
  return runProcess(ffmpegPath(), [...base, ...progress, ...args], opts);
}

/** An input read by ffmpeg's concat demuxer from a list file; -safe 0 because its entries are absolute paths. */
export function concatListInput(listFile: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', listFile];
}

/** The video of ffmpeg's first input, copied as it is, with the sound of its second (the song under a render). */
export const VIDEO_WITH_SONG_ARGS: readonly string[] = ['-map', '0:v:0', '-map', '1:a:0', '-c:v', 'copy'];
