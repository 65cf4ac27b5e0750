/**
 * Quick tuning loop (run: node bench/fast-bench.ts): the corpus bench's beat and section scores from
 * cached features (bench/feature-cache.ts), our analysis only. Per-song rows for the train slice only;
 * the held-out slice is analysed only with BENCH_HELD=1, and then reported as aggregates (it is never
 * inspected song by song). The full bench
 * (corpus-bench.ts) stays the reference: it decodes as `analyzeAudio` does.
 * BENCH_ONLY=<substring>, BENCH_ALL=1 (also print the train songs that score ≥ 0.95 beat F), BENCH_ODD=1 (add
 * the section songs with odd section lengths, as corpus-bench.ts does), BENCH_PLAN3=1 (a third plan, to check
 * section choices tuned on the other two), BENCH_MORE_SECTIONS=1 (section songs from more train families),
 * BENCH_BY_DAMAGE=1 (train beat scores by damage), BENCH_DAMAGE=<substring> (train rows with that damage only).
 * Section rows give the number of sections found and our tempo over the truth's.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { tuningCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { beatTrack, mirEval } from './mir-eval.ts';

/** BENCH_IMPL=<another build's index.js> scores that build (built with `analyzeFeatures`). */
const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const cache = process.env.BENCH_CACHE ?? join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = tuningCorpus(cache, {
  odd: process.env.BENCH_ODD === '1',
  plan3: process.env.BENCH_PLAN3 === '1',
  more: process.env.BENCH_MORE_SECTIONS === '1',
})
  // The held-out slice only on request: a tuning loop should not see even its means (session 31 read
  // them here by accident, before the full bench).
  .filter((s) => process.env.BENCH_HELD === '1' || !s.heldOut)
  .filter((s) => !only || s.name.includes(only));
const tracks: unknown[] = [];
const meta: Array<{
  name: string;
  held: boolean;
  ref: number;
  bar: number;
  bpm: number;
  meter: string;
  sec: boolean;
  damage: string;
  found: number;
}> = [];
for (const [i, s] of songs.entries()) {
  process.stderr.write(`\r${i + 1}/${songs.length} ${s.name.padEnd(30)}`);
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  meta.push({
    name: s.name,
    held: s.heldOut,
    ref: s.bpm,
    bar: s.beatsPerBar,
    bpm: a.bpm,
    meter: `${a.meter.beatsPerBar}/${a.meter.beatUnit}`,
    sec: !!s.sections,
    damage: s.damage.replace(/^[^,]*, /, ''),
    found: a.sections.length,
  });
  tracks.push({
    ...beatTrack(s, a),
    ...(s.sections
      ? {
          refSections: s.sections.map((x) => [x.start, x.end, x.group]),
          sections: { ours: a.sections.map((x) => [x.start, x.end, x.group ?? x.label]) },
        }
      : {}),
  });
}
process.stderr.write('\r'.padEnd(40));
type Row = {
  beatF: { ours: number };
  amlt: { ours: number };
  downbeatF?: number;
  boundaryF: { ours?: number };
  boundary05F: { ours?: number };
  pairwiseF: { ours?: number };
};
const rows = mirEval<Row>(tracks);
const order = meta.map((_, i) => i).filter((i) => !meta[i]?.held);
order.sort((a, b) => (rows[a]?.beatF.ours ?? 0) - (rows[b]?.beatF.ours ?? 0));
console.log(`${'train song'.padEnd(26)} ref/bar  ours  meter   F      AMLt   downF`);
for (const i of order) {
  const m = meta[i] as (typeof meta)[number];
  const r = rows[i] as Row;
  if (r.beatF.ours >= 0.95 && process.env.BENCH_ALL !== '1') continue;
  if (process.env.BENCH_DAMAGE && !m.damage.includes(process.env.BENCH_DAMAGE)) continue;
  console.log(
    `${m.name.padEnd(26)} ${String(m.ref).padStart(3)}/${m.bar}  ${m.bpm.toFixed(0).padStart(4)}  ${m.meter.padEnd(5)}  ${r.beatF.ours.toFixed(3)}  ${r.amlt.ours.toFixed(3)}  ${(r.downbeatF ?? 0).toFixed(3)}`,
  );
}
for (const i of order) {
  const m = meta[i] as (typeof meta)[number];
  const r = rows[i] as Row;
  if (m.sec)
    console.log(
      `sections ${m.name.padEnd(26)} HR3F ${(r.boundaryF.ours ?? 0).toFixed(3)}  HR0.5F ${(r.boundary05F.ours ?? 0).toFixed(3)}  pairwise ${(r.pairwiseF.ours ?? 0).toFixed(3)}  found ${m.found}  tempo ×${(m.bpm / m.ref).toFixed(2)}`,
    );
}
const avg = (idx: number[], f: (r: Row) => number | undefined) => {
  const v = idx.map((i) => f(rows[i] as Row)).filter((x): x is number => x !== undefined);
  return v.length ? (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3) : '    -';
};
// BENCH_BY_DAMAGE=1: the train slice's beat scores by damage (train only: the held-out slice stays one aggregate).
if (process.env.BENCH_BY_DAMAGE === '1') {
  const kinds = [...new Set(meta.filter((m) => !m.held).map((m) => m.damage))].sort();
  for (const k of kinds) {
    const idx = meta.map((_, i) => i).filter((i) => !meta[i]?.held && meta[i]?.damage === k);
    console.log(
      `train, ${k.padEnd(28)} (${String(idx.length).padStart(3)}): beat F ${avg(idx, (r) => r.beatF.ours)}  AMLt ${avg(idx, (r) => r.amlt.ours)}  downbeat F ${avg(idx, (r) => r.downbeatF)}`,
    );
  }
}
for (const [title, held] of [
  ['TRAIN', false],
  ['HELD-OUT', true],
] as const) {
  const idx = meta.map((_, i) => i).filter((i) => meta[i]?.held === held);
  if (!idx.length) continue;
  const sec = idx.filter((i) => meta[i]?.sec);
  console.log(
    `${title} (${idx.length}): beat F ${avg(idx, (r) => r.beatF.ours)}  AMLt ${avg(idx, (r) => r.amlt.ours)}  downbeat F ${avg(idx, (r) => r.downbeatF)}  | sections (${sec.length}) HR3F ${avg(sec, (r) => r.boundaryF.ours)} HR0.5F ${avg(sec, (r) => r.boundary05F.ours)} pairwise ${avg(sec, (r) => r.pairwiseF.ours)}`,
  );
}
