/**
 * Diagnostic: a swing or shuffle grid on its swung "let" (⅔ of the beat) has its beat ⅓ after each point
 * and nothing at ⅔; on the beat it is the other way round. Prints, for every train song, the onsets at ⅓
 * and ⅔ of each grid interval (over the grid points' own) and where the grid sits in the true beat.
 * Train material only (CLASSES=1, PRACTICE=1, CORPUS=1).
 */
import { analyzeFeatures } from '@beatframe/audio';
import { maxAround } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { onsetFrames, phaseInBeat, trainSongs } from './train-songs.ts';

const songs = trainSongs();
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const grid = onsetFrames(a.beats, f.hopSec);
  const at = (x: Float32Array, q: number) => {
    let v = 0;
    for (let i = 0; i + 1 < grid.length; i++)
      v += maxAround(x, (grid[i] as number) + q * ((grid[i + 1] as number) - (grid[i] as number)), 1);
    return v / Math.max(1, grid.length - 1);
  };
  const where = phaseInBeat(grid, s.beats, f.hopSec);
  const ratio = a.bpm / s.bpm;
  const tempo = Math.abs(ratio - 1) < 0.04 ? 'tempo' : `r${ratio.toFixed(2)}`;
  const on = at(f.onset, 0);
  console.log(
    `${s.name.padEnd(26)} ${tempo.padEnd(6)} ${String(s.bpm).padStart(3)} ${a.meter.beatsPerBar}/${a.meter.beatUnit} at ${where.toFixed(2)} | third ${(at(f.onset, 1 / 3) / on).toFixed(2)} twoThirds ${(at(f.onset, 2 / 3) / on).toFixed(2)} half ${(at(f.onset, 1 / 2) / on).toFixed(2)}`,
  );
}
