import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldTurn } from 'node:timers/promises';
import { BeatframeError, InputError } from '@beatframe/core';
import { ffmpegPath } from '@beatframe/media';

/** The rate every analysis runs at: enough bandwidth for onsets and chroma, a quarter of 44.1 kHz's cost. */
export const ANALYSIS_SAMPLE_RATE = 22_050;

export interface DecodeOptions {
  sampleRate?: number;
  /** Stop decoding after this many seconds (the rest of the file is ignored). */
  maxSeconds?: number;
  signal?: AbortSignal;
  /**
   * Called once ffmpeg has read the file's header (before it decodes); throwing refuses the file. Saves
   * running ffprobe first (~0.1 s of CPU loading its libraries).
   */
  onInput?(info: InputInfo): void;
}

export interface InputInfo {
  /** The container's duration (0 when it does not say). */
  durationSec: number;
  audio: boolean;
}

/** Reads ffmpeg's description of input #0 (loglevel info), the part before its stream mapping. */
function parseInput(header: string): InputInfo & { opened: boolean } {
  const d = /^ {2}Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(header);
  return {
    opened: /^Input #0/m.test(header),
    durationSec: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : 0,
    audio: /^ {2,4}Stream #0:\d+\S*: Audio: /m.test(header),
  };
}

async function checkFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`${path}: no such file`, { code: 'NOT_FOUND' });
  if (!info.isFile()) throw new InputError(`${path} is not a file`, { code: 'NOT_FILE' });
  if (info.size === 0) throw new InputError(`${path} is empty`, { code: 'EMPTY' });
}

/**
 * Streams mono 32-bit float PCM out of ffmpeg, calling `onChunk` as it arrives (so analysis can run
 * while decoding); a chunk is a view on a reused buffer, valid during the call: copy what you keep.
 * Resolves with the number of samples delivered.
 */
export async function decodeAudioChunks(
  path: string,
  onChunk: (samples: Float32Array) => void,
  opts: DecodeOptions = {},
): Promise<number> {
  const sampleRate = opts.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  await checkFile(path);
  if (opts.signal?.aborted) throw new BeatframeError('cancelled', { code: 'ABORTED' });
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    opts.onInput ? 'info' : 'error',
    '-i',
    path,
    ...(opts.maxSeconds ? ['-t', String(opts.maxSeconds)] : []),
    '-vn',
    '-ac',
    '1',
    '-ar',
    String(sampleRate),
    // Otherwise ffmpeg flushes every packet (one MP3 frame, ~4.6 kB): ten times more writes.
    '-flush_packets',
    '0',
    '-f',
    'f32le',
    '-acodec',
    'pcm_f32le',
    'pipe:1',
  ];
  // ffmpeg writes into an unlinked temporary file rather than a pipe: a pipe holds 64 kB, so ffmpeg
  // blocked at every other chunk and, on a busy machine, waited for the scheduler each time (seconds per
  // song); a file never blocks it, and the analysis reads what is there.
  const tmp = join(tmpdir(), `beatframe-pcm-${process.pid}-${randomUUID()}.f32`);
  const writeFd = openSync(tmp, 'w');
  let readFd: number;
  try {
    readFd = openSync(tmp, 'r');
  } finally {
    unlinkSync(tmp);
  }
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(ffmpegPath(), args, { stdio: ['ignore', writeFd, 'pipe'] });
  } finally {
    closeSync(writeFd);
  }
  let header = '';
  let headerDone = false;
  let stderrTail = '';
  let failed: unknown;
  let spawnError: unknown;
  let exitCode: number | null | undefined;
  const fail = (err: unknown) => {
    failed ??= err;
    child.kill('SIGKILL');
  };
  const onAbort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    stderrTail = (stderrTail + text).slice(-4000);
    if (headerDone || !opts.onInput) return;
    header += text;
    const end = header.search(/^(Stream mapping:|Output #0)/m);
    if (end < 0 && header.length < 64_000) return;
    headerDone = true;
    header = end < 0 ? header : header.slice(0, end);
    const info = parseInput(header);
    if (!info.opened || failed) return;
    try {
      opts.onInput({ durationSec: info.durationSec, audio: info.audio });
    } catch (err) {
      fail(err);
    }
  });
  const closed = new Promise<void>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      resolve();
    });
    child.on('close', (code) => {
      exitCode = code;
      resolve();
    });
  });
  let total = 0;
  try {
    // One reused buffer: chunks handed on are views on it, valid during the call.
    const buf = Buffer.allocUnsafeSlow(1 << 18);
    let pos = 0;
    while (!failed && !opts.signal?.aborted) {
      const over = exitCode !== undefined || spawnError !== undefined;
      const n = readSync(readFd, buf, 0, buf.length, pos);
      // A write may be caught halfway: whole samples only, the rest is read again.
      const usable = n - (n % 4);
      if (usable > 0) {
        pos += usable;
        total += usable / 4;
        try {
          onChunk(new Float32Array(buf.buffer, buf.byteOffset, usable / 4));
        } catch (err) {
          fail(err);
        }
        // Let stderr (the header check), exit and abort events in between chunks.
        await yieldTurn();
      } else if (over) break;
      else await Promise.race([sleep(2), closed]);
    }
  } finally {
    closeSync(readFd);
  }
  await closed;
  opts.signal?.removeEventListener('abort', onAbort);
  if (spawnError) {
    const e = spawnError as NodeJS.ErrnoException;
    throw e.code === 'ENOENT'
      ? new BeatframeError(`${ffmpegPath()} was not found; run 'npm run setup' or install it`, {
          code: 'MISSING_TOOL',
        })
      : e;
  }
  if (opts.signal?.aborted) throw new BeatframeError('cancelled', { code: 'ABORTED' });
  if (failed) throw failed;
  if (exitCode !== 0) {
    const input = parseInput(header);
    if (input.opened && !input.audio)
      throw new InputError(`${path} is not decodable audio (it has no audio stream)`, { code: 'NO_AUDIO' });
    const tail = stderrTail.trim().split('\n').slice(-2).join(' | ');
    throw new InputError(`${path} is not decodable audio`, { code: 'NOT_AUDIO', cause: new Error(tail) });
  }
  if (total === 0) throw new InputError(`${path} contains no audio`, { code: 'NO_AUDIO' });
  return total;
}

/** Decodes any audio ffmpeg reads to mono 32-bit float PCM at `sampleRate` (default 22 050 Hz). */
export async function decodeAudio(path: string, opts: DecodeOptions = {}): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  // Chunks may be views on larger pipe buffers: keep compact copies.
  const total = await decodeAudioChunks(path, (c) => chunks.push(c.slice()), opts);
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
