/** Diagnostic: section starts found vs the truth (train slice; DIAG_ODD=1 for the odd-length plan). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import { ODD_SECTION_PLAN, sectionCorpus } from './corpus.ts';

const dir = join(tmpdir(), 'beatframe-audio-corpus', 'sections');
// DIAG_ODD=1: the songs with odd section lengths (2-bar intro and tag, 6-bar bridge).
const songs = (
  process.env.DIAG_ODD === '1' ? sectionCorpus(dir, ODD_SECTION_PLAN) : sectionCorpus(dir)
).filter((s) => !s.heldOut);
for (const s of songs) {
  const a = await analyzeAudio(s.audio);
  const bar = (60 / s.bpm) * s.beatsPerBar;
  console.log(
    s.name,
    'bar',
    bar.toFixed(2),
    'truth',
    (s.sections ?? []).map((x) => `${x.start.toFixed(1)}${x.group}`).join(' '),
  );
  console.log(
    ' '.repeat(s.name.length),
    '        ours ',
    a.sections.map((x) => `${x.start.toFixed(1)}${x.group}`).join(' '),
    ' first downbeats',
    a.downbeats.slice(0, 3).join(','),
  );
}
