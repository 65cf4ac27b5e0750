/**
 * A PRACTICE set of real third-party MIDI (issue 14: real songs lock onto the off-beat), kept out of the
 * corpus: Debian's openttd-openmsx (OpenTTD's game tunes) and the music lumps of freedoom's WADs, rendered
 * as packagedMidiCorpus renders planetblupi (fluidsynth, the corpus soundfonts, the first 90 s, damage by
 * the same hash rule), truth from each file's own tempo map. All of it is train material (nothing here is
 * held out, nothing here is in the corpus).
 * A file joins only when its tempo map is usable: its notes sit on the map's sixteenth or triplet grid
 * (a file played in freely against a nominal tempo does not), one beat unit throughout, 30 s of music.
 * Needs the Debian packages openttd-openmsx and freedoom (a source that is absent is skipped).
 * Run: node bench/midi-practice.ts (renders into $TMPDIR/beatframe-midi-practice; FEATURE_CACHE as the
 * other benches). PRACTICE_ONLY=<substring>, PRACTICE_CLEAN=1 (no damage), BENCH_ALL=1 (all rows).
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BeatRow, reportGroups } from './bench-util.ts';
import { cacheFile } from './cache-file.ts';
import {
  type CorpusSong,
  damage,
  excerptPath,
  fnv1a,
  midiExcerpt,
  soundfontFor,
  soundfontLabel,
} from './corpus.ts';
import { type MidiMap, readMidiMap, tappedGrid } from './midi-map.ts';

const OPENMSX = '/usr/share/games/openttd/baseset/openmsx';
const WADS = ['/usr/share/games/doom/freedoom1.wad', '/usr/share/games/doom/freedoom2.wad'];

/** The MIDI music lumps (D_*) of a Doom WAD, written out as .mid files. */
function wadMidis(wad: string, dir: string): string[] {
  const b = readFileSync(wad);
  const n = b.readInt32LE(4);
  const dirOff = b.readInt32LE(8);
  const tag = wad.includes('freedoom1') ? 'fd1' : 'fd2';
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = dirOff + 16 * i;
    const pos = b.readInt32LE(e);
    const size = b.readInt32LE(e + 4);
    const name = b.toString('latin1', e + 8, e + 16).replace(/\0.*$/, '');
    if (!name.startsWith('D_') || b.toString('latin1', pos, pos + 4) !== 'MThd') continue;
    const file = join(dir, `${tag}-${name.toLowerCase()}.mid`);
    cacheFile(file, (tmp) => writeFileSync(tmp, b.subarray(pos, pos + size)));
    out.push(file);
  }
  return out;
}

/** Share of note-ons within 1/64 beat of the map's sixteenth or eighth-triplet grid (chance: about 0.2). */
function gridShare(map: MidiMap): number {
  const d = map.division;
  const tol = d / 64;
  const near = (t: number, step: number) => Math.abs(t - Math.round(t / step) * step) <= tol;
  const on = map.noteTicks.filter((t) => near(t, d / 4) || near(t, d / 3)).length;
  return on / Math.max(1, map.noteTicks.length);
}

export function practiceMidi(): Array<{ name: string; mid: string; why?: string }> {
  const dir = join(tmpdir(), 'beatframe-midi-practice');
  mkdirSync(join(dir, 'mid'), { recursive: true });
  const files = [
    ...(existsSync(OPENMSX)
      ? readdirSync(OPENMSX)
          .filter((f) => f.endsWith('.mid'))
          .map((f) => join(OPENMSX, f))
      : []),
    ...WADS.filter(existsSync).flatMap((w) => wadMidis(w, join(dir, 'mid'))),
  ];
  const seen = new Set<string>();
  return files.map((mid) => {
    const base =
      mid
        .split('/')
        .at(-1)
        ?.replace(/\.mid$/, '') ?? mid;
    const name = mid.startsWith(OPENMSX) ? `msx-${base}` : base;
    const sum = createHash('md5').update(readFileSync(mid)).digest('hex');
    if (seen.has(sum)) return { name, mid, why: 'duplicate' };
    seen.add(sum);
    const why = unusableMap(mid);
    return why ? { name, mid, why } : { name, mid };
  });
}

/** Why a MIDI file's tempo map cannot serve as truth (undefined when it can). */
export function unusableMap(mid: string): string | undefined {
  const map = readMidiMap(mid);
  const share = gridShare(map);
  if (share < 0.8) return `off the map's grid (${share.toFixed(2)})`;
  if (new Set(map.timeSigs.map((t) => t[2])).size > 1) return 'beat unit changes';
  const g = tappedGrid(map);
  if (g.beats.length < 2 || (g.beats.at(-1) as number) - (g.beats[0] as number) < 30) return 'under 30 s';
  return undefined;
}

export function practiceSongs(): CorpusSong[] {
  const dir = join(tmpdir(), 'beatframe-midi-practice');
  return practiceMidi()
    .filter((m) => !m.why)
    .map(({ name, mid }) => {
      const h = fnv1a(name);
      const sf = soundfontFor(h);
      const { wav, bpm, ...grid } = midiExcerpt(mid, excerptPath(join(dir, `${name}.wav`), sf), sf);
      const d =
        process.env.PRACTICE_CLEAN === '1'
          ? { path: wav, label: 'clean wav' }
          : damage(wav, (h >>> 3) % 5, h % 1000);
      return {
        name,
        family: name,
        heldOut: false,
        audio: d.path,
        ...grid,
        bpm: Math.round(bpm),
        damage: `${soundfontLabel(sf)}, ${d.label}`,
      };
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const audio = await import('@beatframe/audio');
  const { cachedFeatures } = await import('./feature-cache.ts');
  const { beatTrack, mirEval } = await import('./mir-eval.ts');
  const { analyzeFeatures } = (
    process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
  ) as typeof audio;
  for (const m of practiceMidi()) if (m.why) console.log(`skipped ${m.name.padEnd(26)} ${m.why}`);
  const only = process.env.PRACTICE_ONLY;
  const songs = practiceSongs().filter((s) => !only || s.name.includes(only));
  const tracks: unknown[] = [];
  const meta: string[] = [];
  for (const [i, s] of songs.entries()) {
    process.stderr.write(`\r${i + 1}/${songs.length} ${s.name.padEnd(30)}`);
    const f = await cachedFeatures(s.audio);
    const a = analyzeFeatures(f, f.frames * f.hopSec);
    // Where our beats fall in the true beat, as a fraction (0 = on the beat, 0.5 = the off-beat).
    const ref = s.beats;
    const p = 60 / s.bpm;
    const offs = a.beats
      .filter((b) => b >= (ref[0] as number) && b <= (ref.at(-1) as number))
      .map((b) => {
        const r = ref.reduce((x, y) => (Math.abs(y - b) < Math.abs(x - b) ? y : x));
        return ((((b - r) / p) % 1) + 1) % 1;
      })
      .sort((x, y) => x - y);
    const off = offs[Math.floor(offs.length / 2)] ?? 0;
    meta.push(
      `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar}  ${a.bpm.toFixed(0).padStart(4)} ${a.meter.beatsPerBar}/${a.meter.beatUnit}  off ${off.toFixed(2)}  ${s.damage.padEnd(34)}`,
    );
    tracks.push(beatTrack(s, a));
  }
  process.stderr.write('\r'.padEnd(40));
  const rows = mirEval<BeatRow>(tracks);
  reportGroups('PRACTICE', rows, meta, (i) => [
    'ALL',
    (songs[i] as CorpusSong).name.startsWith('msx-') ? 'openmsx' : 'freedoom',
  ]);
}
