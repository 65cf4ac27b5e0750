/**
 * Accuracy and speed benchmark for @beatframe/audio (run: pnpm --filter @beatframe/audio bench).
 *
 * Two sets of annotated material:
 *  1. fluidsynth: MIDI songs written in material.ts, rendered with the FluidR3 GM soundfont (sampled
 *     instruments, humanised timing, songs without drums, tempo changes, swing, 3/4, 6/8) — not made
 *     by any beatframe synthesiser;
 *  2. synth: @beatframe/synth's benchmarkSuite() (our own synthesiser; flattering, shown apart).
 * Beat F-measure (±70 ms, mir_eval) for ours, aubio and music-tempo; section boundary F (±3 s) and
 * pairwise label F for ours and a textbook Foote baseline; speed and peak memory of a four-minute
 * song in a child process.
 * BENCH_ONLY=<substring> limits the songs; BENCH_PEERS=0 skips the peers; BENCH_SET=fluid|synth;
 * BENCH_DEGRADE=1 adds a degraded copy of the fluidsynth set.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeAudio, decodeAudio } from '@beatframe/audio';
import { benchmarkSuite, writeSongFiles } from '@beatframe/synth';
import { footeSections } from './foote.ts';
import { benchmarkSongs, fourMinuteSong, renderSong, SOUNDFONT } from './material.ts';
import { mirEval } from './mir-eval.ts';
import { aubioBeats, musicTempoBeats } from './peers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(tmpdir(), 'beatframe-audio-bench');
const only = process.env.BENCH_ONLY;
const peers = process.env.BENCH_PEERS !== '0';
const set = process.env.BENCH_SET;

type Sec = [number, number, string];
interface Case {
  name: string;
  wav: string;
  beats: number[];
  downbeats: number[];
  beatsPerBar: number;
  sections: Array<{ start: number; end: number; label: string; group: string }>;
  key?: string;
}
interface Scored {
  downbeatF?: number;
  name: string;
  beatF: Record<string, number>;
  boundaryF: Record<string, number>;
  pairwiseF: Record<string, number>;
}

function score(tracks: unknown[]): Scored[] {
  return mirEval<Scored>(tracks);
}

const PC: Record<string, number> = {
  C: 0,
  'C#': 1,
  Db: 1,
  D: 2,
  'D#': 3,
  Eb: 3,
  E: 4,
  F: 5,
  'F#': 6,
  Gb: 6,
  G: 7,
  'G#': 8,
  Ab: 8,
  A: 9,
  'A#': 10,
  Bb: 10,
  B: 11,
};
/** Same tonic and mode; modal keys (dorian…) count as their major/minor family (dorian → minor). */
function sameKey(truth: string, est: string | undefined): boolean {
  if (!est) return false;
  const [tt, tm] = truth.split(' ');
  const [et, em] = est.split(' ');
  const mode = (m: string | undefined) =>
    m === 'major' || m === 'lydian' || m === 'mixolydian' ? 'major' : 'minor';
  return PC[tt ?? ''] === PC[et ?? ''] && mode(tm) === mode(em);
}
const f3 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);

