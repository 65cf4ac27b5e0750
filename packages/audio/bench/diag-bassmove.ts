/**
 * Diagnostic (issue 14, real MIDI locked on the off-beat): phase cues at the TRUE beats (phase 0) against
 * the true off-beat (½) and the quarters, per train song. cur = the tracker's phase score (bass-band and
 * full-band linear flux); lowMove / allMove = how much the low-band (30–300 Hz) / whole log-mel spectrum
 * differs between the half beat after a point and the half beat before it (a bass note or chord held
 * from the beat changes there; a drum hit on every eighth does not). Prints each cue's on/off ratio.
 * PRACTICE=1 adds bench/midi-practice.ts songs, CORPUS=1 the corpus' train grooves.
 * Found (session 13): the whole-band movement favours the beat over the off-beat in 72 of 83 blupi/practice
 * songs, the bass band's in 69, but as a tie-break it moved 8beat (mma's piano chords on the off-beat) and
 * no_work_song off the beat while fixing only runnin: rejected. low/high = the bass/treble flux alone.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxAround } from './bench-util.ts';
import { beatCorpus, packagedMidiCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';
import { onsetFrames } from './train-songs.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const only = process.env.BENCH_ONLY;
const songs = [
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...(process.env.PRACTICE === '1' ? practiceSongs() : []),
  ...(process.env.CORPUS === '1' ? beatCorpus(join(cache, 'grooves')) : []),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / Math.max(1, x.length) || 1;
const half = { cur: 0, lowMove: 0, allMove: 0, lowBeat: 0, allBeat: 0, low: 0, high: 0 };
const wins = { cur: 0, lowMove: 0, allMove: 0, lowBeat: 0, allBeat: 0, low: 0, high: 0 };
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const B = f.bands;
  const ref = onsetFrames(s.beats, f.hopSec).filter((b) => b > 0 && b < f.frames - 1);
  const mo = mean(f.beatOnset);
  const ml = mean(f.lowBeatOnset);
  const move = (t: number, w: number, b0: number, b1: number) => {
    const a = Math.round(t);
    let d = 0;
    for (let k = b0; k < b1; k++) {
      let x = 0;
      let y = 0;
      for (let i = 1; i <= w; i++) {
        x += (f.logMel[(a - i) * B + k] ?? 0) as number;
        y += (f.logMel[(a + i) * B + k] ?? 0) as number;
      }
      d += Math.abs(x - y) / w;
    }
    return d;
  };
  const cues = (phi: number) => {
    const o = { cur: 0, lowMove: 0, allMove: 0, lowBeat: 0, allBeat: 0, low: 0, high: 0 };
    for (let i = 0; i + 1 < ref.length; i++) {
      const p = (ref[i + 1] as number) - (ref[i] as number);
      const t = (ref[i] as number) + phi * p;
      o.cur += (0.75 * maxAround(f.lowBeatOnset, t, 1)) / ml + (0.25 * maxAround(f.beatOnset, t, 1)) / mo;
      const w = Math.max(2, Math.round(p / 2) - 1);
      o.lowMove += move(t, w, 0, 5);
      o.allMove += move(t, w, 0, B);
      o.low += maxAround(f.lowBeatOnset, t, 1);
      o.high += maxAround(f.highBeatOnset, t, 1);
      const wb = Math.max(2, Math.round(p) - 1);
      o.lowBeat += move(t, wb, 0, 5);
      o.allBeat += move(t, wb, 0, B);
    }
    return o;
  };
  const c0 = cues(0);
  const c5 = cues(0.5);
  const c25 = cues(0.25);
  const c75 = cues(0.75);
  const r = (k: keyof typeof c0) => c0[k] / Math.max(c5[k], c25[k], c75[k]);
  for (const k of Object.keys(half) as Array<keyof typeof half>) if (c0[k] > c5[k]) half[k]++;
  for (const k of Object.keys(wins) as Array<keyof typeof wins>) if (r(k) > 1) wins[k]++;
  console.log(
    `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)}  cur ${r('cur').toFixed(2)} (½ ${(c0.cur / c5.cur).toFixed(2)})  lowMove ${r('lowMove').toFixed(2)} (½ ${(c0.lowMove / c5.lowMove).toFixed(2)})  allMove ${r('allMove').toFixed(2)} (½ ${(c0.allMove / c5.allMove).toFixed(2)})  lowBeat ½ ${(c0.lowBeat / c5.lowBeat).toFixed(2)}  allBeat ½ ${(c0.allBeat / c5.allBeat).toFixed(2)}  low ½ ${(c0.low / c5.low).toFixed(2)}  high ½ ${(c0.high / c5.high).toFixed(2)}`,
  );
}
console.log(`beat wins over the other phases in ${songs.length}:`, wins, 'over the off-beat:', half);
