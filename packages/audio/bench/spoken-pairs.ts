/**
 * What a voice off the grid costs, song by song (session 39, issue 14): every groove of the corpus, its
 * train families again at other tempi (bench/extra-train.ts' plan) and the keyboard styles
 * (bench/styles.ts), analysed twice — the clean render, and the same render with the corpus' spoken
 * layer (espeak-ng looped under the music, untimed, mixed to MP3 96k: bench/corpus.ts layVoice). The
 * corpus gives each song one damage by a hash, so a fifth of it carries the voice and its cost there
 * mixes with the groove's own difficulty; pairing the same render with and without it isolates the
 * voice.
 * The held-out slices (the corpus' and the styles') are only analysed with BENCH_SLICE=held, and only
 * their means are printed. Run: node bench/spoken-pairs.ts (renders what the other benches have not;
 * BENCH_ONLY=<substring>, BENCH_IMPL=<another build's index.js>).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { cacheFile } from './cache-file.ts';
import {
  beatCorpus,
  type CorpusSong,
  EVERY_FAMILY,
  extraTempi,
  grooveSong,
  isHeldOut,
  layVoice,
  packagedMidiCorpus,
} from './corpus.ts';
import { beatTrack, mirEval } from './mir-eval.ts';
import { styleSongs } from './styles.ts';

const impl = (process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio) as typeof audio;
const held = process.env.BENCH_SLICE === 'held';
const only = process.env.BENCH_ONLY;

function songs(): Array<CorpusSong & { set: string }> {
  const cache = join(tmpdir(), 'beatframe-audio-corpus');
  const extraDir = join(tmpdir(), 'beatframe-audio-extra');
  const extra = EVERY_FAMILY.filter((f) => !isHeldOut(f.lib)).flatMap((fam) =>
    extraTempi(fam).map((bpm) => grooveSong(extraDir, fam, bpm)),
  );
  return [
    ...[...beatCorpus(join(cache, 'grooves')), ...packagedMidiCorpus(join(cache, 'midi'))].map((s) => ({
      ...s,
      set: 'corpus',
    })),
    ...extra.map((s) => ({ ...s, set: 'extra' })),
    ...styleSongs().map((s) => ({ ...s, set: 'styles' })),
  ].filter((s) => s.heldOut === held && (!only || s.name.includes(only)));
}

interface Row {
  beatF: { ours: number };
  amlt: { ours: number };
}

const picked = songs().flatMap((s) => {
  const wav = s.audio.replace(/\.d\d\.mp3$/, '.wav');
  return wav.endsWith('.wav') && existsSync(wav) ? [{ song: s, wav }] : [];
});
const tracks: unknown[] = [];
const bpms: number[] = [];
for (const [i, { song, wav }] of picked.entries()) {
  process.stderr.write(`\ranalysing ${i + 1}/${picked.length} ${song.name}`.padEnd(60));
  const spoken = wav.replace(/\.wav$/, '.sp.mp3');
  if (!cacheFile(spoken, (tmp) => layVoice(wav, tmp))) {
    console.log('bench skipped: espeak-ng is needed for the spoken layer');
    process.exit(0);
  }
  for (const path of [wav, spoken]) {
    const a = await impl.analyzeAudio(path);
    tracks.push(beatTrack(song, a));
    bpms.push(a.bpm);
  }
}
process.stderr.write('\r'.padEnd(60));
const rows = mirEval<Row>(tracks);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sets = new Map<string, number[]>();
picked.forEach(({ song }, i) => {
  const [clean, spoken] = [rows[2 * i] as Row, rows[2 * i + 1] as Row];
  if (!held)
    console.log(
      `${song.name.padEnd(34)} ${String(song.bpm).padStart(3)}/${song.beatsPerBar}  clean ${(bpms[2 * i] as number).toFixed(0).padStart(3)} F ${clean.beatF.ours.toFixed(3)} AMLt ${clean.amlt.ours.toFixed(3)}  spoken ${(bpms[2 * i + 1] as number).toFixed(0).padStart(3)} F ${spoken.beatF.ours.toFixed(3)} AMLt ${spoken.amlt.ours.toFixed(3)}`,
    );
  sets.set(song.set, [...(sets.get(song.set) ?? []), i]);
});
sets.set(
  'ALL',
  picked.map((_, i) => i),
);
console.log(`\n${held ? 'HELD-OUT' : 'TRAIN'} slice        songs   clean F  AMLt    spoken F  AMLt`);
for (const [key, idx] of sets) {
  const col = (k: number, m: (r: Row) => number) =>
    mean(idx.map((i) => m(rows[2 * i + k] as Row))).toFixed(3);
  console.log(
    `  ${key.padEnd(18)} ${String(idx.length).padStart(4)}   ${col(0, (r) => r.beatF.ours)}   ${col(0, (r) => r.amlt.ours)}   ${col(1, (r) => r.beatF.ours)}   ${col(1, (r) => r.amlt.ours)}`,
  );
}
