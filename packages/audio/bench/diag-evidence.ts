/** Diagnostic: octave evidence on the tracked grid, its double and its half (train slice only). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackBeats, trackTempo, trimBeats } from '../src/dsp/beats.ts';
import {
  doubleGrid,
  harmonicHalfBar,
  harmonicPeriodTwo,
  octaveEvidence,
  octaveFactor,
} from '../src/dsp/octave.ts';
import { chooseBeatPhase, chooseTempo, OCTAVE_DOUBT } from '../src/dsp/reading.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...beatCorpus(join(cache, 'grooves')),
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...sectionCorpus(join(cache, 'sections')),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const reading = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const tempo = trackTempo(f.beatOnset, f.hopSec, reading.bpm || undefined);
  const tracked = trimBeats(trackBeats(f.beatOnset, tempo.periodAt), f.beatOnset, tempo.periodAt);
  const beats = chooseBeatPhase(tracked, f.beatOnset, f.lowBeatOnset, tempo.periodAt).beats;
  const ints = beats
    .slice(1)
    .map((b, i) => b - (beats[i] as number))
    .sort((a, b) => a - b);
  const bpm = 60 / ((ints[Math.floor(ints.length / 2)] ?? 1) * f.hopSec);
  const e = octaveEvidence(
    beats,
    f.beatOnset,
    f.lowBeatOnset,
    f.highBeatOnset,
    harmonicHalfBar(beats, f.chroma, f.chromaHopSec, f.hopSec),
    harmonicPeriodTwo(beats, f.chroma, f.chromaHopSec, f.hopSec),
  );
  const r = s.bpm / bpm;
  const doubted =
    reading.confidence < OCTAVE_DOUBT && Math.abs((2 * reading.alternativeBpm) / reading.bpm - 1) < 0.1;
  const o = octaveFactor(e, bpm, doubted);
  const mark = Math.abs(r - 1) < 0.06 ? ' ' : r > 1 ? '↑' : '↓';
  console.log(
    [
      mark,
      s.name.padEnd(20),
      `ref ${s.bpm}`,
      `ours ${bpm.toFixed(0)}`,
      `r ${r.toFixed(2)}`,
      `conf ${reading.confidence.toFixed(2)}`,
      `alt ${reading.alternativeBpm.toFixed(0)}`,
      `| bb ${e.backbeatHalf.toFixed(2)} ${e.backbeatBeat.toFixed(2)} ${e.backbeatDouble.toFixed(2)}`,
      `| even ${e.evenBeat.toFixed(2)} ${e.evenDouble.toFixed(2)}`,
      `| harm ${e.harmony.toFixed(2)} ${harmonicHalfBar(doubleGrid(beats), f.chroma, f.chromaHopSec, f.hopSec).toFixed(2)} p2 ${harmonicPeriodTwo(beats, f.chroma, f.chromaHopSec, f.hopSec).toFixed(2)}`,
      `=> ×${o.factor} ${Math.abs(r / o.factor - 1) < 0.06 ? 'ok' : 'WRONG'}`,
    ].join(' '),
  );
}
