/** Diagnostic: phase evidence of the tracked grid vs the truth (train slice; CLASS=<classes> adds bench/classes.ts material). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio } from '../dist/decode.js';
import { chooseTempo } from '../dist/dsp/reading.js';
import { computeFeatures } from '../dist/dsp/spectrum.js';
import { maxAround } from './bench-util.ts';
import { classSongs } from './classes.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { trackedGrid } from './train-songs.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...(process.env.CLASS ? classSongs() : []),
  ...beatCorpus(join(cache, 'grooves')),
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...sectionCorpus(join(cache, 'sections')),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
for (const s of songs) {
  const pcm = await decodeAudio(s.audio, { sampleRate: 22050 });
  let e = 0;
  for (const v of pcm) e += v * v;
  const f = computeFeatures(pcm, 22050, 0.1 / Math.sqrt(e / pcm.length));
  const reading = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const { tempo, tracked: beats } = trackedGrid(f, reading.bpm);
  // truth offset: for each tracked beat, fractional position relative to nearest truth beat grid
  const ref = s.beats.map((t) => t / f.hopSec);
  const offs: number[] = [];
  for (let i = 0; i + 1 < beats.length; i++) {
    const b = beats[i] as number;
    const p = (beats[i + 1] as number) - b;
    let best = Infinity;
    for (const r of ref) if (Math.abs(r - b) < Math.abs(best)) best = r - b;
    offs.push((((best / p) % 1) + 1) % 1);
  }
  offs.sort((a, b) => a - b);
  const med = offs[Math.floor(offs.length / 2)] ?? 0;
  const envs: Record<string, Float32Array> = {
    log: f.onset,
    low: f.lowOnset,
    lin: f.beatOnset,
    lowlin: f.lowBeatOnset,
  };
  const line = [
    s.name.padEnd(22),
    `truth-off ${med.toFixed(2)}`,
    `bpm ${(60 / (((tempo.periodAt[1000] ?? 1) as number) * f.hopSec)).toFixed(0)}/${s.bpm}`,
  ];
  for (const [k, env] of Object.entries(envs)) {
    let mu = 0;
    for (const v of env) mu += v;
    mu /= env.length;
    const sc = [0, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4].map((phi) => {
      let acc = 0;
      for (let i = 0; i + 1 < beats.length; i++) {
        const b = beats[i] as number;
        const p = (beats[i + 1] as number) - b;
        acc += maxAround(env, b + phi * p, 1);
      }
      return acc / Math.max(1, beats.length - 1) / (mu || 1);
    });
    line.push(`${k}[${sc.map((v) => v.toFixed(1)).join(' ')}]`);
  }
  console.log(line.join(' '));
}
