/**
 * The output arguments of every clip provider-local encodes: H.264 yuv420p MP4 at CRF 23, moov first, and a
 * comment naming what made it.
 */
export function localMp4Args(preset: string, made: string, out: string): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-metadata',
    `comment=beatframe provider-local: ${made}`,
    '-f',
    'mp4',
    out,
  ];
}
