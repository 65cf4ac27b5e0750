import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
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

const EMPTY = Buffer.alloc(0);

async function checkFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`${path}: no such file`, { code: 'NOT_FOUND' });
  if (!info.isFile()) throw new InputError(`${path} is not a file`, { code: 'NOT_FILE' });
  if (info.size === 0) throw new InputError(`${path} is empty`, { code: 'EMPTY' });
}

/**
 * Streams mono 32-bit float PCM out of ffmpeg, calling `onChunk` as it arrives (so analysis can run
 * while decoding); a chunk may be a view on the pipe's buffer, so copy what you keep. Resolves with
 * the number of samples delivered.
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
    // Otherwise ffmpeg flushes every packet (one MP3 frame, ~4.6 kB) into the pipe: ten times more reads
    // (~0.15 s of node CPU on a four-minute song).
    '-flush_packets',
    '0',
    '-f',
    'f32le',
    '-acodec',
    'pcm_f32le',
    'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let total = 0;
    let carry = EMPTY;
    let header = '';
    let headerDone = false;
    let stderrTail = '';
    let failed: unknown;
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      if (failed) return;
      const buf = carry.length ? Buffer.concat([carry, d]) : d;
      const usable = buf.length - (buf.length % 4);
      carry = usable < buf.length ? Buffer.from(buf.subarray(usable)) : EMPTY;
      if (usable === 0) return;
      // A view on the chunk when it is aligned (node never reuses a Buffer it has emitted); else a copy.
      let samples: Float32Array;
      if (buf.byteOffset % 4 === 0) samples = new Float32Array(buf.buffer, buf.byteOffset, usable / 4);
      else {
        samples = new Float32Array(usable / 4);
        new Uint8Array(samples.buffer).set(buf.subarray(0, usable));
      }
      total += samples.length;
      try {
        onChunk(samples);
      } catch (err) {
        failed = err;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => {
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
        failed = err;
        child.kill('SIGKILL');
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(
        e.code === 'ENOENT'
          ? new BeatframeError(`${ffmpegPath()} was not found; run 'npm run setup' or install it`, {
              code: 'MISSING_TOOL',
            })
          : e,
      );
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new BeatframeError('cancelled', { code: 'ABORTED' }));
      if (failed) return reject(failed);
      if (code !== 0) {
        const input = parseInput(header);
        if (input.opened && !input.audio)
          return reject(
            new InputError(`${path} is not decodable audio (it has no audio stream)`, { code: 'NO_AUDIO' }),
          );
        const tail = stderrTail.trim().split('\n').slice(-2).join(' | ');
        return reject(
          new InputError(`${path} is not decodable audio`, { code: 'NOT_AUDIO', cause: new Error(tail) }),
        );
      }
      if (total === 0) return reject(new InputError(`${path} contains no audio`, { code: 'NO_AUDIO' }));
      resolve(total);
    });
  });
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
