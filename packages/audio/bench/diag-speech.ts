/**
 * Diagnostic for the corpus' spoken layer (damage kind 4: espeak-ng looped under the music, untimed): for
 * every class render that carries it, the voice's level over the music's (ffmpeg volumedetect, mean dB of
 * the voice file × 0.8 against the clean render), our tempo on the clean and on the spoken render, and how
 * much the music's onsets still repeat at the true beat period in five groups of mel bands (normalised
 * autocorrelation of the band group's positive log rises; clean / spoken). Train families only (the class
 * renders refuse held-out ones). CLASS= as in extra-classes.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { analyzeFeatures, type Features } from '@beatframe/audio';
import { classSongs } from './classes.ts';
import { cachedFeatures } from './feature-cache.ts';

const BANDS = 40;
const GROUPS: Array<[number, number]> = [
  [0, 8],
  [8, 16],
  [16, 24],
  [24, 32],
  [32, 40],
];

function meanDb(file: string): number {
  const r = spawnSync('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-i',
    file,
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const m = /mean_volume: (-?[\d.]+) dB/.exec(r.stderr.toString());
  return m ? Number(m[1]) : Number.NaN;
}

/** Normalised autocorrelation of a band group's summed positive log rises at `lag` (best within ±2 frames). */
function groupRepeat(f: Features, lo: number, hi: number, lag: number): number {
  const x = new Float64Array(f.frames);
  for (let t = 2; t < f.frames; t++)
    for (let b = lo; b < hi; b++) {
      const r0 = (t - 2) * BANDS;
      const ref = Math.max(
        f.logMel[r0 + Math.max(0, b - 1)] as number,
        f.logMel[r0 + b] as number,
        f.logMel[r0 + Math.min(BANDS - 1, b + 1)] as number,
      );
      x[t] = (x[t] as number) + Math.max(0, (f.logMel[t * BANDS + b] as number) - ref);
    }
  let mean = 0;
  for (const v of x) mean += v;
  mean /= f.frames;
  for (let t = 0; t < f.frames; t++) x[t] = (x[t] as number) - mean;
  const ac = (l: number) => {
    let s = 0;
    for (let t = l; t < f.frames; t++) s += (x[t] as number) * (x[t - l] as number);
    return s / (f.frames - l);
  };
  const zero = ac(0) || 1;
  let best = Number.NEGATIVE_INFINITY;
  for (let d = -2; d <= 2; d++) best = Math.max(best, ac(Math.round(lag) + d) / zero);
  return best;
}

const right = (bpm: number, truth: number) => [0.5, 1, 2].some((m) => Math.abs(bpm / (truth * m) - 1) < 0.04);
let n = 0;
let wrongSpoken = 0;
let wrongClean = 0;
for (const s of classSongs()) {
  if (!s.audio.includes('.d4.')) continue;
  const clean = s.audio.replace(/\.d4\.mp3$/, '.wav');
  const voice = s.audio.replace(/\.d4\.mp3$/, '.voice.wav');
  if (!existsSync(clean) || !existsSync(voice)) continue;
  const over = meanDb(voice) + 20 * Math.log10(0.8) - meanDb(clean);
  const cells: string[] = [];
  const bpms: number[] = [];
  const feats = [await cachedFeatures(clean), await cachedFeatures(s.audio)];
  for (const f of feats) bpms.push(analyzeFeatures(f, f.frames * f.hopSec).bpm);
  for (const [lo, hi] of GROUPS) {
    const lag = 60 / s.bpm / (feats[0] as Features).hopSec;
    cells.push(feats.map((f) => groupRepeat(f, lo, hi, lag).toFixed(2)).join('/'));
  }
  n++;
  if (!right(bpms[0] as number, s.bpm)) wrongClean++;
  if (!right(bpms[1] as number, s.bpm)) wrongSpoken++;
  console.log(
    `${s.name.padEnd(24)} truth ${String(s.bpm).padStart(3)}  ours clean ${(bpms[0] as number).toFixed(0).padStart(3)} spoken ${(bpms[1] as number).toFixed(0).padStart(3)}  voice over music ${over.toFixed(1).padStart(5)} dB  repeat at the beat, clean/spoken: ${cells.join('  ')}`,
  );
}
console.log(
  `${n} spoken renders: tempo off the truth's octaves (AMLt's levels) ${wrongClean} clean, ${wrongSpoken} with the voice`,
);
