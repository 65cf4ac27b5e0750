/**
 * Diagnostic (session 26, issue 14): where the tracked grid sat in the true beat, the shift the phase choice
 * made (`chooseBeatPhase`), where the final beats sit, the phase scores at 0, ¼, ½, ¾ of the tracked grid,
 * and the audit steps. Train material only (bench/train-songs.ts: CLASSES=1, CORPUS=1, PRACTICE=1).
 * Result (5 December 2026, 561 songs): 27 grids moved. Half-beat shifts helped 9 (tracked near 0.5, final
 * near 0), left 6 as they were (half-tempo grids, where a half shift is a whole beat) and hurt 2 (freedoom
 * e3m4 and openmsx coconut_run2, near ties with the off-beat); ⅓ and ⅔ shifts helped the 6 bebop grids; ¾
 * shifts helped the 3 salsa half-tempo grids and hurt freedoom e3m9 at its beat (92 bpm: a bass pushed a
 * sixteenth ahead of the beat scored 1.30× the beat, the rule asks 1.25×). Too few to fit a rule on.
 * The shift shown is the onset evidence's own (no high band given): since session 27 the pipeline also
 * keeps a grid whose kick/snare backbeat the shift would take away (e3m4, e3m9; bench/diag-backbeat-phase.ts).
 */
import { chooseBeatPhase, phaseEvidence } from '../dist/dsp/reading.js';
import { analyzedWithSteps, onsetFrames, phaseInBeat, trackedGrid, trainSongs } from './train-songs.ts';

for (const s of trainSongs()) {
  const { f, a, steps } = await analyzedWithSteps(s.audio);
  const { tempo, tracked } = trackedGrid(f, a.bpm);
  const ev = phaseEvidence(f.beatOnset, f.lowBeatOnset);
  const sc = [0, 0.25, 0.5, 0.75].map((phi) => {
    let v = 0;
    for (let i = 0; i + 1 < tracked.length; i++) v += ev(tracked[i]! + phi * (tracked[i + 1]! - tracked[i]!));
    return v / tracked.length;
  });
  const ph = chooseBeatPhase(tracked, f.beatOnset, f.lowBeatOnset, tempo.periodAt);
  const truth = s.beats;
  console.log(
    `${s.name.padEnd(26)} ${s.bpm}/${a.bpm.toFixed(0)} tracked@${phaseInBeat(tracked, truth, f.hopSec).toFixed(2)} chose+${ph.shift.toFixed(2)}${ph.byStart ? ' byStart' : ''} final@${phaseInBeat(
      onsetFrames(a.beats, f.hopSec),
      truth,
      f.hopSec,
    ).toFixed(2)} scores ${sc.map((v) => v.toFixed(2)).join(' ')} | ${steps.join('; ')}`,
  );
}
