/** Diagnostic: dumps global onset autocorrelations of the corpus (train slice) for offline study. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio } from '../src/decode.ts';
import { computeFeatures } from '../src/dsp/spectrum.ts';
import { beatCorpus, packagedMidiCorpus } from './corpus.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const songs = [...beatCorpus(join(cache, 'grooves')), ...packagedMidiCorpus(join(cache, 'midi'))].filter(
  (s) => !s.heldOut,
);
const acf = (x: Float32Array, maxLag: number) => {
  const out: number[] = [];
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < x.length; i++) s += (x[i] as number) * (x[i - lag] as number);
    out.push(s / (x.length - lag));
  }
  return out.map((v) => v / (out[0] || 1));
};
const rows = [];
for (const s of songs) {
  const pcm = await decodeAudio(s.audio);
  let e = 0;
  for (const v of pcm) e += v * v;
  const f = computeFeatures(pcm, 22050, 0.1 / Math.sqrt(e / pcm.length));
  const period = ((s.beats.at(-1) as number) - (s.beats[0] as number)) / (s.beats.length - 1);
  rows.push({
    name: s.name,
    bpm: 60 / period,
    bar: s.beatsPerBar,
    hop: f.hopSec,
    A: acf(f.onset, 700),
    L: acf(f.lowOnset, 700),
  });
  process.stderr.write('.');
}
writeFileSync('/tmp/audio-diag/acf.json', JSON.stringify(rows));
