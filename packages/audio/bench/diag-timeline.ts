/**
 * Diagnostic: where along a song our beats miss: one character per truth beat (. hit within 70 ms, o our
 * beat near the truth's off-beat, x elsewhere, - none near), and the truth's tempo changes. Train material
 * only: PRACTICE=1 / CORPUS=1, ONLY=<substring>.
 */
import { analyzeFeatures } from '@beatframe/audio';
import { cachedFeatures } from './feature-cache.ts';
import { trainSongs } from './train-songs.ts';

const songs = trainSongs();
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  let line = '';
  for (let i = 0; i < s.beats.length; i++) {
    const t = s.beats[i] as number;
    const p = ((s.beats[i + 1] ?? t + 0.5) as number) - t;
    const d = Math.min(...a.beats.map((b) => Math.abs(b - t)));
    const dOff = Math.min(...a.beats.map((b) => Math.abs(b - t - p / 2)));
    line += d <= 0.07 ? '.' : dOff <= 0.07 ? 'o' : d < p / 2 ? 'x' : '-';
  }
  const ints = s.beats.slice(1).map((b, i) => b - (s.beats[i] as number));
  const changes = ints.filter((d, i) => i > 0 && Math.abs(d / (ints[i - 1] as number) - 1) > 0.01).length;
  console.log(`${s.name} ${s.bpm} ours ${a.bpm.toFixed(1)} tempo changes ${changes}`);
  for (let i = 0; i < line.length; i += 64) console.log(`  ${line.slice(i, i + 64)}`);
}
