/**
 * Over 400 lines because it holds the corpus plan (families, tempi, damage, section songs) beside its renderer.
 *
 * A third-party corpus: Debian `mma` accompaniment grooves (written by the MMA authors, not here)
 * rendered to MIDI at many tempi, then to audio with fluidsynth through two soundfonts (or the one
 * BENCH_SOUNDFONT names), some of it damaged (MP3 64–128 kb/s, reverb, compression, noise, a spoken
 * "vocal" layer). Truth comes from the
 * MIDI file's tempo map and mma's bar structure. Packaged MIDI (planetblupi) joins when installed.
 * A fixed rule holds a slice out of all tuning: FNV-1a of the groove family, modulo 4, equals 0.
 * Everything is generated into a cache directory (never committed) and reused across runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheFile } from './cache-file.ts';
import { readMidiMap, tappedGrid, tickToSec } from './midi-map.ts';

export const SOUNDFONTS = [
  '/usr/share/sounds/sf2/FluidR3_GM.sf2',
  '/usr/share/sounds/sf2/TimGM6mb.sf2',
].filter((f) => existsSync(f));

const SOUNDFONT_OVERRIDE = process.env.BENCH_SOUNDFONT;
if (SOUNDFONT_OVERRIDE && !existsSync(SOUNDFONT_OVERRIDE)) {
  console.error(`BENCH_SOUNDFONT: no such file: ${SOUNDFONT_OVERRIDE}`);
  process.exit(2);
}

/**
 * The soundfont a song is rendered with: drawn by its hash from the two above, or BENCH_SOUNDFONT (any
 * .sf2/.sf3, e.g. Debian's musescore-general-soundfont-small) for every song: a timbre nobody tuned on.
 */
export function soundfontFor(hash: number): string {
  return SOUNDFONT_OVERRIDE || (SOUNDFONTS[hash % SOUNDFONTS.length] as string);
}

