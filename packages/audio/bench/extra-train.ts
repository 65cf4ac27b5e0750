/**
 * Extra material from the TRAIN families only (never the held-out ones): each family again at the middle
 * of its tempo range, the fast families at the top of it (196–210 bpm) and the slow compound / 12/8
 * families at its bottom, for checking a change on more than the corpus' two tempi per family.
 * Run: node bench/extra-train.ts (renders into $TMPDIR/beatframe-audio-extra; prints ours per song).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { type CorpusSong, EVERY_FAMILY, extraTempi, grooveSong, isHeldOut } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { beatTrack, mirEval } from './mir-eval.ts';

/** BENCH_IMPL=<another build's index.js> scores that build. */
const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;

const dir = join(tmpdir(), 'beatframe-audio-extra');
const only = process.env.BENCH_ONLY;
const train = EVERY_FAMILY.filter((f) => !isHeldOut(f.lib));
const songs: CorpusSong[] = [];
// EXTRA_SONGS=lib:bpm,lib:bpm… renders those instead (train families only).
const asked = (process.env.EXTRA_SONGS ?? '').split(',').filter(Boolean);
for (const x of asked) {
  const [lib, bpm] = x.split(':');
  const fam = train.find((f) => f.lib === lib);
  if (fam) songs.push(grooveSong(dir, fam, Number(bpm)));
  else console.log(`${lib}: not a train family`);
}
for (const fam of asked.length ? [] : train) {
  for (const bpm of extraTempi(fam)) {
    if (only && !`${fam.lib}-${bpm}`.includes(only)) continue;
    process.stderr.write(`\rrendering ${fam.lib}-${bpm}`.padEnd(40));
    songs.push(grooveSong(dir, fam, bpm));
  }
}
const tracks: unknown[] = [];
const meta: string[] = [];
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  meta.push(
    `${s.name.padEnd(22)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar}  ${a.bpm.toFixed(0).padStart(4)} ${a.meter.beatsPerBar}/${a.meter.beatUnit}`,
  );
  tracks.push(beatTrack(s, a));
}
process.stderr.write('\r'.padEnd(40));
const rows = mirEval<{ beatF: { ours: number }; amlt: { ours: number }; downbeatF?: number }>(tracks);
let f = 0;
let am = 0;
rows.forEach((r, i) => {
  f += r.beatF.ours;
  am += r.amlt.ours;
  console.log(
    `${meta[i]}  F ${r.beatF.ours.toFixed(3)}  AMLt ${r.amlt.ours.toFixed(3)}  downF ${(r.downbeatF ?? 0).toFixed(3)}`,
  );
});
console.log(
  `EXTRA TRAIN (${rows.length}): beat F ${(f / rows.length).toFixed(3)}  AMLt ${(am / rows.length).toFixed(3)}`,
);
