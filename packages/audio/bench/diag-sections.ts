/** Diagnostic: section starts found vs the truth (train slice). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import { sectionCorpus } from './corpus.ts';

const songs = sectionCorpus(join(tmpdir(), 'beatframe-audio-corpus', 'sections')).filter((s) => !s.heldOut);
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
