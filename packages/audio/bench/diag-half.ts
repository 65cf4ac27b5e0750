/**
 * Diagnostic: octave evidence (dsp/octave.ts) on the final grid of every train song, tagged right, read
 * at double or at half the truth. Train material only: PRACTICE=1, CORPUS=1, CLASSES=1 as diag-ratio.ts.
 */
import { analyzeFeatures } from '@beatframe/audio';
import { harmonicHalfBar, harmonicPeriodTwo, octaveEvidence } from '../dist/dsp/octave.js';
import { cachedFeatures } from './feature-cache.ts';
import { onsetFrames, trainSongs } from './train-songs.ts';

const songs = trainSongs();
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const beats = onsetFrames(a.beats, f.hopSec);
  const ratio = s.bpm / a.bpm;
  const near = (r: number) => Math.abs(ratio / r - 1) < 0.04;
  const tag = near(1) ? 'right' : near(0.5) ? 'DOUBLE' : near(2) ? 'HALF' : `r${ratio.toFixed(2)}`;
  const harmony = harmonicHalfBar(beats, f.chroma, f.chromaHopSec, f.hopSec);
  const periodTwo = harmonicPeriodTwo(beats, f.chroma, f.chromaHopSec, f.hopSec);
  const e = octaveEvidence(beats, f.beatOnset, f.lowBeatOnset, f.highBeatOnset, harmony, periodTwo);
  const v = Object.entries(e)
    .map(([k, x]) => `${k} ${(x as number).toFixed(2)}`)
    .join(' ');
  console.log(
    `${s.name.padEnd(26)} ${tag.padEnd(7)} ${String(s.bpm).padStart(3)} ours ${a.bpm.toFixed(0).padStart(3)} | ${v}`,
  );
}
