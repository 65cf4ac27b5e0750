/** Features of corpus songs cached on disk for diagnostics (decoding and the FFT dominate their run time). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { computeFeatures, decodeAudio, type Features } from '@beatframe/audio';
import { cacheFile } from './cache-file.ts';

/** FEATURE_CACHE=<dir> keeps another build's features apart (features change with the code). */
const dir = process.env.FEATURE_CACHE ?? join(tmpdir(), 'beatframe-feature-cache-3');
const ARRAYS = [
  'onset',
  'plainOnset',
  'lowOnset',
  'beatOnset',
  'lowBeatOnset',
  'highBeatOnset',
  'rms',
  'logMel',
  'chroma',
] as const;

export async function cachedFeatures(audio: string): Promise<Features> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(audio)}.feat`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const headLen = buf.readUInt32LE(0);
    const head = JSON.parse(buf.toString('utf8', 4, 4 + headLen)) as Record<string, unknown> & {
      lengths: number[];
    };
    let off = 4 + headLen;
    off += (4 - (off % 4)) % 4;
    const f = { ...head } as unknown as Record<string, unknown>;
    ARRAYS.forEach((k, i) => {
      const n = head.lengths[i] as number;
      f[k] = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + n * 4));
      off += n * 4;
    });
    return f as unknown as Features;
  }
  const pcm = await decodeAudio(audio, { sampleRate: 22050 });
  let e = 0;
  for (const v of pcm) e += v * v;
  const f = computeFeatures(pcm, 22050, 0.1 / Math.sqrt(e / pcm.length));
  const {
    onset,
    plainOnset,
    lowOnset,
    beatOnset,
    lowBeatOnset,
    highBeatOnset,
    rms,
    logMel,
    chroma,
    ...rest
  } = f;
  const arrays = [onset, plainOnset, lowOnset, beatOnset, lowBeatOnset, highBeatOnset, rms, logMel, chroma];
  const head = Buffer.from(JSON.stringify({ ...rest, lengths: arrays.map((a) => a.length) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  const pad = Buffer.alloc((4 - ((4 + head.length) % 4)) % 4);
  const bytes = Buffer.concat([
    len,
    head,
    pad,
    ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  ]);
  // A run stopped mid-write must not leave a short file for the next run to read.
  cacheFile(file, (tmp) => writeFileSync(tmp, bytes));
  return f;
}
