/**
 * Diagnostic (issue 14): where a song's first strong onset falls in the true beat and in our beat (as a
 * fraction: 0 = on the beat, 0.5 = the off-beat). Rendered songs start on a beat far more often than
 * between; a grid whose first onset sits on its off-beat may have locked onto the off-beat.
 * Train material only: blupi train songs, PRACTICE=1 bench/midi-practice.ts, CORPUS=1 the train grooves.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFeatures } from '@beatframe/audio';
import { ONSET_LATENCY_SEC } from '../dist/analyze.js';
import { beatCorpus, packagedMidiCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const songs = [
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...(process.env.PRACTICE === '1' ? practiceSongs() : []),
  ...(process.env.CORPUS === '1' ? beatCorpus(join(cache, 'grooves')) : []),
].filter((s) => !s.heldOut);
const frac = (t: number, grid: number[]) => {
  // Extrapolate the grid back over the start with its first interval.
  const p = (grid[1] as number) - (grid[0] as number);
  let g = [...grid];
  while ((g[0] as number) > t) g = [(g[0] as number) - p, ...g];
  let k = 0;
  while (k + 1 < g.length && (g[k + 1] as number) <= t) k++;
  const q = (g[k + 1] ?? (g[k] as number) + p) - (g[k] as number);
  return (t - (g[k] as number)) / q;
};
/** The first onset's phase against the grid's first 16 beats (circular mean), not only its first one. */
const gridFrac = (t: number, grid: number[]) => {
  let x = 0;
  let y = 0;
  for (let k = 0; k + 1 < Math.min(grid.length, 17); k++) {
    const p = (grid[k + 1] as number) - (grid[k] as number);
    const a = (2 * Math.PI * (t - (grid[k] as number))) / p;
    x += Math.cos(a);
    y += Math.sin(a);
  }
  return (((Math.atan2(y, x) / (2 * Math.PI)) % 1) + 1) % 1;
};
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const env = f.beatOnset;
  const sorted = Float32Array.from(env).sort();
  const thr = 0.3 * (sorted[Math.floor(sorted.length * 0.95)] as number);
  let i = 0;
  while (i < env.length && (env[i] as number) < thr) i++;
  const t = i * f.hopSec + ONSET_LATENCY_SEC;
  if (a.beats.length < 4) continue;
  console.log(
    `${s.name.padEnd(26)} ${String(s.bpm).padStart(3)} first ${t.toFixed(2)}s  truth ${frac(t, s.beats).toFixed(2)}  ours ${gridFrac(t, a.beats).toFixed(2)} (ours from ${a.beats[0]?.toFixed(2)})  ${s.damage}`,
  );
}