async function evaluate(title: string, cases: Case[]): Promise<void> {
  const tracks: Array<Record<string, unknown>> = [];
  const named: Array<Record<string, unknown>> = [];
  const info: Array<{ meter: string; ref: number; bpm: number }> = [];
  const mtSpeed: number[] = [];
  const keys: string[] = [];
  for (const c of cases) {
    const a = await analyzeAudio(c.wav);
    const beats: Record<string, number[]> = { ours: a.beats };
    const sections: Record<string, Sec[]> = {
      ours: a.sections.map((s) => [s.start, s.end, s.group ?? s.label]),
    };
    if (peers) {
      const aub = aubioBeats(c.wav);
      if (aub) beats.aubio = aub;
      const pcm44 = await decodeAudio(c.wav, { sampleRate: 44_100 });
      const mt = musicTempoBeats(pcm44);
      beats.musicTempo = mt.beats;
      mtSpeed.push(pcm44.length / 44_100 / mt.seconds);
      sections.foote = footeSections(await decodeAudio(c.wav, { sampleRate: 22_050 }), 22_050);
    }
    tracks.push({
      name: c.name,
      refBeats: c.beats,
      beats,
      refDownbeats: c.downbeats,
      downbeats: a.downbeats,
      refSections: c.sections.map((s) => [s.start, s.end, s.group]),
      sections,
    });
    named.push({
      name: c.name,
      refBeats: [],
      refSections: c.sections.map((s) => [s.start, s.end, s.label]),
      sections: { ours: a.sections.map((s) => [s.start, s.end, s.label]) },
    });
    if (c.key) keys.push(`${c.key} → ${a.key ?? '?'}${sameKey(c.key, a.key) ? '' : ' ✗'}`);
    info.push({ meter: `${a.meter.beatsPerBar}/${a.meter.beatUnit}`, ref: c.beatsPerBar, bpm: a.bpm });
  }
  const scored = score(tracks);
  const names = score(named);
  const cols = ['ours', 'aubio', 'm-tempo', '|', 'bndF', 'pairF', 'nameF', 'footeB', 'footeP', '|', 'downbF'];
  console.log(`\n== ${title} ==`);
  console.log(
    `${'track'.padEnd(26)} ${cols.map((c) => (c === '|' ? c : c.padStart(7))).join(' ')} meter(ref) bpm`,
  );
  const acc: Record<string, number[]> = {};
  const push = (k: string, v: number | undefined) => {
    if (v !== undefined) acc[k] = [...(acc[k] ?? []), v];
  };
  scored.forEach((s, i) => {
    const vals = [
      s.beatF.ours,
      s.beatF.aubio,
      s.beatF.musicTempo,
      s.boundaryF.ours,
      s.pairwiseF.ours,
      names[i]?.pairwiseF.ours,
      s.boundaryF.foote,
      s.pairwiseF.foote,
      s.downbeatF,
    ];
    for (const [k, v] of vals.entries()) push(String(k), v);
    const [b1, b2, b3, ...rest] = vals.slice(0, 8).map((v) => f3(v).padStart(7));
    const m = info[i] as { meter: string; ref: number; bpm: number };
    console.log(
      `${s.name.padEnd(26)} ${b1} ${b2} ${b3} | ${rest.join(' ')} | ${f3(s.downbeatF).padStart(7)} ${m.meter}(${m.ref}) ${m.bpm.toFixed(1)}`,
    );
  });
  const means = Array.from({ length: 9 }, (_, k) => f3(mean(acc[String(k)] ?? [])).padStart(7));
  console.log(
    `${'MEAN'.padEnd(26)} ${means.slice(0, 3).join(' ')} | ${means.slice(3, 8).join(' ')} | ${means[8]}`,
  );
  if (keys.length)
    console.log(
      `key: ${keys.filter((k) => !k.endsWith('✗')).length}/${keys.length} right (${keys.join(', ')})`,
    );
  if (mtSpeed.length) console.log(`music-tempo ran at ${(mean(mtSpeed) ?? 0).toFixed(0)}x real time (mean)`);
}

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
if (!has('/usr/bin/python3', ['-c', 'import mir_eval'])) {
  console.log(
    'bench skipped: /usr/bin/python3 with mir_eval is needed for scoring (Debian: python3-mir-eval)',
  );
  process.exit(0);
}
const fluid = has('fluidsynth', ['--version']) && existsSync(SOUNDFONT);
if (!fluid)
  console.log(
    'fluidsynth or the FluidR3 GM soundfont is missing (Debian: fluidsynth fluid-soundfont-gm): skipping that set',
  );
if (!has('aubio', ['--help'])) console.log('aubio is missing (Debian: aubio-tools): its column stays empty');

console.log('beat F: mir_eval.beat.f_measure ±70 ms (beats in the first 5 s trimmed, mir_eval default);');
console.log('bndF: mir_eval.segment.detection ±3 s (first/last boundary trimmed); pairF: pairwise F of our');
console.log("section groups vs the score's groups; nameF: pairwise F of label names (intro/verse/chorus…);");
console.log(
  'footeB/footeP: the textbook Foote baseline (bench/foote.ts), same metrics; downbF: downbeat F (±70 ms).',
);

