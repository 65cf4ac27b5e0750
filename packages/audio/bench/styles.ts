/**
 * A third third-party set (session 29, issue 14): the keyboard-arranger styles mma ships outside its
 * standard library — `casio`, `zoom`, `pflib`, `yamaha`, `kara` and `alexis` (about 150 style files
 * converted from Casio and Yamaha keyboards, Zoom drum machines and karaoke sets by their contributors).
 * No other bench reads these libraries, and their drum patterns are not stdlib's: the corpus' families
 * and the class renders are all stdlib.
 * One song per style file: its first main groove, switching to the second every 8 bars, at a tempo from
 * the style's name (a ballad slow, techno at dance tempo, a 6/8 at a slow dotted beat) drawn by a hash,
 * rendered, damaged and given its truth exactly as the corpus' grooves are (bench/corpus.ts grooveSong).
 * Half of it is held out of all tuning by a fixed rule chosen before any song was analysed (FNV-1a of
 * the style's name, e.g. `casio-68ballad`, odd): only its means are printed.
 * Run: node bench/styles.ts (renders into $TMPDIR/beatframe-styles, ~15 min the first time;
 * STYLES_ONLY=<substring>, BENCH_ALL=1, BENCH_PEERS=0, BENCH_IMPL).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Family, fnv1a, grooveSong, HAS_MMA } from './corpus.ts';
import { reportHeldOutSet, type SourcedSong } from './held-report.ts';

const MMA_LIB = '/usr/share/mma/lib';
const LIBRARIES = ['casio', 'zoom', 'pflib', 'yamaha', 'kara', 'alexis'];
const DIR = join(tmpdir(), 'beatframe-styles');

/** The fixed rule that holds half of this set out of all tuning. */
export const stylesHeldOut = (lib: string) => fnv1a(lib) % 2 === 1;

/** Felt-beat tempo ranges by the style's name (first match wins); a keyboard's usual tempo for the style. */
const TEMPO_BY_NAME: Array<[RegExp, number, number]> = [
  [/dnb/i, 160, 176],
  [/ballad|slow|serenade|ambient|amb|bald|lullaby/i, 58, 84],
  [/hip|trip/i, 80, 98],
  [/techno|house|trance|rave|dance|disco|tech/i, 118, 140],
  [/march|polka|twist|2beat|punk|quickstep|fast/i, 120, 176],
  [/waltz|34/i, 96, 180],
  [/shuffle|swing|blues|blus|jazz|boogie|basie|bouncy|bigband|foxtrot|shfl/i, 96, 168],
  [/funk|soul|r\+b|rnb|motown|mellow/i, 84, 112],
  [/metal|mtl|hrk|rock|thr/i, 100, 160],
  [/bossa|latin|samba|afro|mambo|salsa|reggae|regg|ska|world/i, 90, 140],
];

/** A style file as a corpus family: its meter from `Time`, its first two main grooves, a tempo range. */
function styleFamily(library: string, file: string): Family | undefined {
  const text = readFileSync(join(MMA_LIB, library, file), 'utf8');
  const time = /^\s*time\s+(\d+)/im.exec(text);
  const beats = time ? Number(time[1]) : 4;
  const grooves = [...text.matchAll(/^\s*defgroove\s+(\S+)/gim)]
    .map((m) => m[1] as string)
    .filter((g) => !/intro|end|fill|break/i.test(g));
  const style = file.replace(/\.mma$/, '');
  // zoom's count-in (sticks on 1 and 3) is not a groove.
  if (!grooves.length || ![2, 3, 4, 6].includes(beats) || style === 'count') return undefined;
  const lib = `${library}-${style.toLowerCase()}`;
  // mma counts eighths in 6/8 (Time 6): three of them make the felt beat, two beats a bar.
  const per = beats === 6 ? 3 : 1;
  const [lo, hi] =
    per === 3
      ? [45, 72]
      : beats === 3
        ? [96, 180]
        : (TEMPO_BY_NAME.find(([re]) => re.test(style))?.slice(1) ?? [90, 140]);
  return {
    lib,
    main: grooves[0] as string,
    alt: (grooves[1] ?? grooves[0]) as string,
    per,
    bar: beats / per,
    lo: lo as number,
    hi: hi as number,
    use: `${library}/${style}`,
  };
}

export function styleSongs(): SourcedSong[] {
  if (!HAS_MMA || !existsSync(MMA_LIB)) return [];
  const only = process.env.STYLES_ONLY;
  const out: SourcedSong[] = [];
  for (const library of LIBRARIES) {
    const dir = join(MMA_LIB, library);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.mma'))
      .sort()) {
      const fam = styleFamily(library, file);
      if (!fam || (only && !fam.lib.includes(only))) continue;
      const bpm = fam.lo + (fnv1a(fam.lib) % (fam.hi - fam.lo + 1));
      const song = grooveSong(join(DIR, library), fam, bpm);
      out.push({ ...song, heldOut: stylesHeldOut(fam.lib), source: library });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await reportHeldOutSet(styleSongs());
