/**
 * Diagnostic: where our beats sit in the true beat (0…1 circular mean, 0 = on it) and the interval ratio,
 * per song, and the rules that led to our tempo (the audit log's steps). Train material only
 * (bench/train-songs.ts selection).
 */
import { analyzedWithSteps, phaseInBeat, trainSongs } from './train-songs.ts';

for (const s of trainSongs()) {
  const { f, a, steps } = await analyzedWithSteps(s.audio);
  const grid = a.beats.map((b) => b / f.hopSec);
  console.log(
    `${s.name.padEnd(28)} truth ${s.bpm.toFixed(0).padStart(3)} ours ${a.bpm.toFixed(1).padStart(6)} phase ${phaseInBeat(grid, s.beats, f.hopSec).toFixed(2)} offset ${((a.beats[0] ?? 0) - (s.beats[0] ?? 0)).toFixed(3)}  ${steps.join(' → ')}`,
  );
}
