/**
 * Diagnostic (session 26, issue 14): on the grids the compound-eighths preconditions take (120–210 bpm,
 * chords lasting more than 3 points, onsets grouped in threes), how long the chords last beyond that:
 * `harmonicHalfSpan` over 6-point windows (near 0 when chords last 12 points: a 12/8 bar at its eighths;
 * near 1 when they last 6: a 6/8 bar at its eighths or a waltz whose chords last 2 bars). Tagged by the
 * ratio of our tempo to the truth's. Train material only (bench/train-songs.ts: CLASSES=1, CORPUS=1, PRACTICE=1).
 * Result (5 December 2026): only class renders pass the preconditions (none of the corpus' train songs nor
 * the practice MIDI): ballad68 41–59 at its eighths hs6 0.37–0.55, waltzes at their beat with 2-bar chords
 * 0.25–0.94 (14 songs). mma writes ballad68 as 12/8 (4 dotted beats a bar), yet its chords do not hold
 * for 12 eighths any more clearly than a waltz's for 2 bars: no rule was written.
 */
import { analyzeFeatures } from '@beatframe/audio';
import { harmonicHalfSpan, registerSpread } from '../dist/dsp/octave.js';
import { globalAcf } from '../dist/dsp/reading.js';
import { acfPeak } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { onsetFrames, trainSongs } from './train-songs.ts';

const fx = (v: number) => v.toFixed(2);
for (const s of trainSongs()) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const g = onsetFrames(a.beats, f.hopSec);
  if (a.bpm < 120 || a.bpm > 210 || g.length < 36) continue;
  const hs3 = harmonicHalfSpan(g, f.chroma, f.chromaHopSec, f.hopSec, 3);
  const p = 60 / a.bpm / f.hopSec;
  const acf = globalAcf(f.onset, Math.ceil(6 / f.hopSec));
  const pk = (lag: number) => acfPeak(acf, lag);
  const threes = pk(3 * p) >= pk(2 * p) && pk(3 * p) >= pk(4 * p);
  if (!(hs3 < 0.15 && threes)) continue;
  const hs6 = harmonicHalfSpan(g, f.chroma, f.chromaHopSec, f.hopSec, 6);
  const reg = registerSpread(g, f.onset, f.logMel, f.bands);
  const ratio = a.bpm / s.bpm;
  const tag = [1, 2, 3, 0.5, 1.5, 1 / 3].find((r) => Math.abs(ratio / r - 1) < 0.04);
  console.log(
    `${s.name.padEnd(28)} truth ${String(s.bpm).padStart(3)}/${s.beatsPerBar} ours ${a.bpm.toFixed(0).padStart(3)} x${tag === undefined ? ratio.toFixed(2) : fx(tag)}  hs3 ${fx(hs3)} hs6 ${fx(hs6)} reg ${fx(reg)}`,
  );
}
