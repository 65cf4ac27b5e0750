/**
 * Diagnostic for chooseBeatPhase's shifts: for every train song whose tracked grid it moves, the shift,
 * the bass and full-band scores at the shift over those at the grid, and where the grid and the moved
 * grid sit in the true beat (0 = on it). Train material only (CLASSES=1, PRACTICE=1, CORPUS=1).
 */
import { chooseBeatPhase, chooseTempo } from '../dist/dsp/reading.js';
import { maxAround } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { phaseInBeat, trackedGrid, trainSongs } from './train-songs.ts';

const songs = trainSongs();
const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length || 1;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const r = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const { tempo, tracked: beats } = trackedGrid(f, r.bpm);
  const ph = chooseBeatPhase(beats, f.beatOnset, f.lowBeatOnset, tempo.periodAt);
  if (ph.shift === 0 || beats.length < 8) continue;
  const sc = (x: Float32Array, phi: number) => {
    let v = 0;
    for (let i = 0; i + 1 < beats.length; i++)
      v += maxAround(x, (beats[i] as number) + phi * ((beats[i + 1] as number) - (beats[i] as number)), 1);
    return v / mean(x) / beats.length;
  };
  const where = (bs: number[]) => phaseInBeat(bs, s.beats, f.hopSec).toFixed(2);
  const gridBpm = 60 / ((beats.at(-1)! - beats[0]!) / (beats.length - 1)) / f.hopSec;
  console.log(
    `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)} grid ${gridBpm.toFixed(0).padStart(3)} shift ${ph.shift.toFixed(2)}${ph.byStart ? ' (start)' : '        '} low ${(sc(f.lowBeatOnset, ph.shift) / sc(f.lowBeatOnset, 0)).toFixed(2)} full ${(sc(f.beatOnset, ph.shift) / sc(f.beatOnset, 0)).toFixed(2)} | grid at ${where(beats)} → ${where(ph.beats)}`,
  );
}
