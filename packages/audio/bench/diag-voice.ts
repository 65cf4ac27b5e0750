/**
 * Diagnostic (session 26, issue 14): what the spoken layer costs. Every train song damaged with the speech
 * layer is analysed twice, from its damaged MP3 and from the clean WAV it was made from; beat F and AMLt
 * (mir_eval) of both, per song and in aggregate. Train material only (bench/train-songs.ts selection).
 * BENCH_IMPL=<other build>/index.js scores another build. VERBOSE=1 lists every pair (else those whose
 * AMLt differs by more than 0.2).
 * Result (5 December 2026, CORPUS=1 CLASSES=1 PRACTICE=1, 118 songs): spoken 0.829 / 0.852, clean 0.869 /
 * 0.899: the voice costs 0.047 AMLt. Of the 13 songs it cost more than 0.2, 6 were read at its syllable
 * rate (102–126 bpm; arpeggios, slow country, a 12/8 ballad); 8 songs went the other way (a coin on the
 * clean one too). A fifth of a slice carries the voice, so even a perfect cure moves a slice by about 0.01.
 */
import { existsSync } from 'node:fs';
import * as audio from '@beatframe/audio';
import type { BeatRow } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { beatTrack, mirEval } from './mir-eval.ts';
import { trainSongs } from './train-songs.ts';

const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const songs = trainSongs().filter((s) => s.damage.includes('speech layer'));
const tracks: unknown[] = [];
const names: string[] = [];
for (const s of songs) {
  const clean = s.audio.replace(/\.d4\.mp3$/, '.wav');
  if (clean === s.audio || !existsSync(clean)) continue;
  for (const [tag, file] of [
    ['speech', s.audio],
    ['clean', clean],
  ] as const) {
    const f = await cachedFeatures(file);
    const a = analyzeFeatures(f, f.frames * f.hopSec);
    tracks.push(beatTrack({ ...s, name: `${s.name} ${tag}` }, a));
    names.push(
      `${s.name.padEnd(26)} ${tag.padEnd(6)} truth ${String(s.bpm).padStart(3)} ours ${a.bpm.toFixed(0).padStart(3)}`,
    );
  }
}
const rows = mirEval<BeatRow>(tracks);
const sum = { speech: [0, 0, 0], clean: [0, 0, 0] } as Record<string, number[]>;
rows.forEach((r, i) => {
  const tag = i % 2 ? 'clean' : 'speech';
  const acc = sum[tag] as number[];
  acc[0] = (acc[0] as number) + r.beatF.ours;
  acc[1] = (acc[1] as number) + r.amlt.ours;
  acc[2] = (acc[2] as number) + 1;
  const before = rows[i - 1]?.amlt.ours ?? 0;
  if (i % 2 === 1 && (process.env.VERBOSE === '1' || Math.abs(r.amlt.ours - before) > 0.2))
    console.log(
      `${names[i - 1]}  /  ${names[i]?.slice(27)}  AMLt ${before.toFixed(2)} / ${r.amlt.ours.toFixed(2)}`,
    );
});
for (const [tag, [F, A, n]] of Object.entries(sum))
  console.log(
    `${tag.padEnd(6)} (${n}): beat F ${((F as number) / (n as number)).toFixed(3)}  AMLt ${((A as number) / (n as number)).toFixed(3)}`,
  );
