/**
 * Diagnostic: onset evidence at the true beats vs the true off-beats (and ¼ shifts), per band, beside
 * where the analysis put its beats. Train material only: PRACTICE=1 bench/midi-practice.ts, CORPUS=1 the
 * train grooves and blupi train songs. ONLY=<substring>.
 */

import { analyzeFeatures } from '@beatframe/audio';
import { maxAround } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { trainSongs } from './train-songs.ts';

const songs = trainSongs();
const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length || 1;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const ref = s.beats.filter((t) => t > 5).map((t) => t / f.hopSec);
  const p = 60 / s.bpm / f.hopSec;
  const at = (x: Float32Array, phi: number) => {
    const m = mean(x);
    let v = 0;
    for (let i = 0; i + 1 < ref.length; i++) {
      const t = (ref[i] as number) + phi * ((ref[i + 1] as number) - (ref[i] as number));
      v += maxAround(x, t, 1) / m;
    }
    return v / Math.max(1, ref.length - 1);
  };
  const offs = a.beats
    .filter((b) => b >= (s.beats[0] as number) && b <= (s.beats.at(-1) as number))
    .map((b) => {
      const r = s.beats.reduce((x, y) => (Math.abs(y - b) < Math.abs(x - b) ? y : x));
      return ((((b - r) / (p * f.hopSec)) % 1) + 1) % 1;
    })
    .sort((x, y) => x - y);
  const off = offs[Math.floor(offs.length / 2)] ?? 0;
  const row = (name: string, x: Float32Array) =>
    `${name} ${[0, 0.25, 0.5, 0.75].map((q) => at(x, q).toFixed(2)).join(' ')}`;
  console.log(
    `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)} ours ${a.bpm.toFixed(0).padStart(3)} off ${off.toFixed(2)} | ${row('low', f.lowBeatOnset)} | ${row('lin', f.beatOnset)} | ${row('log', f.onset)} | ${row('hi', f.highBeatOnset)}`,
  );
}
