import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { moreSectionFamilies, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';

const { analyzeFeatures } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const dir = join(tmpdir(), 'beatframe-audio-corpus', 'sections');
const songs = [...sectionCorpus(dir), ...sectionCorpus(dir, undefined, moreSectionFamilies())].filter(
  (s) => !s.heldOut,
);
let miss = 0;
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const t = (s.sections ?? [])[1]?.start as number;
  if (!a.sections.slice(1).some((x) => Math.abs(x.start - t) <= 3)) miss++;
}
console.log(songs.length, 'regular train section songs; intro boundary missed in', miss);