if (set !== 'synth' && fluid) {
  const cases = benchmarkSongs()
    .filter((s) => !only || s.name.includes(only))
    .map((spec) => {
      const { wav, truth } = renderSong(spec, cache);
      return {
        name: spec.name,
        wav,
        beats: truth.beats,
        downbeats: truth.downbeats,
        beatsPerBar: truth.beatsPerBar,
        sections: truth.sections,
      };
    });
  await evaluate('fluidsynth GM renders of MIDI scores (material.ts)', cases);
  if (process.env.BENCH_DEGRADE === '1') {
    // The same songs through a cheap channel: band-limited, pink noise about 20 dB down, 96 kbit/s MP3.
    const degraded = cases.map((c) => {
      const out = c.wav.replace(/\.wav$/, '.degraded.mp3');
      spawnSync('ffmpeg', [
        '-v',
        'error',
        '-n',
        '-i',
        c.wav,
        '-f',
        'lavfi',
        '-i',
        'anoisesrc=color=pink:amplitude=0.03:seed=7',
        '-filter_complex',
        '[0:a]highpass=f=150,lowpass=f=6000[m];[m][1:a]amix=inputs=2:duration=first:weights=1 1',
        '-ac',
        '1',
        '-b:a',
        '96k',
        out,
      ]);
      return { ...c, wav: out };
    });
    await evaluate('the same, degraded (band-limited, pink noise, 96k MP3)', degraded);
  }
}
if (set !== 'fluid') {
  const dir = join(cache, 'synth');
  const cases: Case[] = [];
  for (const b of benchmarkSuite().filter((s) => !only || s.name.includes(only))) {
    const w = await writeSongFiles(dir, b.name, b.spec, { sampleRate: 22_050 });
    const t = JSON.parse(readFileSync(w.truthPath, 'utf8')) as {
      beats: number[];
      downbeats: number[];
      meter: { beatsPerBar: number };
      sections: Array<{ start: number; end: number; label: string; group: string }>;
      key: string;
    };
    cases.push({
      name: b.name,
      wav: w.wavPath,
      beats: t.beats,
      downbeats: t.downbeats,
      beatsPerBar: t.meter.beatsPerBar,
      sections: t.sections,
      key: t.key,
    });
  }
  await evaluate('@beatframe/synth benchmarkSuite (our own synthesiser)', cases);
}

if (!only && fluid) {
  const { wav } = renderSong(fourMinuteSong(), cache);
  const mp3 = wav.replace(/\.wav$/, '.mp3');
  spawnSync('ffmpeg', ['-v', 'error', '-n', '-i', wav, '-b:a', '192k', mp3]);
  console.log('');
  for (const file of [mp3, wav]) {
    // /usr/bin/time reports the CPU of the whole tree (node and the ffmpeg decoders it waited for).
    const child = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %U %S %M', process.execPath, join(here, 'speed.ts'), file],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) {
      console.log(`speed run failed: ${child.stderr}`);
      continue;
    }
    const r = JSON.parse(child.stdout) as {
      duration: number;
      best: number;
      median: number;
      nodeCpu: number;
      maxRssMb: number;
      runs: number;
    };
    const [, user, sys] = (/TIME ([\d.]+) ([\d.]+) (\d+)/.exec(child.stderr) ?? []).map(Number);
    const treeCpu = ((user ?? 0) + (sys ?? 0)) / r.runs;
    console.log(
      `speed (${file.endsWith('.mp3') ? 'mp3 192k' : 'wav 22 kHz'}, ${r.duration.toFixed(0)} s song): wall best ${r.best.toFixed(2)} s, median ${r.median.toFixed(2)} s (${(r.duration / r.best).toFixed(0)}x real time at best); CPU per analysis ${r.nodeCpu.toFixed(2)} s node + ${(treeCpu - r.nodeCpu).toFixed(2)} s ffmpeg (incl. process start-up); peak RSS ${r.maxRssMb.toFixed(0)} MB; load average ${loadavg()[0]?.toFixed(1)}`,
    );
  }
}
