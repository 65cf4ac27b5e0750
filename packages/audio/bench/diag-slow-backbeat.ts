/**
 * Diagnostic for the fast-waltz / slow-12/8 question (one lattice: a pulse grouped in threes, a waltz's
 * bar lines where a 12/8 has its beats). Does the drum pattern on the slow grid (every third pulse) tell
 * them apart? Two cues per train song (train-songs.ts' selection; held-out never included):
 * - `backbeat` (dsp/octave.ts) on our grid and on the slow grid (ours when slower than SLOW_BPM, else
 *   every third point of ours, the best start);
 * - head alternation: with the pulses grouped in threes (best start), how much one half of the group
 *   heads out-sounds the other in the high band and in the bass band at once, times the high band's
 *   head-over-inner ratio capped at 1 (a 12/8's snare on every other beat over a kick on the rest).
 * Needs `pnpm build`.
 *
 * Result (7 December 2026, session 42, the class renders in the tuned soundfonts): neither separates.
 * The slow grid's backbeat is 0.42–0.87 on the 12/8 and 6/8 songs read right at their beat, and 0.28–0.91
 * on the waltzes' bar lines (their bass alternates from bar to bar). Head alternation is 1.01–3.10
 * on the 12/8 and 6/8 songs and 1.01–9.79 on the waltzes. See docs/tuning-log.md, session 42.
 */
import type { Features } from '@beatframe/audio';
import { backbeat, peak } from '../dist/dsp/octave.js';
import { analyzedWithSteps, onsetFrames, trainSongs } from './train-songs.ts';

const SLOW_BPM = 85;
const near = (r: number, to: number) => Math.abs(r / to - 1) < 0.05;

/** Mean peak of `env` at the given pulses. */
function meanAt(env: Float32Array, pulses: number[], idx: number[]): number {
  return idx.reduce((s, i) => s + peak(env, pulses[i] as number, 1), 0) / Math.max(1, idx.length);
}

/** Head alternation of pulses grouped in threes (see the header), the best of the three starts. */
function headAlternation(f: Features, pulses: number[]): number {
  const all = pulses.map((_, i) => i);
  const louder = (x: number, y: number) => Math.max(x, y) / Math.max(1e-9, Math.min(x, y));
  let best = 0;
  for (const start of [0, 1, 2]) {
    const heads = all.filter((i) => i % 3 === start);
    const even = heads.filter((_, k) => k % 2 === 0);
    const odd = heads.filter((_, k) => k % 2 === 1);
    const [highEven, highOdd] = [even, odd].map((idx) => meanAt(f.highBeatOnset, pulses, idx)) as [
      number,
      number,
    ];
    const [lowEven, lowOdd] = [even, odd].map((idx) => meanAt(f.lowBeatOnset, pulses, idx)) as [
      number,
      number,
    ];
    const inner = meanAt(
      f.highBeatOnset,
      pulses,
      all.filter((i) => i % 3 !== start),
    );
    const overInner = Math.max(highEven, highOdd) / Math.max(1e-9, inner);
    best = Math.max(
      best,
      Math.min(louder(highEven, highOdd), louder(lowEven, lowOdd)) * Math.min(1, overInner),
    );
  }
  return best;
}

for (const song of trainSongs()) {
  const { f, a, steps } = await analyzedWithSteps(song.audio);
  if (a.beats.length < 24 || !(a.bpm > 0)) continue;
  const frames = onsetFrames(a.beats, f.hopSec);
  const bb = (g: number[]) => backbeat(g, f.lowBeatOnset, f.highBeatOnset);
  const slowReading = a.bpm < SLOW_BPM;
  const slow = slowReading
    ? bb(frames)
    : Math.max(...[0, 1, 2].map((o) => bb(frames.filter((_, i) => i % 3 === o))));
  // A slow reading's pulses are its thirds; a fast one's are its own points.
  const pulses = slowReading
    ? frames.flatMap((b, i) => {
        const n = frames[i + 1];
        return n === undefined ? [b] : [b, b + (n - b) / 3, b + (2 * (n - b)) / 3];
      })
    : frames;
  const ratio = a.bpm / song.bpm;
  const tag = [0.5, 1, 2].some((m) => near(ratio, m))
    ? 'right'
    : near(ratio, 1 / 3)
      ? 'AT1/3'
      : near(ratio, 3)
        ? 'AT3x'
        : `r${ratio.toFixed(2)}`;
  console.log(
    [
      song.name.padEnd(30),
      tag.padEnd(6),
      `truth ${song.bpm.toFixed(0)}/${song.beatsPerBar}`,
      `ours ${a.bpm.toFixed(0)} ${a.meter.beatsPerBar}/${a.meter.beatUnit}`,
      `backbeat ours ${bb(frames).toFixed(2)} slow ${slow.toFixed(2)} heads ${headAlternation(f, pulses).toFixed(2)}`,
      steps.join('; ').slice(0, 90),
    ].join(' | '),
  );
}
