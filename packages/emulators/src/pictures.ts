import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';

/** The picture formats the image emulators answer in. */
export type PictureFormat = 'png' | 'jpeg' | 'webp';

/** The format of image bytes by their signature (what a vendor checks instead of the file name), if a known one. */
export function pictureFormatOf(bytes: Uint8Array): PictureFormat | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length > 8 && b.readUInt32BE(0) === 0x89504e47) return 'png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length > 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP')
    return 'webp';
  return undefined;
}

/**
 * Makes the pictures an image emulator answers with, in `dir`: the first reference cover-fitted to the size (so a
 * test can see it travelled), else a test pattern. Patterns are made once per size and format, because ffmpeg's
 * start-up is most of a still's time on a busy machine.
 */
export function pictureMaker(dir: string) {
  const patterns = new Map<string, Promise<Buffer>>();
  const out = (format: PictureFormat) =>
    join(dir, `pic-${randomBytes(6).toString('hex')}.${format === 'jpeg' ? 'jpg' : format}`);
  return async function picture(
    size: string,
    format: PictureFormat,
    reference?: Uint8Array,
  ): Promise<Buffer> {
    const [w, h] = size.split('x');
    if (reference) {
      const src = join(dir, `ref-${randomBytes(6).toString('hex')}`);
      await writeFile(src, reference);
      const dest = out(format);
      const fit = `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;
      await runFfmpeg(['-i', src, '-frames:v', '1', '-vf', fit, dest]);
      return readFile(dest);
    }
    const key = `${size} ${format}`;
    let pattern = patterns.get(key);
    if (!pattern) {
      const dest = out(format);
      pattern = runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1`, '-frames:v', '1', dest]).then(
        () => readFile(dest),
      );
      patterns.set(key, pattern);
    }
    return pattern;
  };
}
