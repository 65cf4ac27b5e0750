/**
 * Diagnostic for the comb's compound rule (reading.ts compoundBeat: a slow 6/8 or 12/8 read at its
 * triplet eighths): for every train song where it fires, the bass and full band repetitions it reads at
 * 1–6 grid points, the subdivisions of the grid, and whether the move was right. Train material only.
 */
import { subdivisions } from '../dist/dsp/octave.js';
import { tempoAcfs } from '../dist/dsp/reading.js';
import { acfPeak } from './bench-util.ts';
import { analyzedWithSteps, trainSongs } from './train-songs.ts';

for (const s of trainSongs()) {
  const { f, steps } = await analyzedWithSteps(s.audio);
  if (!steps.some((x) => x.startsWith('compound at'))) continue;
  const comb = Number(/comb ([\d.]+)/.exec(steps[0] ?? '')?.[1]);
  const { full, low } = tempoAcfs(f.onset, f.lowOnset, f.hopSec);
  const p = 60 / comb / f.hopSec;
  const v = (x: Float64Array, ms: number[]) => ms.map((m) => acfPeak(x, m * p).toFixed(2)).join(' ');
  const grid = Array.from({ length: Math.floor(f.frames / p) - 1 }, (_, i) => (i + 1) * p);
  const d = subdivisions(grid, f.onset);
  const right = Math.abs(comb / 3 / s.bpm - 1) < 0.05;
  console.log(
    `${right ? 'right' : 'WRONG'} ${s.name.padEnd(24)} ${s.bpm.toFixed(0).padStart(3)} comb ${comb.toFixed(0)} | low 1-6 ${v(low, [1, 2, 3, 4, 6])} | full 1-6 ${v(full, [1, 2, 3, 4, 6])} | half ${d.half.toFixed(2)} third ${d.third.toFixed(2)}`,
  );
}
