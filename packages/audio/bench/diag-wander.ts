/**
 * Songs whose tracked tempo (the median of the local tempo path) strays from the reading the comb and
 * the level rules gave by more than 5 % (not an octave: the same level): the tracker then followed
 * something else (session 20: a slow country song at 73 under the corpus' spoken layer, read 146,
 * tracked at 167: the espeak-ng voice keeps its own steady pace). Session 20 tried keeping such a path
 * near the reading: the three slow country songs came right, but of 80 real recordings (bench:sanity) it
 * moved two, one of them (PsymongO5) from music-tempo's 144 to 120, so it was dropped: real singers do
 * not keep a tempo of their own, and the reading can be the wrong one.
 * Train material only: the fast bench's songs with every section plan and family (`tuningCorpus`), and with
 * DIAG_PRACTICE=1 the real-MIDI practice set. Run: node bench/diag-wander.ts
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import type { DecisionSink } from '@beatframe/core';
import { tuningCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';

const songs = [
  ...tuningCorpus(join(tmpdir(), 'beatframe-audio-corpus'), { odd: true, plan3: true, more: true }),
  ...(process.env.DIAG_PRACTICE === '1' ? practiceSongs() : []),
].filter((s) => !s.heldOut);
let strays = 0;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const decisions: Array<Parameters<DecisionSink['record']>[0]> = [];
  const a = audio.analyzeFeatures(f, f.frames * f.hopSec, {
    decisions: { record: (d) => void decisions.push(d) },
  });
  const tempo = decisions.find((d) => d.summary.startsWith('tempo'));
  const steps = ((tempo?.output as { steps?: string[] } | undefined)?.steps ?? []) as string[];
  // The reading is the last number of the last step ("comb 143.4", "… → compound at 1/3: 41.7").
  const reading = Number(steps.at(-1)?.match(/:?\s([\d.]+)$/)?.[1] ?? 0);
  if (!reading || Math.abs(Math.log2(a.bpm / reading)) <= Math.log2(1.05)) continue;
  strays++;
  console.log(`${s.name.padEnd(30)} truth ${s.bpm}  reading ${reading}  tracked ${a.bpm}  ${s.damage}`);
}
console.log(`${strays} of ${songs.length} train songs tracked more than 5 % off their reading`);
