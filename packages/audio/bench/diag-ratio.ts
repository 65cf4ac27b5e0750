/**
 * Diagnostic for readings at 4⁄3 or 3⁄4 of the beat (a 3+3+2 riff read at its dotted eighths): for every
 * train song, the full and bass bands' repetition at 1, 2 and 4 periods of our reading P and of Q = 4⁄3 P,
 * and whether we are right (tag) or off by a ratio. Train material only (CLASSES=1 adds the classes,
 * PRACTICE=1 the practice MIDI, CORPUS=1 the train grooves and blupi).
 */
import { analyzeFeatures } from '@beatframe/audio';
import { chooseTempo, globalAcf } from '../dist/dsp/reading.js';
import { acfPeak } from './bench-util.ts';
import { cachedFeatures } from './feature-cache.ts';
import { trainSongs } from './train-songs.ts';

const songs = trainSongs();
const pk = acfPeak;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const full = globalAcf(f.onset, Math.ceil(8 / f.hopSec));
  const low = globalAcf(f.lowOnset, Math.ceil(8 / f.hopSec));
  // COMB=1: the comb's reading (before the level and phase steps) instead of the final one.
  const bpm = process.env.COMB === '1' ? chooseTempo(f.onset, f.lowOnset, f.hopSec).bpm : a.bpm;
  const P = 60 / bpm / f.hopSec;
  const Q = (4 / 3) * P;
  const ratio = s.bpm / bpm;
  const near = (r: number) => Math.abs(ratio / r - 1) < 0.04;
  const tag = near(1)
    ? 'right'
    : near(0.75)
      ? 'WRONG4/3'
      : near(2) || near(0.5)
        ? 'octave'
        : `r${ratio.toFixed(2)}`;
  const v = (x: Float64Array, p: number, ms: number[]) => ms.map((m) => pk(x, m * p).toFixed(2)).join(' ');
  console.log(
    `${s.name.padEnd(26)} ${tag.padEnd(9)} ${s.bpm} ours ${bpm.toFixed(0)} ${a.meter.beatsPerBar}/${a.meter.beatUnit} | P full ${v(full, P, [1, 2, 3, 4])} low ${v(low, P, [1, 2, 4])} | Q full ${v(full, Q, [1, 2, 3, 4])} low ${v(low, Q, [1, 2, 4])} | P/3 ${v(full, P, [1 / 3, 1 / 2, 1 / 4])}`,
  );
}
