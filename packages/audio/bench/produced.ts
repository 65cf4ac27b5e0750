/**
 * A fourth third-party set, and the one nearest a generated song (session 34, issue 14): the produced
 * songs LMMS ships as demo projects (Debian's lmms-common: house, trance, reggae, reggaeton, chiptune,
 * electro, an 80s rock pastiche… by LMMS users, GPL / Artistic / CC-BY-SA), rendered by LMMS itself
 * (`lmms --render`, synths, samples and effects as their authors mixed them). The truth is the project's
 * own grid: its tempo (no project here automates it), its time signature's beat from tick 0, where the
 * export starts, up to the last second the render still sounds within 30 dB of its peak. No other bench
 * reads these, and the analysis was never tuned on them before the held-out half was first scored.
 * Rendered and damaged by the same hash rule as the practice and second sets (clean, MP3 64k, reverb,
 * compression and noise, the spoken layer). Half of it (FNV-1a of the name, odd) is held out of all
 * tuning: only its means are printed, beside aubio's and music-tempo's in the same run.
 * Needs Debian's lmms (its rendering runs headless: QT_QPA_PLATFORM=offscreen); without it the set is
 * empty. Run: node bench/produced.ts (renders into $TMPDIR/beatframe-produced, 15–20 min the first time;
 * BENCH_IMPL, BENCH_ALL=1, BENCH_SLICE=train, BENCH_PEERS=0, PRODUCED_ONLY=<substring>).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { cacheFile } from './cache-file.ts';
import { damage, ffmpegQuiet, fnv1a } from './corpus.ts';
import { reportHeldOutSet, type SourcedSong } from './held-report.ts';

const DIR = join(tmpdir(), 'beatframe-produced');
const PROJECTS = '/usr/share/lmms/projects';
const GROUPS = ['demos', 'shorties'];
/** The sample rate the set is analysed at (as the other sets). */
const RATE = 22_050;
/** The music ends at the last 100-ms window within this many dB of the loudest one. */
const END_DB = 30;
/** Shorter renders are sketches, not songs. */
const MIN_SECONDS = 30;

/** The fixed rule that holds half of this set out of all tuning. */
export const producedHeldOut = (name: string) => fnv1a(name) % 2 === 1;

interface ProjectGrid {
  bpm: number;
  beatsPerBar: number;
  /** Note value of a beat (4 = quarter). */
  beatUnit: number;
}

/** A project's XML: an .mmpz is a 4-byte length and a zlib stream of the .mmp text. */
function projectXml(file: string): string {
  const raw = readFileSync(file);
  return (file.endsWith('.mmpz') ? inflateSync(raw.subarray(4)) : raw).toString('utf8');
}

/**
 * A project's tempo and time signature; undefined when the tempo is automated (its grid would need the
 * automation curve).
 */
export function projectGrid(file: string): ProjectGrid | undefined {
  const xml = projectXml(file);
  const head = /<head\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attr = (k: string) => Number(new RegExp(`\\b${k}="([\\d.]+)"`).exec(head)?.[1]);
  if (/<bpm\b/.test(xml)) return undefined;
  const num = attr('timesig_numerator');
  const den = attr('timesig_denominator');
  // A 1/1 signature says nothing of the bar: those projects are 4/4 in their patterns.
  const odd = !(num > 1) || !(den >= 2);
  return { bpm: attr('bpm'), beatsPerBar: odd ? 4 : num, beatUnit: odd ? 4 : den };
}

/** Seconds from the start to the end of the last 100-ms window within END_DB of the loudest (mono s16 PCM). */
function soundingSeconds(wav: string): number {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', wav, '-f', 's16le', '-ac', '1', '-'], {
    maxBuffer: 1 << 30,
  });
  const x = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  const win = Math.round(RATE / 10);
  const rms: number[] = [];
  for (let i = 0; i + win <= x.length; i += win) {
    let s = 0;
    for (let j = i; j < i + win; j++) s += (x[j] as number) ** 2;
    rms.push(Math.sqrt(s / win));
  }
  const peak = Math.max(...rms);
  const floor = peak * 10 ** (-END_DB / 20);
  let last = rms.length - 1;
  while (last > 0 && (rms[last] as number) < floor) last--;
  return (last + 1) / 10;
}

function render(project: string, wav: string): boolean {
  if (existsSync(wav)) return true;
  const full = wav.replace(/\.wav$/, '.lmms.wav');
  const rendered = cacheFile(full, (tmp) => {
    const r = spawnSync('lmms', ['--allowroot', '--render', project, '--output', tmp, '--format', 'wav'], {
      env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' },
      stdio: 'ignore',
      timeout: 900_000,
    });
    return r.status === 0 && existsSync(tmp) && statSync(tmp).size >= 1000;
  });
  if (!rendered) return false;
  return cacheFile(wav, (tmp) => {
    execFileSync('ffmpeg', [...ffmpegQuiet, '-i', full, '-ac', '1', '-ar', String(RATE), tmp]);
  });
}

