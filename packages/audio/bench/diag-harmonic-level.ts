/**
 * Diagnostic for the 2:3 level from harmony: does a grid at the true beat make bars of beat-synchronous
 * chroma (repeating at multiples of 2, 3 or 4 of its beats) more clearly than the grids at 3⁄2 and ⅔ of
 * it? For every train song (train-songs.ts' selection; held-out never included): our grid, the related
 * grids at 3⁄2 and ⅔ of it, each one's bar sharpness, and which of them is right by AMLt's rule.
 * Needs `pnpm build`.
 *
 * Result (7 December 2026, session 42; 639 train songs: corpus, styles, class renders, practice MIDI):
 * our grid is right and sharper than both relatives on 148 of the 174 corpus and styles songs, but as a
 * decider it breaks more than it fixes. Moving to the ⅔ grid whenever it is sharper than ours (and ours
 * below 0) fixes 9 readings and breaks 67 (a margin of 0.04: 4 / 26); to the 3⁄2 grid, 0 / 31. What it
 * breaks are waltzes: at ⅔ of a waltz's beat each bar is two points, so harmony repeats there as
 * cleanly as a 6/8 read at its beat. See docs/tuning-log.md, session 42.
 */
import type { Features } from '@beatframe/audio';
import { chromaBetween } from '../dist/analyze.js';
import { chordChange } from '../dist/dsp/octave.js';
import { alternativeGrid } from '../dist/dsp/reading.js';
import { analyzedWithSteps, trainSongs } from './train-songs.ts';

/** Each beat's chord: the chroma between it and the next, as analyze.ts measures it for sections. */
function beatChroma(f: Features, grid: number[]): Float64Array[] {
  return grid.slice(1).map((t, i) => Float64Array.from(chromaBetween(f, grid[i] as number, t)));
}

/** Cosine likeness of two beats' chords, 0 when either is silent (chordChange calls that no change). */
const silent = (v: Float64Array) => v.every((x) => x === 0);
const likeness = (a: Float64Array, b: Float64Array) => (silent(a) || silent(b) ? 0 : 1 - chordChange(a, b));

const K = 16;
/** Bar sharpness: similarity at multiples of b beats minus at the other lags, best b of 2, 3, 4. */
function barSharpness(v: Float64Array[]): { h: number; b: number } {
  const s: number[] = [];
  for (let k = 1; k <= K; k++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i + k < v.length; i++) {
      sum += likeness(v[i] as Float64Array, v[i + k] as Float64Array);
      n++;
    }
    s.push(n ? sum / n : 0);
  }
  let best = { h: Number.NEGATIVE_INFINITY, b: 0 };
  for (const b of [2, 3, 4]) {
    let mult = 0;
    let nm = 0;
    let non = 0;
    let nn = 0;
    for (let k = 1; k <= K; k++) {
      if (k % b === 0) {
        mult += s[k - 1] as number;
        nm++;
      } else {
        non += s[k - 1] as number;
        nn++;
      }
    }
    const h = mult / nm - non / nn;
    if (h > best.h) best = { h, b };
  }
  return best;
}

const near = (r: number, to: number) => Math.abs(r / to - 1) < 0.04;
const amltRight = (bpm: number, truth: number) => [0.5, 1, 2].some((m) => near(bpm / truth, m));

for (const song of trainSongs()) {
  const { f, a } = await analyzedWithSteps(song.audio);
  if (a.beats.length < 16 || !(a.bpm > 0)) continue;
  // Our grid and the related ones at 3⁄2 and ⅔ of it (alternativeGrid's own start: no anchors given).
  const levels = [
    ['ours', 1],
    ['x3/2', 1.5],
    ['x2/3', 2 / 3],
  ] as const;
  const cols = levels.map(([name, ratio]) => {
    const grid = ratio === 1 ? a.beats : alternativeGrid(a.beats, ratio);
    const bpm = a.bpm * ratio;
    return { name, bpm, right: amltRight(bpm, song.bpm), ...barSharpness(beatChroma(f, grid)) };
  });
  const ours = cols[0] as (typeof cols)[number];
  const tag = ours.right
    ? 'right'
    : cols.some((c) => c.right)
      ? `WRONG(${cols.find((c) => c.right)?.name})`
      : 'other';
  console.log(
    [
      song.name.padEnd(34),
      tag.padEnd(13),
      `truth ${song.bpm.toFixed(0)}`,
      ...cols.map((c) => `${c.name} ${c.bpm.toFixed(0)} h ${c.h.toFixed(3)} b${c.b}${c.right ? '*' : ''}`),
    ].join(' | '),
  );
}
