/**
 * Diagnostic for the backbeat check on phase shifts (`chooseBeatPhase`, dsp/reading.ts): the shift the
 * onset evidence asks for (without the check) and the kick/snare backbeat (`backbeat`, dsp/octave.ts) on
 * the tracked grid and on the shifted one. Lists every train song read at its tempo whose tracked grid is
 * off the beat or is moved (with whether the truth needed that shift), and the songs read at another
 * level whose shift would lose some backbeat. Train material only (CORPUS=1, CLASSES=1, PRACTICE=1 as
 * bench/train-songs.ts). Needs `pnpm build`.
 *
 * Result (5 December 2026, 561 train songs): see "Session 27" in packages/audio/docs/tuning-log.md.
 */
import { analyzeFeatures } from '@beatframe/audio';
import { backbeat } from '../dist/dsp/octave.js';
import { chooseBeatPhase } from '../dist/dsp/reading.js';
import { cachedFeatures } from './feature-cache.ts';
import { phaseInBeat, trackedGrid, trainSongs } from './train-songs.ts';

/** Distance between two phases on the beat's circle. */
const apart = (a: number, b: number) => Math.abs(((a - b + 1.5) % 1) - 0.5);

let rows = 0;
for (const s of trainSongs()) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const { tempo, tracked } = trackedGrid(f, a.bpm);
  // The evidence's own choice: no high band given, so no backbeat check.
  const asked = chooseBeatPhase(tracked, f.beatOnset, f.lowBeatOnset, tempo.periodAt);
  const bb = backbeat(tracked, f.lowBeatOnset, f.highBeatOnset);
  const bbShifted = asked.shift ? backbeat(asked.beats, f.lowBeatOnset, f.highBeatOnset) : bb;
  const lost = bb - bbShifted;
  const ratio = a.bpm / s.bpm;
  // The shift that puts the tracked grid on the truth's beat (0 when it is there already): only defined
  // at the truth's tempo; at another level, songs whose shift would lose some backbeat are listed too.
  let verdict: string;
  if (Math.abs(ratio - 1) <= 0.05) {
    const at = phaseInBeat(tracked, s.beats, f.hopSec);
    const need = apart(at, 0) < 0.1 ? 0 : (1 - at) % 1;
    if (!asked.shift && !need) continue;
    verdict = `needs ${need.toFixed(2)}  ${apart(asked.shift, need) < 0.08 ? 'right' : 'WRONG'}`;
  } else {
    if (!asked.shift || asked.byStart || lost < 0.15) continue;
    verdict = `read at x${ratio.toFixed(2)}  `;
  }
  rows++;
  console.log(
    `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)}  ${verdict}  shift ${asked.shift.toFixed(2)}${asked.byStart ? ' (start)' : '        '}  backbeat ${bb.toFixed(2)} -> ${bbShifted.toFixed(2)} (lost ${lost.toFixed(2)})`,
  );
}
console.log(`${rows} songs whose tracked grid was off the beat or was moved`);
