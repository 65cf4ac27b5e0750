/**
 * Diagnostic for `barBeat` (dsp/reading.ts): for every song read in a compound meter (train corpus, classes,
 * the real-MIDI practice set), the full band's repetition at 1 and 3 of our beat periods against 4⁄3 and 8⁄3
 * of it (2 and 4 beats of the 3⁄2 reading), and whether our reading is right or 2⁄3 of the truth.
 * Train material only.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFeatures } from '@beatframe/audio';
import { chooseTempo, globalAcf } from '../dist/dsp/reading.js';
import { acfPeak } from './bench-util.ts';
import { classSongs } from './classes.ts';
import { beatCorpus, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';

const cache = join(tmpdir(), 'beatframe-audio-corpus');
const songs = [
  ...classSongs(),
  ...practiceSongs(),
  ...beatCorpus(join(cache, 'grooves')),
  ...packagedMidiCorpus(join(cache, 'midi')),
  ...sectionCorpus(join(cache, 'sections')),
].filter((s) => !s.heldOut);
const pk = acfPeak;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const comb = chooseTempo(f.onset, f.lowOnset, f.hopSec);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  if (a.meter.beatUnit !== 8) continue;
  const full = globalAcf(f.onset, Math.ceil(8 / f.hopSec));
  const P = 60 / a.bpm / f.hopSec;
  const Q = (2 / 3) * P;
  const pOnly = Math.max(pk(full, P), pk(full, 3 * P));
  const qOnly = Math.max(pk(full, 2 * Q), pk(full, 4 * Q));
  const ratio = s.bpm / a.bpm;
  const tag =
    Math.abs(ratio - 1.5) < 0.05
      ? 'WRONG(x1.5)'
      : Math.abs(ratio - 1) < 0.05
        ? 'right'
        : `r${ratio.toFixed(2)}`;
  console.log(
    `${s.name.padEnd(26)} ${tag.padEnd(12)} ours ${a.bpm.toFixed(0)} (comb ${comb.bpm.toFixed(0)}) ${a.meter.beatsPerBar}/8 | P,3P ${pOnly.toFixed(2)} | 2Q,4Q ${qOnly.toFixed(2)} | q/p ${(qOnly / Math.max(1e-6, pOnly)).toFixed(2)}`,
  );
}
