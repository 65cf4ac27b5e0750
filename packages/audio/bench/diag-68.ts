/**
 * Diagnostic: a grid read in threes (3/4) is a fast waltz's beat or a slow 6/8's eighths. A 6/8 groove
 * alternates kick and snare every 3 grid points (beats 1 and 4 of the bar); a waltz's every third point is
 * its bar line, kick each time. Prints the backbeat (dsp/octave.ts) of every third grid point (best of
 * the three phases) beside the grid's own. Train material only (CLASSES=1, PRACTICE=1, CORPUS=1).
 */
import { analyzeFeatures } from '@beatframe/audio';
import { backbeat } from '../dist/dsp/octave.js';
import { cachedFeatures } from './feature-cache.ts';
import { onsetFrames, trainSongs } from './train-songs.ts';

const songs = trainSongs();
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  if (a.meter.beatsPerBar !== 3 && a.meter.beatUnit !== 8) continue;
  const grid = onsetFrames(a.beats, f.hopSec);
  const ratio = a.bpm / s.bpm;
  const near = (r: number) => Math.abs(ratio / r - 1) < 0.04;
  const tag = near(1) ? 'right' : near(3) ? 'EIGHTHS' : `r${ratio.toFixed(2)}`;
  const sub = [0, 1, 2].map((k) =>
    backbeat(
      grid.filter((_, i) => i % 3 === k),
      f.lowBeatOnset,
      f.highBeatOnset,
    ),
  );
  console.log(
    `${s.name.padEnd(26)} ${tag.padEnd(8)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar} ours ${a.bpm.toFixed(0).padStart(3)} ${a.meter.beatsPerBar}/${a.meter.beatUnit} | bb3 ${Math.max(...sub).toFixed(2)} bb ${backbeat(grid, f.lowBeatOnset, f.highBeatOnset).toFixed(2)}`,
  );
}
