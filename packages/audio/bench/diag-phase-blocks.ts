/**
 * Diagnostic: per truth beat, the bass, linear and log full-band and high-band onsets on the beat and on
 * its off-beat, as JSON lines (one per song) for offline study of phase rules. Train material only:
 * PRACTICE=1, CORPUS=1, CLASSES=1 as diag-ratio.ts.
 */
import { maxAround } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { trainSongs } from './train-songs.ts';

const songs = trainSongs();
/** Onset peaks trail the notes by about 1.3 frames (analyze.ts ONSET_LATENCY_SEC). */
const LAG = 1.3;
const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length || 1;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const env = { low: f.lowBeatOnset, lin: f.beatOnset, log: f.onset, hi: f.highBeatOnset };
  const means = Object.fromEntries(Object.entries(env).map(([k, x]) => [k, mean(x)]));
  const rows: number[][] = [];
  for (let i = 0; i + 1 < s.beats.length; i++) {
    const t = (s.beats[i] as number) / f.hopSec;
    const p = ((s.beats[i + 1] as number) - (s.beats[i] as number)) / f.hopSec;
    if (t * f.hopSec < 5) continue;
    rows.push(
      Object.entries(env).flatMap(([k, x]) =>
        [0, 0.25, 0.5, 0.75].map(
          (q) => +(maxAround(x, t + q * p + LAG, 2) / (means[k] as number)).toFixed(3),
        ),
      ),
    );
  }
  console.log(
    JSON.stringify({
      name: s.name,
      bpm: s.bpm,
      practice: s.name.startsWith('msx-') || s.name.startsWith('fd'),
      rows,
    }),
  );
}
