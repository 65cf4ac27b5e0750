/**
 * Diagnostic: the comb's reading against the truth and the autocorrelations (full band, bass band) at
 * 1, 2, 3, 4, 6 truth-beat thirds, for the error-class songs (bench/classes.ts) and the train corpus
 * (PRACTICE=1 adds bench/midi-practice.ts).
 * Train material only. BENCH_ONLY=<substring>.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFeatures } from '@beatframe/audio';
import { chooseTempo, globalAcf } from '../dist/dsp/reading.js';
import { acfPeak } from './bench-util.ts';
import { classSongs } from './classes.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...classSongs(),
  ...(process.env.PRACTICE ? practiceSongs() : []),
  ...beatCorpus(join(cache, 'grooves')),
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...sectionCorpus(join(cache, 'sections')),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
const pk = acfPeak;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const comb = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const full = globalAcf(f.onset, Math.ceil(6 / f.hopSec));
  const low = globalAcf(f.lowOnset, Math.ceil(6 / f.hopSec));
  const p = 60 / s.bpm / f.hopSec / 3; // a third of the true beat
  const row = (x: Float64Array) => [1, 2, 3, 4, 6, 9, 12].map((m) => pk(x, m * p).toFixed(2)).join(' ');
  const r = (b: number) => (b / s.bpm).toFixed(2);
  console.log(
    `${s.name.padEnd(22)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar} comb ${r(comb.bpm)} (${comb.confidence.toFixed(2)}, alt ${r(comb.alternativeBpm)}) final ${r(a.bpm)} | full ${row(full)} | low ${row(low)}`,
  );
}
