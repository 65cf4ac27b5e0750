/**
 * Diagnostic: do chords change on the beat rather than on the off-beat? For every train song, the mean
 * chord change (cosine distance of the chroma one beat before and one beat after) at the true beats and at
 * their off-beats, beside the onsets' own verdict. Train material only (CLASSES=1, PRACTICE=1, CORPUS=1).
 */

import { chordChange } from '../dist/dsp/octave.js';
import { maxAround } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { trainSongs } from './train-songs.ts';

const songs = trainSongs();
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const frames = Math.floor(f.chroma.length / 12);
  const chord = (a: number, b: number) => {
    const out = new Float64Array(12);
    const t0 = Math.max(0, Math.floor(a / f.chromaHopSec));
    const t1 = Math.min(frames, Math.max(t0 + 1, Math.ceil(b / f.chromaHopSec)));
    for (let t = t0; t < t1; t++)
      for (let c = 0; c < 12; c++) out[c] = (out[c] as number) + (f.chroma[t * 12 + c] as number);
    const mu = out.reduce((x, y) => x + y, 0) / 12;
    return out.map((v) => Math.max(0, v - mu));
  };
  const dist = chordChange;
  const mo = f.onset.reduce((x, y) => x + y, 0) / f.onset.length || 1;
  const h = [0, 0];
  const o = [0, 0];
  let n = 0;
  for (let i = 1; i + 2 < s.beats.length; i++) {
    const t = s.beats[i] as number;
    if (t < 5) continue;
    const p = (s.beats[i + 1] as number) - t;
    for (const [k, q] of [0, 0.5].entries()) {
      const c = t + q * p;
      h[k] = (h[k] as number) + dist(chord(c - p, c), chord(c, c + p));
      o[k] = (o[k] as number) + maxAround(f.onset, c / f.hopSec + 1.3, 2) / mo;
    }
    n++;
  }
  // Bar level: the best of the 4 bar phases of chord change over 2-beat windows at the beats vs at the off-beats.
  const bar = (q: number) => {
    const per = [0, 0, 0, 0];
    const cnt = [0, 0, 0, 0];
    for (let i = 2; i + 3 < s.beats.length; i++) {
      const t = s.beats[i] as number;
      if (t < 5) continue;
      const p = (s.beats[i + 1] as number) - t;
      const c = t + q * p;
      per[i % 4] = (per[i % 4] as number) + dist(chord(c - 2 * p, c), chord(c, c + 2 * p));
      cnt[i % 4] = (cnt[i % 4] as number) + 1;
    }
    return Math.max(...per.map((v, k) => v / Math.max(1, cnt[k] as number)));
  };
  const b0 = bar(0);
  const b1 = bar(0.5);
  console.log(
    `${s.name.padEnd(26)} chords beat ${((h[0] as number) / n).toFixed(3)} off ${((h[1] as number) / n).toFixed(3)} ratio ${((h[0] as number) / Math.max(1e-9, h[1] as number)).toFixed(2)} | bar ${b0.toFixed(3)}/${b1.toFixed(3)} = ${(b0 / Math.max(1e-9, b1)).toFixed(2)} | onsets ratio ${((o[0] as number) / Math.max(1e-9, o[1] as number)).toFixed(2)}`,
  );
}
