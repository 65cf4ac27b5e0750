import { produceAtomic } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';

/** One still of the sheet and its label (the shot's number). */
export interface SheetStill {
  path: string;
  label: string;
}

/** Each still's cell on the sheet, pixels; the sheet is at most COLS cells wide. */
export const CELL = { width: 320, height: 180 } as const;
const COLS = 4;

const esc = (t: string) => t.replace(/\\/g, '\\\\').replace(/[':]/g, (c) => `\\${c}`);

/**
 * The storyboard as one image: the keyframes in shot order, each fitted into a 320x180 cell (letterboxed)
 * with its shot number in the corner, tiled four to a row by ffmpeg's `tile`. Written atomically as a JPEG.
 */
export async function writeContactSheet(
  stills: SheetStill[],
  dest: string,
  cell: { width: number; height: number } = CELL,
): Promise<{ path: string; columns: number; rows: number }> {
  if (!stills.length) throw new Error('no still to put on the sheet');
  const columns = Math.min(COLS, stills.length);
  const rows = Math.ceil(stills.length / columns);
  const { width: w, height: h } = cell;
  const size = Math.max(12, Math.round(h / 7));
  const chains = stills.map(
    (s, i) =>
      `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=0x111111,setsar=1,format=yuv420p,drawtext=text='${esc(s.label)}':x=8:y=8:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.65:boxborderw=6[c${i}]`,
  );
  const cells = stills.map((_, i) => `[c${i}]`).join('');
  // tile fills a row before the next; a short last row is padded with the background colour.
  const graph = `${chains.join(';')};${cells}concat=n=${stills.length}:v=1:a=0,tile=${columns}x${rows}:padding=4:margin=4:color=0x111111[out]`;
  await produceAtomic(dest, (tmp) =>
    runFfmpeg([
      '-y',
      '-v',
      'error',
      ...stills.flatMap((s) => ['-i', s.path]),
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-frames:v',
      '1',
      '-q:v',
      '3',
      '-f',
      'image2',
      tmp,
    ]),
  );
  return { path: dest, columns, rows };
}
