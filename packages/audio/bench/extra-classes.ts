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
const rows = mirEval<{ beatF: { ours: number }; amlt: { ours: number }; downbeatF?: number }>(tracks);
const by: Record<string, { n: number; f: number; am: number }> = {};
rows.forEach((r, i) => {
  const { cls, damage } = songs[i] as { cls: string; damage: string };
  for (const k of [cls, 'ALL', `damage: ${damage.replace(/^[^,]*, /, '')}`]) {
    by[k] ??= { n: 0, f: 0, am: 0 };
    const b = by[k];
    b.n++;
    b.f += r.beatF.ours;
    b.am += r.amlt.ours;
  }
  if (r.beatF.ours < 0.95 || process.env.BENCH_ALL === '1')
    console.log(
      `${meta[i]}  F ${r.beatF.ours.toFixed(3)}  AMLt ${r.amlt.ours.toFixed(3)}  downF ${(r.downbeatF ?? 0).toFixed(3)}`,
    );
});
for (const [k, b] of Object.entries(by))
  console.log(
    `CLASSES ${k.padEnd(8)} (${b.n}): beat F ${(b.f / b.n).toFixed(3)}  AMLt ${(b.am / b.n).toFixed(3)}`,
  );