/** A soundfont's name in a render's file name: `tim` and `fluid` for the corpus' two, else its own. */
export function soundfontTag(sf: string): string {
  const label = soundfontLabel(sf);
  if (label === 'TimGM6mb') return 'tim';
  if (label === 'FluidR3') return 'fluid';
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** A soundfont as the benches print it. */
export function soundfontLabel(sf: string): string {
  if (sf.includes('TimGM')) return 'TimGM6mb';
  if (sf.includes('FluidR3')) return 'FluidR3';
  return basename(sf).replace(/\.sf[23]$/i, '');
}

/** An excerpt's render path: as before for the corpus' two soundfonts, tagged for any other (cached apart). */
export function excerptPath(wav: string, sf: string): string {
  const tag = soundfontTag(sf);
  return tag === 'tim' || tag === 'fluid' ? wav : wav.replace(/\.wav$/, `-${tag}.wav`);
}

export const HAS_MMA =
  spawnSync('mma', ['-v'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('fluidsynth', ['--version'], { stdio: 'ignore' }).status === 0 &&
  SOUNDFONTS.length > 0;

export interface CorpusSong {
  name: string;
  family: string;
  heldOut: boolean;
  audio: string;
  beats: number[];
  downbeats: number[];
  beatsPerBar: number;
  bpm: number;
  damage: string;
  sections?: Array<{ start: number; end: number; label: string; group: string }>;
}

/** A groove family of mma's standard library: its grooves, felt meter and a plausible tempo range. */
export interface Family {
  lib: string;
  main: string;
  alt: string;
  /** mma beats per felt beat: 3 where mma counts eighths (Time 6 in 6/8), 2 where a 6/8 bar is 4 mma beats. */
  per: 1 | 2 | 3;
  bar: number;
  lo: number;
  hi: number;
  /** An mma library file to load first (`casio/68ballad`): grooves outside stdlib share names across libraries. */
  use?: string;
}
const F = (
  lib: string,
  main: string,
  alt: string,
  bar: number,
  lo: number,
  hi: number,
  per: 1 | 2 | 3 = 1,
) => ({
  lib,
  main,
  alt,
  per,
  bar,
  lo,
  hi,
});
export const FAMILIES: Family[] = [
  F('50srock', '50sRock', '50sRockSus', 4, 130, 180),
  F('60srock', '60sRock', '60sRock1', 4, 110, 170),
  F('68march', '68March', '68MarchPlus', 2, 100, 130),
  F('68swing', '68Swing', '68Swing1', 2, 55, 80, 3),
  F('8beat', '8Beat', '8BeatSus', 4, 100, 150),
  F('ballad', 'Ballad', 'Ballad1', 4, 60, 80),
  F('ballad128', 'Ballad128', 'Ballad128Plus', 4, 55, 75),
  F('basicrock', 'BasicRock', 'BasicRock4', 4, 110, 160),
  F('bossanova', 'BossaNova', 'BossaNovaSus', 4, 120, 150),
  F('bluegrass', 'BlueGrass', 'BlueGrassClap', 4, 150, 200),
  F('blues128', 'Blues128', 'Blues128Plus', 4, 60, 80),
  F('blues68', 'Blues68', 'Blues68Walk', 2, 50, 70, 3),
  F('bigband', 'BigBand', 'BigBandSus', 4, 120, 180),
  F('countrywaltz', 'CountryWaltz', 'CountryWaltz1', 3, 100, 160),
  F('countryswing', 'CountrySwing', 'CountrySwing1', 4, 130, 180),
  F('fastblues', 'FastBlues', 'FastBluesWalk', 4, 150, 200),
  F('fastswing', 'FastSwing', 'FastSwingWalk', 4, 170, 200),
  F('folkrock', 'FolkRock', 'FolkRockPlus', 4, 100, 140),
  F('jazzwaltz', 'JazzWaltz', 'JazzWaltz1', 3, 120, 180),
  F('jive', 'Jive', 'JivePlus', 4, 140, 180),
  F('march', 'March', 'March1', 4, 110, 130),
  F('polka', 'Polka', 'Polka1', 4, 100, 130),
  F('popballad', 'PopBallad', 'PopBallad1', 4, 65, 90),
  F('rb', 'R&B', 'R&BPlus', 4, 80, 110),
  F('rock-128', 'Rock128', 'Rock128Plus', 4, 60, 85),
  F('rockwaltz', 'RockWaltz', 'RockWaltz1', 3, 90, 140),
  F('samba', 'Samba', 'SambaPlus', 4, 100, 130),
  F('shuffleboggie', 'ShuffleBoggie', 'ShuffleBoggie1', 4, 110, 160),
  F('ska', 'Ska', 'Ska1', 4, 90, 160),
  F('slowblues', 'SlowBlues', 'SlowBluesWalk4', 4, 60, 75),
  F('softrock', 'SoftRock', 'SoftRock1', 4, 80, 120),
  F('swing', 'Swing', 'SwingWalk', 4, 110, 180),
  F('trance', 'Trance', 'Trance1', 4, 125, 145),
  F('twist', 'Twist', 'Twist4', 4, 140, 170),
  F('waltz', 'Waltz', 'Waltz1', 3, 90, 150),
  F('zydeco', 'Zydeco', 'ZydecoPlus', 4, 120, 170),
  F('merengue', 'Merengue', 'Merengue1', 4, 120, 160),
  F('rhumba', 'Rhumba', 'RhumbaSus', 4, 100, 130),
  F('calypso', 'Calypso', 'Calypso1', 4, 100, 130),
  F('bvfunk', 'BVFunk', 'BVFunkSus', 4, 90, 115),
  F('boggiewoggie', 'BoggieWoggie', 'BoggieWoggie1', 4, 130, 170),
  F('salsa', 'Salsa', 'SalsaPlus', 4, 150, 190),
];
/**
 * Added in session 10 (issue 14: fast binary songs read at half tempo), chosen by feel before their slice
 * was known: fast marches, dixie, quickstep, ragtime, country/western swing, bubblegum rock, plus slow
 * ballads so the octave choice stays balanced. The hash rule decides their slice like any other family.
 * BENCH_BASE=1 leaves them out (the corpus before them).
 */
export const ADDED_FAMILIES: Family[] = [
  F('bwmarch', 'BWMarch', 'BWMarchPlus', 4, 150, 200),
  F('dixiemarch', 'DixieMarch', 'DixieMarchPlus', 4, 140, 190),
  F('dixie', 'Dixie', 'Dixie1', 4, 160, 200),
  F('charleston', 'Charleston', 'Charleston1', 4, 170, 200),
  F('quickstep', 'QuickStep', 'QuickStepHit', 4, 160, 200),
  F('ragtime', 'RagTime', 'RagtimePlus', 4, 150, 200),
  F('hillcountry', 'HillCountry', 'HillCountryPlus', 4, 140, 190),
  F('countryblues', 'CountryBlues', 'CountryBlues1', 4, 140, 180),
  F('westernswing', 'WesternSwing', 'WesternSwingPlus', 4, 150, 200),
  F('bubblerock', 'BubbleRock', 'BubbleRockPlus', 4, 130, 170),
  F('boneym', 'BoneyM', 'BoneyMPlus', 4, 120, 140),
  F('foxtrot', 'Foxtrot', 'FoxTrotPlus', 4, 120, 160),
  F('slowcountry', 'SlowCountry', 'SlowCountryPlus', 4, 60, 80),
  F('folkballad', 'FolkBallad', 'FolkBalladPlus', 4, 60, 80),
  F('guitarballad', 'GuitarBallad', 'GuitarBallad1', 4, 70, 90),
  F('pianoballad', 'PianoBallad', 'PianoBallad1', 4, 60, 80),
  F('rockballad', 'RockBallad', 'RockBallad1', 4, 60, 80),
];
/** Every family this file knows, whatever BENCH_BASE says. */
export const EVERY_FAMILY: Family[] = [...FAMILIES, ...ADDED_FAMILIES];
const ALL_FAMILIES = process.env.BENCH_BASE === '1' ? FAMILIES : EVERY_FAMILY;

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
/** The held-out rule, fixed before any tuning. */
export const isHeldOut = (family: string) => fnv1a(family) % 4 === 0;

const PROGRESSIONS = [
  ['C', 'Am', 'F', 'G'],
  ['Dm7', 'G7', 'Cmaj7', 'A7'],
  ['Em', 'C', 'G', 'D'],
  ['F', 'G', 'Em', 'Am'],
  ['A', 'D', 'E', 'D'],
  ['Bb', 'F', 'Gm', 'Eb'],
  ['G', 'Em', 'C', 'D7'],
  ['Am', 'Dm', 'E7', 'Am'],
];

function mmaGrooveSong(fam: Family, bpm: number, bars: number, seed: number, chordBars = 1): string {
  const lines = [
    `Tempo ${Math.round(bpm * fam.per)}`,
    ...(fam.use ? [`Use ${fam.use}`] : []),
    `Groove ${fam.main}`,
  ];
  const prog = PROGRESSIONS[seed % PROGRESSIONS.length] as string[];
  for (let b = 0; b < bars; b++) {
    if (b % 8 === 0) lines.push(`Groove ${b % 16 === 0 ? fam.main : fam.alt}`);
    lines.push(prog[Math.floor(b / chordBars) % 4] as string);
  }
  return `${lines.join('\n')}\n`;
}

export const ffmpegQuiet = ['-v', 'error', '-nostdin', '-y'];

/** Damage by a fixed rule: clean WAV, MP3 64k, reverb + MP3 96k, compression + noise + MP3 128k, speech + MP3 96k. */
export function damage(wav: string, kind: number, seed: number): { path: string; label: string } {
  if (kind === 0) return { path: wav, label: 'clean wav' };
  const out = wav.replace(/\.wav$/, `.d${kind}.mp3`);
  const labels = ['', 'mp3 64k', 'reverb, mp3 96k', 'compressed, noise, mp3 128k', 'speech layer, mp3 96k'];
  // Written under a temporary name and renamed when done (cache-file.ts): a cut-short render is not reused.
  const made = cacheFile(out, (tmp) => {
    if (kind === 1) execFileSync('ffmpeg', [...ffmpegQuiet, '-i', wav, '-ac', '1', '-b:a', '64k', tmp]);
    else if (kind === 2) {
      const rev = `${tmp}.rev.wav`;
      try {
        // -D: sox dithers at random by default, and the render would differ on every run and machine.
        execFileSync('sox', ['-D', wav, rev, 'gain', '-6', 'reverb', '60', '50', '90', 'gain', '-n', '-1']);
        execFileSync('ffmpeg', [...ffmpegQuiet, '-i', rev, '-ac', '1', '-b:a', '96k', tmp]);
      } finally {
        rmSync(rev, { force: true });
      }
    } else if (kind === 3) {
      execFileSync('ffmpeg', [
        ...ffmpegQuiet,
        '-i',
        wav,
        '-f',
        'lavfi',
        '-i',
        `anoisesrc=color=pink:amplitude=0.04:seed=${seed}`,
        '-filter_complex',
        '[0:a]acompressor=threshold=0.1:ratio=6:attack=5:release=80:makeup=3[c];[c][1:a]amix=inputs=2:duration=first:weights=1 1',
        '-ac',
        '1',
        '-b:a',
        '128k',
        tmp,
      ]);
    } else return layVoice(wav, tmp);
  });
  // Without espeak-ng there is no spoken layer: plain MP3 instead.
  if (!made) return damage(wav, 1, seed);
  return { path: out, label: labels[kind] as string };
}

/**
 * A vocal-like layer: espeak-ng reading a lyric, looped under the music (untimed, like a singer off the
 * grid), on for `afterSec` more once the music has ended (a spoken outro), mixed to mono MP3 96k at
 * `out`. False when espeak-ng is missing.
 */
export function layVoice(wav: string, out: string, afterSec = 0): boolean {
  // Beside `out`, not the shared WAV: two benches voicing the same song must not share it.
  const voice = `${out}.voice.wav`;
  const ok =
    spawnSync('espeak-ng', [
      '-w',
      voice,
      '-s',
      '120',
      '-p',
      '70',
      'la la la, under the neon sky we run, over and over, the night is young, hold on, hold on',
    ]).status === 0;
  if (!ok) return false;
  const music = afterSec > 0 ? `[0:a]apad=pad_dur=${afterSec}[m];` : '';
  try {
    execFileSync('ffmpeg', [
      ...ffmpegQuiet,
      '-i',
      wav,
      '-stream_loop',
      '-1',
      '-i',
      voice,
      '-filter_complex',
      `${music}[1:a]aresample=22050,volume=0.8[v];${afterSec > 0 ? '[m]' : '[0:a]'}[v]amix=inputs=2:duration=first`,
      '-ac',
      '1',
      '-b:a',
      '96k',
      out,
    ]);
  } finally {
    rmSync(voice, { force: true });
  }
  return true;
}

export function renderMidi(mid: string, wav: string, soundfont: string): void {
  cacheFile(wav, (tmp) => {
    execFileSync('fluidsynth', ['-ni', '-q', '-g', '0.6', '-F', tmp, '-r', '22050', soundfont, mid], {
      stdio: 'ignore',
    });
  });
}

/**
 * mma humanises timing and velocity with Python's random generator, unseeded unless told: a fixed RndSeed (from
 * the song's name) makes a song the same notes on every machine and every run.
 */
function renderMma(dir: string, name: string, text: string): string {
  const mmaFile = join(dir, `${name}-s.mma`);
  const mid = join(dir, `${name}-s.mid`);
  cacheFile(mid, (tmp) => {
    writeFileSync(mmaFile, `RndSeed ${fnv1a(name) % 100_000}\n${text}`);
    execFileSync('mma', ['-f', tmp, mmaFile], { stdio: 'ignore' });
  });
  return mid;
}

export interface GrooveSongOptions {
  bars?: number;
  soundfont?: string;
  damageKind?: number;
  /** Bars each chord of the progression lasts (default 1; the name gets `-c<n>` otherwise). */
  chordBars?: number;
}

/**
 * The extra tempi a train family is rendered at beyond the corpus' two (bench/extra-train.ts): the middle of
 * its range, the fast families above its top (196–210 bpm), the slow ones below its bottom.
 */
export function extraTempi(fam: Family): number[] {
  const tempi = [Math.round((fam.lo + fam.hi) / 2)];
  if (fam.hi >= 190) tempi.push(fam.hi + 4, fam.hi + 8);
  if (fam.lo <= 60) tempi.push(fam.lo - 4);
  return tempi;
}

/** One mma groove song at a tempo, rendered (cached) with its tapped-beat truth. */
export function grooveSong(dir: string, fam: Family, bpm: number, opts: GrooveSongOptions = {}): CorpusSong {
  mkdirSync(dir, { recursive: true });
  const cb = opts.chordBars ?? 1;
  const name = `${fam.lib}-${bpm}${cb === 1 ? '' : `-c${cb}`}`;
  const h = fnv1a(name);
  const bars = opts.bars ?? Math.max(12, Math.round((50 * bpm) / 60 / fam.bar / 4) * 4);
  const sf = opts.soundfont ?? soundfontFor(h);
  const mid = renderMma(dir, `${name}-${bars}`, mmaGrooveSong(fam, bpm, bars, h, cb));
  const wav = mid.replace(/\.mid$/, `-${soundfontTag(sf)}.wav`);
  renderMidi(mid, wav, sf);
  const map = readMidiMap(mid);
  const grid = tappedGrid(map, { beatTicks: map.division * fam.per, beatsPerBar: fam.bar });
  const d = damage(wav, opts.damageKind ?? (h >>> 3) % 5, h % 1000);
  return {
    name,
    family: fam.lib,
    heldOut: isHeldOut(fam.lib),
    audio: d.path,
    ...grid,
    bpm,
    damage: `${soundfontLabel(sf)}, ${d.label}`,
  };
}

/** Two songs per family: one near each end of its tempo range (deterministic). */
export function beatCorpus(dir: string): CorpusSong[] {
  const out: CorpusSong[] = [];
  for (const fam of ALL_FAMILIES) {
    const h = fnv1a(fam.lib);
    const span = fam.hi - fam.lo;
    const tempi = [
      fam.lo + (h % Math.max(1, Math.round(span / 3))),
      fam.hi - ((h >>> 8) % Math.max(1, Math.round(span / 3))),
    ];
    for (const bpm of tempi) out.push(grooveSong(dir, fam, bpm));
  }
  return out;
}

/** Multi-section songs: 8 sections each from one family's grooves (intro, verse, chorus…) with known bar boundaries. */
const SECTION_PLAN: Array<[label: string, group: string, bars: number]> = [
  ['intro', 'I', 4],
  ['verse', 'V', 8],
  ['chorus', 'C', 8],
  ['verse', 'V', 8],
  ['chorus', 'C', 8],
  ['bridge', 'B', 8],
  ['chorus', 'C', 8],
  ['outro', 'O', 4],
];
/**
 * The same song with sections of other lengths (real songs): a 2-bar intro, a 2-bar tag on the second
 * chorus and a 6-bar bridge, so the 4-bar phrase grid moves twice (BENCH_ODD=1).
 */
export const ODD_SECTION_PLAN: Array<[label: string, group: string, bars: number]> = [
  ['intro', 'I', 2],
  ['verse', 'V', 8],
  ['chorus', 'C', 8],
  ['verse', 'V', 8],
  ['chorus', 'C', 10],
  ['bridge', 'B', 6],
  ['chorus', 'C', 8],
  ['outro', 'O', 4],
];
/**
 * A third plan kept for checking section choices tuned on the two above (BENCH_PLAN3=1): a 4-bar intro,
 * a 12-bar verse, a 4-bar bridge, a 12-bar last chorus and a 2-bar outro.
 */
export const PLAN3_SECTION_PLAN: Array<[label: string, group: string, bars: number]> = [
  ['intro', 'I', 4],
  ['verse', 'V', 12],
  ['chorus', 'C', 8],
  ['verse', 'V', 8],
  ['chorus', 'C', 8],
  ['bridge', 'B', 4],
  ['chorus', 'C', 12],
  ['outro', 'O', 2],
];
const SECTION_FAMILIES = [
  ['50srock', '50sRockIntro', '50sRock', '50sRockSusPlus', '50sRock1', '50sRockEnd'],
  ['basicrock', 'BasicRockIntro', 'BasicRock', 'BasicRockSus', 'BasicRock4', 'BasicRockEnd'],
  ['bossanova', 'BossaNovaIntro', 'BossaNova', 'BossaNovaSusPlus', 'BossaNova1Sus', 'BossaNovaEnd'],
  [
    'countryswing',
    'CountrySwingIntro',
    'CountrySwing',
    'CountrySwing1Sus',
    'CountrySwing2',
    'CountrySwingEnd',
  ],
  ['folkrock', 'FolkRockIntro', 'FolkRock', 'FolkRockSusPlus', 'FolkRockPlus', 'FolkRockEnd'],
  ['jazzwaltz', 'JazzWaltzIntro', 'JazzWaltz', 'JazzWaltz1Sus', 'JazzWaltz2', 'JazzWaltzEnd'],
  ['popballad', 'PopBalladIntro', 'PopBallad', 'PopBallad2Plus', 'PopBallad1', 'PopBalladEnd'],
  ['ska', 'SkaSus', 'Ska', 'Ska1Sus', 'SkaClap', 'SkaEnd'],
  ['softrock', 'SoftRockIntro', 'SoftRock', 'SoftRock1Sus', 'SoftRock2', 'SoftRockEnd'],
  ['swing', 'SwingIntro', 'Swing', 'SwingPlusSus', 'SwingWalk', 'SwingEnd'],
  ['rb', 'R&BIntro', 'R&B', 'R&BSusPlus', 'R&BPlus', 'R&BEnd'],
  ['zydeco', 'ZydecoIntro', 'Zydeco', 'ZydecoSusPlus', 'ZydecoPlus', 'ZydecoEnd'],
];

/** The groove names a family's mma library file defines. */
function groovesOf(lib: string): Set<string> {
  const file = `/usr/share/mma/lib/stdlib/${lib}.mma`;
  if (!existsSync(file)) return new Set();
  return new Set(
    Array.from(readFileSync(file, 'utf8').matchAll(/^\s*DefGroove\s+(\S+)/gim), (m) => m[1] as string),
  );
}

/**
 * More section songs, for checking section and downbeat choices (BENCH_MORE_SECTIONS=1): every train
 * family outside SECTION_FAMILIES whose library has an intro and an ending, its plus/sus variants as
 * chorus and bridge. Train families only: a held-out family never joins.
 */
export function moreSectionFamilies(): string[][] {
  const taken = new Set(SECTION_FAMILIES.map((f) => f[0]));
  const out: string[][] = [];
  for (const fam of EVERY_FAMILY) {
    if (taken.has(fam.lib) || isHeldOut(fam.lib) || fam.per !== 1) continue;
    const g = groovesOf(fam.lib);
    const m = fam.main;
    const pick = (names: string[], not?: string) => names.find((n) => g.has(n) && n !== not && n !== m);
    const chorus = pick([`${m}SusPlus`, `${m}Plus`, `${m}Sus`, fam.alt]);
    const bridge = pick([`${m}1`, `${m}2`, fam.alt, `${m}Sus`, `${m}1Sus`], chorus);
    if (!g.has(`${m}Intro`) || !g.has(`${m}End`) || !chorus || !bridge) continue;
    out.push([fam.lib, `${m}Intro`, m, chorus, bridge, `${m}End`]);
  }
  return out;
}

export function sectionCorpus(dir: string, plan = SECTION_PLAN, families = SECTION_FAMILIES): CorpusSong[] {
  const tag = plan === SECTION_PLAN ? '' : plan === ODD_SECTION_PLAN ? 'odd-' : 'plan3-';
  mkdirSync(dir, { recursive: true });
  const out: CorpusSong[] = [];
  for (const [lib, intro, verse, chorus, bridge, end] of families as string[][]) {
    const fam = EVERY_FAMILY.find((f) => f.lib === lib) as Family;
    const h = fnv1a(`sections-${lib}`);
    const bpm = fam.lo + (h % Math.max(1, fam.hi - fam.lo));
    const grooves: Record<string, string> = {
      I: intro as string,
      V: verse as string,
      C: chorus as string,
      B: bridge as string,
      O: end as string,
    };
    const progs: Record<string, string[]> = {
      I: PROGRESSIONS[h % 8] as string[],
      V: PROGRESSIONS[h % 8] as string[],
      C: PROGRESSIONS[(h + 3) % 8] as string[],
      B: PROGRESSIONS[(h + 5) % 8] as string[],
      O: PROGRESSIONS[(h + 3) % 8] as string[],
    };
    const lines = [`Tempo ${bpm}`];
    const barsAt: number[] = [];
    let bar = 0;
    for (const [, group, bars] of plan) {
      barsAt.push(bar);
      lines.push(`Groove ${grooves[group]}`);
      // Intro/End grooves define their own length; repeat them to fill the section's bars.
      for (let b = 0; b < bars; b++) lines.push((progs[group] as string[])[b % 4] as string);
      bar += bars;
    }
    barsAt.push(bar);
    const name = `sections-${tag}${lib}`;
    const mid = renderMma(dir, `${name}-${bpm}`, `${lines.join('\n')}\n`);
    const sf = soundfontFor(h);
    const wav = mid.replace(/\.mid$/, `-${soundfontTag(sf)}.wav`);
    renderMidi(mid, wav, sf);
    const map = readMidiMap(mid);
    const grid = tappedGrid(map, { beatTicks: map.division * fam.per, beatsPerBar: fam.bar });
    const barSec = (b: number) => tickToSec(map, b * fam.bar * fam.per * map.division);
    const last = grid.beats.at(-1) ?? barSec(bar);
    const sections = plan.map(([label, group], i) => ({
      start: i === 0 ? 0 : barSec(barsAt[i] as number),
      end: i === plan.length - 1 ? Math.max(last, barSec(bar)) : barSec(barsAt[i + 1] as number),
      label,
      group,
    }));
    const d = damage(wav, (h >>> 3) % 5, h % 1000);
    out.push({
      name,
      family: lib as string,
      heldOut: isHeldOut(lib as string),
      audio: d.path,
      ...grid,
      bpm,
      damage: `${soundfontLabel(sf)}, ${d.label}`,
      sections,
    });
  }
  return out;
}

/**
 * The first `seconds` of a MIDI file rendered with a soundfont (cached as `<full>.90s.wav` beside `full`), and
 * its tapped-beat truth up to there. Game tunes loop for minutes: 90 s are enough and keep the benches quick.
 */
export function midiExcerpt(
  mid: string,
  full: string,
  soundfont: string,
  seconds = 90,
): { wav: string; beats: number[]; downbeats: number[]; beatsPerBar: number; bpm: number } {
  const wav = full.replace(/\.wav$/, `.${seconds}s.wav`);
  cacheFile(wav, (tmp) => {
    renderMidi(mid, full, soundfont);
    execFileSync('sox', [full, tmp, 'trim', '0', String(seconds)]);
  });
  const g = tappedGrid(readMidiMap(mid));
  const keep = (t: number) => t <= seconds;
  const beats = g.beats.filter(keep);
  return { wav, beats, downbeats: g.downbeats.filter(keep), beatsPerBar: g.beatsPerBar, bpm: meanBpm(beats) };
}

/** The mean tempo of a list of beat times (0 for fewer than two). */
export function meanBpm(beats: number[]): number {
  return beats.length > 1 ? 60 / (((beats.at(-1) as number) - (beats[0] as number)) / (beats.length - 1)) : 0;
}

/** Packaged MIDI (Debian planetblupi-music-midi), when installed: real game music, truth from each file's tempo map. */
export function packagedMidiCorpus(dir: string): CorpusSong[] {
  const src = '/usr/share/planetblupi/music';
  if (!existsSync(src)) return [];
  mkdirSync(dir, { recursive: true });
  return readdirSync(src)
    .filter((f) => f.endsWith('.mid'))
    .map((f) => {
      const mid = join(src, f);
      const h = fnv1a(f);
      const sf = soundfontFor(h);
      const full = excerptPath(join(dir, `blupi-${f.replace(/\.mid$/, '')}.wav`), sf);
      const { wav, bpm, ...grid } = midiExcerpt(mid, full, sf);
      const d = damage(wav, (h >>> 3) % 5, h % 1000);
      return {
        name: `blupi-${f.replace(/\.mid$/, '')}`,
        family: `blupi-${f}`,
        heldOut: isHeldOut(`blupi-${f}`),
        audio: d.path,
        ...grid,
        bpm: Math.round(bpm),
        damage: `${soundfontLabel(sf)}, ${d.label}`,
      };
    });
}

/**
 * The songs the tuning benches read (bench/fast-bench.ts, bench/diag-wander.ts), under `cache`: the beat
 * songs, the packaged MIDI and the section songs; `odd` / `plan3` add the section songs in those plans,
 * and `more` the section songs of the more train families in the regular plan and in each plan asked for.
 */
export function tuningCorpus(
  cache: string,
  opts: { odd?: boolean; plan3?: boolean; more?: boolean } = {},
): CorpusSong[] {
  const sections = join(cache, 'sections');
  const plans = [...(opts.odd ? [ODD_SECTION_PLAN] : []), ...(opts.plan3 ? [PLAN3_SECTION_PLAN] : [])];
  const more = opts.more ? moreSectionFamilies() : [];
  return [
    ...beatCorpus(join(cache, 'grooves')),
    ...packagedMidiCorpus(join(cache, 'midi')),
    ...sectionCorpus(sections),
    ...plans.flatMap((plan) => sectionCorpus(sections, plan)),
    ...(opts.more ? [SECTION_PLAN, ...plans].flatMap((plan) => sectionCorpus(sections, plan, more)) : []),
  ];
}
