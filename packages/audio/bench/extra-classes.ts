/**
 * The error classes believed to remain on unseen music (issue 14), rendered from TRAIN families only (the
 * corpus' train families and mma families outside the corpus whose FNV-1a hash puts them in train; a
 * family the hash would hold out is refused): fast binary feels at 150–210 bpm (read at half or a
 * quarter), slow 6/8 and 12/8 at 45–70 dotted-quarter bpm and slow ballads (read at 3× or 2×), waltzes
 * at 95–200 (3/4 against 6/8). Same soundfonts and damage as the corpus (`grooveSong`).
 * Run: node bench/extra-classes.ts (renders into $TMPDIR/beatframe-audio-classes; prints ours per song
 * and per class). CLASS=<fast|compound|waltz|ballad|…>[,…] keeps those classes; BENCH_ONLY=<substring>.
 */
import * as audio from '@beatframe/audio';
import { type BeatRow, reportGroups } from './bench-util.ts';
import { classSongs } from './classes.ts';
import { cachedFeatures } from './feature-cache.ts';
import { beatTrack, mirEval } from './mir-eval.ts';

const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const songs = classSongs();
const tracks: unknown[] = [];
const meta: string[] = [];
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  meta.push(
    `${s.cls.padEnd(8)} ${s.name.padEnd(22)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar}  ${a.bpm.toFixed(0).padStart(4)} ${a.meter.beatsPerBar}/${a.meter.beatUnit}  ${s.damage.padEnd(38)}`,
  );
  tracks.push(beatTrack(s, a));
}
process.stderr.write('\r'.padEnd(40));
const rows = mirEval<BeatRow>(tracks);
reportGroups('CLASSES', rows, meta, (i) => {
  const { cls, damage } = songs[i] as { cls: string; damage: string };
  return [cls, 'ALL', `damage: ${damage.replace(/^[^,]*, /, '')}`];
});
