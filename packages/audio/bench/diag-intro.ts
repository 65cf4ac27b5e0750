/**
 * Diagnostic: how often the 4-bar intro's boundary goes missing (no section start within 3 s of it) in the
 * regular-plan train section songs (SECTION_FAMILIES and the more families), listing those songs.
 * BENCH_IMPL=<another build's index.js> scores that build; DIAG_ODD=1 takes the odd plan (a 2-bar intro) and
 * DIAG_ALL=1 lists every song, not only the misses.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { moreSectionFamilies, ODD_SECTION_PLAN, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';

const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const dir = join(tmpdir(), 'beatframe-audio-corpus', 'sections');
const plan = process.env.DIAG_ODD === '1' ? ODD_SECTION_PLAN : undefined;
const songs = [...sectionCorpus(dir, plan), ...sectionCorpus(dir, plan, moreSectionFamilies())].filter(
  (s) => !s.heldOut,
);
let miss = 0;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const t = (s.sections ?? [])[1]?.start as number;
  const missed = !a.sections.slice(1).some((x) => Math.abs(x.start - t) <= 3);
  if (missed) miss++;
  if (missed || process.env.DIAG_ALL === '1') {
    const fmt = (xs: Array<{ start: number; group?: string }>) =>
      xs.map((x) => `${x.start.toFixed(1)}${x.group ?? ''}`).join(' ');
    console.log(
      s.name.padEnd(30),
      missed ? 'MISS' : 'hit ',
      'truth',
      fmt(s.sections ?? []),
      '| ours',
      fmt(a.sections),
    );
  }
}
console.log(
  songs.length,
  `${plan ? 'odd-plan' : 'regular'} train section songs; intro boundary missed in`,
  miss,
);
