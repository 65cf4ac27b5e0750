/**
 * Diagnostic: the octave evidence trackAtLevel (dsp/level.ts) sees on the first tracked grid, with the
 * truth's ratio to that grid (train slice; CLASS=<classes> adds bench/classes.ts material, CLASS_ONLY=1
 * drops the corpus). Held-out songs are never listed. BENCH_ONLY=<substring>.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackBeats, trackTempo, trimBeats } from '../dist/dsp/beats.js';
import {
  harmonicHalfBar,
  harmonicHalfSpan,
  harmonicPeriodTwo,
  octaveEvidence,
  subdivisions,
  tooSlowGrid,
} from '../dist/dsp/octave.js';
import { chooseBeatPhase, chooseTempo } from '../dist/dsp/reading.js';
import { classSongs } from './classes.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...(process.env.CLASS ? classSongs() : []),
  ...(process.env.CLASS_ONLY === '1'
    ? []
    : [
        ...beatCorpus(join(cache, 'grooves')),
        ...packagedMidiCorpus(join(cache, 'midi')),
        ...sectionCorpus(join(cache, 'sections')),
      ]),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
const r2 = (x: number) => x.toFixed(2);
console.log('name ref grid ratio conf alt | bbH bbB bbD evB evD harm p2 | sub.h sub.q sub.t h2 h8');
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  let reading = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const env = f.beatOnset;
  const track = (bpm: number) => {
    const tempo = trackTempo(env, f.hopSec, bpm || undefined);
    const tracked = trimBeats(trackBeats(env, tempo.periodAt), env, tempo.periodAt);
    return chooseBeatPhase(tracked, env, f.lowBeatOnset, tempo.periodAt).beats;
  };
  const medianOf = (beats: number[]) => {
    const ints = beats.slice(1).map((b, i) => b - (beats[i] as number));
    ints.sort((a, b) => a - b);
    return ints[Math.floor(ints.length / 2)] ?? 1;
  };
  let beats = track(reading.bpm);
  let grid = 60 / (medianOf(beats) * f.hopSec);
  let slow = '';
  if (tooSlowGrid(beats, f.onset, grid)) {
    reading = { ...reading, bpm: 2 * reading.bpm };
    beats = track(reading.bpm);
    grid = 60 / (medianOf(beats) * f.hopSec);
    slow = ' slowDoubled';
  }
  const harmony = harmonicHalfBar(beats, f.chroma, f.chromaHopSec, f.hopSec);
  const p2 = harmonicPeriodTwo(beats, f.chroma, f.chromaHopSec, f.hopSec);
  const e = octaveEvidence(beats, env, f.lowBeatOnset, f.highBeatOnset, harmony, p2);
  const sub = subdivisions(beats, f.onset);
  const h2 = harmonicHalfSpan(beats, f.chroma, f.chromaHopSec, f.hopSec, 2);
  const cls = (s as { cls?: string }).cls ?? 'corpus';
  console.log(
    [
      `${cls.padEnd(12)} ${s.name.padEnd(24)}`,
      s.bpm,
      grid.toFixed(0),
      r2(s.bpm / grid),
      r2(reading.confidence),
      reading.alternativeBpm.toFixed(0),
      '|',
      r2(e.backbeatHalf),
      r2(e.backbeatBeat),
      r2(e.backbeatDouble),
      r2(e.evenBeat),
      r2(e.evenDouble),
      r2(e.harmony),
      r2(e.periodTwo),
      '|',
      r2(sub.half),
      r2(sub.quarter),
      r2(sub.third),
      r2(h2),
      slow,
    ].join(' '),
  );
}
