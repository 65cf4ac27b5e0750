import { writeFileAtomic } from '@beatframe/core';

/** 16-bit PCM stereo WAV bytes (RIFF, little-endian). Samples outside -1…1 are clipped. */
export function encodeWav(song: { left: Float32Array; right: Float32Array; sampleRate: number }): Uint8Array {
  const n = Math.min(song.left.length, song.right.length);
  const dataBytes = n * 4;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(2, 22); // channels
  buf.writeUInt32LE(song.sampleRate, 24);
  buf.writeUInt32LE(song.sampleRate * 4, 28);
  buf.writeUInt16LE(4, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  const pcm = new Int16Array(buf.buffer, buf.byteOffset + 44, n * 2);
  for (let i = 0; i < n; i++) {
    pcm[2 * i] = toInt16(song.left[i]!);
    pcm[2 * i + 1] = toInt16(song.right[i]!);
  }
  return buf;
}

function toInt16(x: number): number {
  const c = Math.max(-1, Math.min(1, x));
  return Math.round(c * 32767);
}

/** Writes a 16-bit stereo WAV so that readers never see half a file. */
export async function writeWav(
  path: string,
  song: { left: Float32Array; right: Float32Array; sampleRate: number },
): Promise<void> {
  await writeFileAtomic(path, encodeWav(song));
}