/** A steady grid from 0 to `seconds`: beats every `beatSec`, a downbeat every `perBar` beats. */
function gridFrom(beatSec: number, seconds: number, perBar: number) {
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let k = 0; k * beatSec <= seconds; k++) {
    const t = Math.round(k * beatSec * 1000) / 1000;
    beats.push(t);
    if (k % perBar === 0) downbeats.push(t);
  }
  return { beats, downbeats };
}

/**
 * A rendered project as a scored song (undefined when it sounds under MIN_SECONDS): its grid at `bpm` from
 * the export's start, damaged by the hash rule of its name.
 */
function songFrom(
  name: string,
  family: string,
  heldOut: boolean,
  wav: string,
  grid: ProjectGrid,
  bpm: number,
): SourcedSong | undefined {
  const seconds = soundingSeconds(wav);
  if (seconds < MIN_SECONDS) return undefined;
  // The beat is the signature's note value: a quarter at the project's tempo in x/4.
  const beatSec = (60 / bpm) * (4 / grid.beatUnit);
  const { beats, downbeats } = gridFrom(beatSec, seconds, grid.beatsPerBar);
  const h = fnv1a(name);
  const d = damage(wav, (h >>> 3) % 5, h % 1000);
  return {
    name,
    family,
    // One group: a per-folder mean of the held-out half would show a single song (shorties holds one).
    source: 'lmms',
    heldOut,
    audio: d.path,
    beats,
    downbeats,
    beatsPerBar: grid.beatsPerBar,
    bpm: Math.round(60 / beatSec),
    damage: `lmms, ${d.label}`,
  };
}

/** PRODUCED_TEMPI: the factors of a train project's own tempo it is also rendered at. */
const RETIMINGS = (process.env.PRODUCED_TEMPI ?? '')
  .split(',')
  .map(Number)
  .filter((k) => k > 0 && k !== 1);

/**
 * More train material of the same kind (session 36): a train project re-rendered at other tempi
 * (PRODUCED_TEMPI=0.7,0.9,1.1,1.4: factors of its own bpm), its `<head bpm>` rewritten. LMMS re-times
 * its patterns and keeps each sample's pitch and length, so the grid is exact again (not for a project
 * with a sample track: its audio clips would not follow). Never made of a held-out project.
 */
function retimed(project: string, name: string, grid: ProjectGrid): SourcedSong[] {
  const out: SourcedSong[] = [];
  for (const k of RETIMINGS) {
    const bpm = Math.round(grid.bpm * k);
    const vname = `${name}-at${bpm}`;
    const wav = join(DIR, `${vname}.wav`);
    if (!existsSync(wav)) {
      const xml = projectXml(project);
      const head = /<head\b[^>]*>/.exec(xml)?.[0];
      // A sample track's audio clips keep their length at any tempo: such a project cannot be re-timed.
      if (!head || /<track\b[^>]*\btype="2"/.test(xml)) continue;
      const file = join(DIR, `${vname}.mmp`);
      writeFileSync(file, xml.replace(head, head.replace(/\bbpm="[\d.]+"/, `bpm="${bpm}"`)));
      if (!render(file, wav)) continue;
    }
    const song = songFrom(vname, name, false, wav, grid, bpm);
    if (song) out.push(song);
  }
  return out;
}

export function producedSongs(): SourcedSong[] {
  if (!existsSync(PROJECTS) || spawnSync('lmms', ['--version'], { stdio: 'ignore' }).error) return [];
  const only = process.env.PRODUCED_ONLY;
  const out: SourcedSong[] = [];
  mkdirSync(DIR, { recursive: true });
  for (const group of GROUPS) {
    const root = join(PROJECTS, group);
    if (!existsSync(root)) continue;
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.mmpz?$/.test(f))
      .sort();
    for (const f of files) {
      const name = `lmms-${basename(f)
        .replace(/\.mmpz?$/, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')}`;
      if (only && !name.includes(only)) continue;
      process.stderr.write(`\rrendering ${name.padEnd(50)}`);
      const project = join(root, f);
      const grid = projectGrid(project);
      if (!grid) continue;
      const wav = join(DIR, `${name}.wav`);
      if (!render(project, wav)) continue;
      const song = songFrom(name, name, producedHeldOut(name), wav, grid, grid.bpm);
      if (!song) continue;
      if (!song.heldOut) out.push(...retimed(project, name, grid));
      out.push(song);
    }
  }
  process.stderr.write(`\r${''.padEnd(60)}\r`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await reportHeldOutSet(producedSongs());
