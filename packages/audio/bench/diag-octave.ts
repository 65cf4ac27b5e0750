/** Diagnostic: octave evidence of the tracked grid vs the truth (train slice only). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio } from '../dist/decode.js';
import { chooseBeatPhase, chooseTempo } from '../dist/dsp/reading.js';
import { computeFeatures } from '../dist/dsp/spectrum.js';
import { maxAround } from './bench-util.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { trackedGrid } from './train-songs.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...beatCorpus(join(cache, 'grooves')),
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...sectionCorpus(join(cache, 'sections')),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
const rows: unknown[] = [];
for (const s of songs) {
  const pcm = await decodeAudio(s.audio, { sampleRate: 22050 });
  let e = 0;
  for (const v of pcm) e += v * v;
  const f = computeFeatures(pcm, 22050, 0.1 / Math.sqrt(e / pcm.length));
  const reading = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const { tempo, tracked } = trackedGrid(f, reading.bpm);
  const beats = chooseBeatPhase(tracked, f.beatOnset, f.lowBeatOnset, tempo.periodAt).beats;
  const ints = beats
    .slice(1)
    .map((b, i) => b - (beats[i] as number))
    .sort((a, b) => a - b);
  const bpm = 60 / ((ints[Math.floor(ints.length / 2)] ?? 1) * f.hopSec);
  const at = (env: Float32Array, phi: number) => {
    let acc = 0;
    for (let i = 0; i + 1 < beats.length; i++) {
      const b = beats[i] as number;
      acc += maxAround(env, b + phi * ((beats[i + 1] as number) - b), 1);
    }
    return acc / Math.max(1, beats.length - 1);
  };
  // alternate beats: even vs odd strength
  const alt = (env: Float32Array) => {
    let ev = 0;
    let od = 0;
    beats.forEach((b, i) => {
      if (i % 2) od += maxAround(env, b, 1);
      else ev += maxAround(env, b, 1);
    });
    return Math.min(ev, od) / Math.max(ev, od, 1e-9);
  };
  const row = {
    name: s.name,
    ref: s.bpm,
    bpm: Math.round(bpm),
    ratio: +(s.bpm / bpm).toFixed(2),
    half: +(at(f.beatOnset, 0.5) / at(f.beatOnset, 0)).toFixed(2),
    halfLow: +(at(f.lowBeatOnset, 0.5) / (at(f.lowBeatOnset, 0) || 1)).toFixed(2),
    halfLog: +(at(f.onset, 0.5) / at(f.onset, 0)).toFixed(2),
    q: +((at(f.beatOnset, 0.25) + at(f.beatOnset, 0.75)) / 2 / at(f.beatOnset, 0)).toFixed(2),
    third: +(Math.min(at(f.onset, 1 / 3), at(f.onset, 2 / 3)) / at(f.onset, 0)).toFixed(2),
    altLin: +alt(f.beatOnset).toFixed(2),
    altLow: +alt(f.lowBeatOnset).toFixed(2),
    conf: +reading.confidence.toFixed(2),
    altBpm: Math.round(reading.alternativeBpm),
  };
  rows.push(row);
  console.log(Object.values(row).join('\t'));
}
