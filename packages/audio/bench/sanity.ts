/**
 * Sanity set (run: pnpm --filter @beatframe/audio bench:sanity): real produced recordings nobody here
 * wrote, with no annotations — Debian's `singularity-music` (16 tracks) and `ufoai-music` (64 tracks in
 * a .pk3 zip). With no truth, the figure is agreement: mir_eval beat F (±70 ms) and AMLt of each
 * tracker against each other one, and how often two trackers pick the same tempo octave. Agreement
 * with BeatRoot (music-tempo) is not accuracy, but a tracker that disagrees with both peers on a
 * track has most likely gone wrong there: those tracks are listed.
 * SANITY_MAX=<n> caps the number of tracks (spread over both sets); SANITY_DIR moves the cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analyzeAudio, decodeAudio } from '@beatframe/audio';
import { cacheFile } from './cache-file.ts';
import { mirEval } from './mir-eval.ts';
import { aubioBeats, musicTempoBeats } from './peers.ts';

const cache = process.env.SANITY_DIR ?? join(tmpdir(), 'beatframe-audio-sanity');
const max = Number(process.env.SANITY_MAX ?? 40);
const SINGULARITY = '/usr/share/games/singularity/music';
const UFOAI = '/usr/share/games/ufoai/base/0music.pk3';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
if (!has('/usr/bin/python3', ['-c', 'import mir_eval']) || !has('aubio', ['--help'])) {
  console.log('sanity bench skipped: needs python3-mir-eval and aubio-tools');
  process.exit(0);
}

function oggsBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ogg'))
    .sort()
    .map((f) => join(dir, f));
}
// The pk3 is a zip: its tracks are unpacked once into the cache.
const ufoDir = join(cache, 'ufoai');
if (existsSync(UFOAI) && !existsSync(join(ufoDir, 'music'))) {
  mkdirSync(ufoDir, { recursive: true });
  execFileSync('unzip', ['-q', '-o', UFOAI, 'music/*.ogg', '-d', ufoDir]);
}
const sets = [oggsBelow(SINGULARITY), oggsBelow(ufoDir)];
if (!sets.some((s) => s.length)) {
  console.log('sanity bench skipped: install singularity-music and/or ufoai-music (Debian)');
  process.exit(0);
}
// Every k-th track of each set, so a cap still samples both sets across their whole lists.
const total = sets.reduce((n, s) => n + s.length, 0);
const tracks = sets.flatMap((s) => {
  const n = Math.max(1, Math.round((max * s.length) / total));
  const step = s.length / Math.min(n, s.length);
  return Array.from({ length: Math.min(n, s.length) }, (_, k) => s[Math.floor(k * step)]!);
});

type System = 'beatframe' | 'aubio' | 'music-tempo';
interface Track {
  name: string;
  durationSec: number;
  beats: Record<System, number[]>;
  sec: Record<System, number>;
  /** Our sections: how many, and the shortest in bars. */
  sections: number;
  shortestBars: number;
}
const results: Track[] = [];
for (const [i, file] of tracks.entries()) {
  process.stderr.write(`\ranalysing ${i + 1}/${tracks.length} ${basename(file)}`.padEnd(70));
  // The peers get a WAV (aubio reads ogg through libsndfile unevenly; both see the same samples).
  const wav = join(cache, 'wav', `${basename(file, '.ogg').replace(/[^\w.-]+/g, '_')}.wav`);
  cacheFile(wav, (tmp) => {
    execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-ac', '1', '-ar', '44100', tmp]);
  });
  let t = performance.now();
  const ours = await analyzeAudio(file);
  const oursSec = (performance.now() - t) / 1000;
  const peersFile = `${wav}.peers.json`;
  let peers: { aubio: number[]; mt: number[]; aubioSec: number; mtSec: number };
  if (existsSync(peersFile)) peers = JSON.parse(readFileSync(peersFile, 'utf8')) as typeof peers;
  else {
    t = performance.now();
    const aubio = aubioBeats(wav) ?? [];
    const aubioSec = (performance.now() - t) / 1000;
    t = performance.now();
    let mt: number[] = [];
    try {
      mt = musicTempoBeats(await decodeAudio(wav, { sampleRate: 44_100 })).beats;
    } catch {
      // BeatRoot gives up on some tracks ("Tempo extraction failed"): no beats, scored as such.
    }
    peers = { aubio, mt, aubioSec, mtSec: (performance.now() - t) / 1000 };
    writeFileSync(peersFile, JSON.stringify(peers));
  }
  results.push({
    name: basename(file, '.ogg'),
    durationSec: ours.durationSec,
    beats: { beatframe: ours.beats, aubio: peers.aubio, 'music-tempo': peers.mt },
    sec: { beatframe: oursSec, aubio: peers.aubioSec, 'music-tempo': peers.mtSec },
    sections: ours.sections.length,
    shortestBars: Math.min(
      ...ours.sections.map(
        (x) =>
          ((x.end - x.start) * ours.bpm) /
          60 /
          (ours.meter.beatsPerBar / (ours.meter.beatUnit === 8 ? 3 : 1)),
      ),
    ),
  });
}
process.stderr.write('\n');

interface Row {
  name: string;
  beatF: Record<string, number>;
  amlt: Record<string, number>;
}
/** mir_eval with `ref` standing in for the truth and the other two systems scored against it. */
function agreement(ref: System): Row[] {
  const tracksIn = results.map((r) => ({
    name: r.name,
    refBeats: r.beats[ref],
    beats: Object.fromEntries(Object.entries(r.beats).filter(([s]) => s !== ref)),
  }));
  return mirEval<Row>(tracksIn);
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};
const bpmOf = (beats: number[]) => {
  const gaps = beats.slice(1).map((b, k) => b - beats[k]!);
  return gaps.length ? 60 / median(gaps) : 0;
};
const sameOctave = (a: System, b: System) =>
  results.filter((r) => {
    const x = bpmOf(r.beats[a]);
    const y = bpmOf(r.beats[b]);
    return x > 0 && y > 0 && Math.abs(Math.log2(x / y)) < 0.06;
  }).length;
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

const vsMt = agreement('music-tempo');
const vsAubio = agreement('aubio');
const pairs: Array<[System, System, Row[]]> = [
  ['beatframe', 'music-tempo', vsMt],
  ['aubio', 'music-tempo', vsMt],
  ['beatframe', 'aubio', vsAubio],
];
const hours = results.reduce((s, r) => s + r.durationSec, 0) / 3600;
console.log(
  `\nSanity set: ${results.length} real recordings (singularity-music, ufoai-music), ${(hours * 60).toFixed(1)} min of audio, no annotations`,
);
console.log('agreement            beat F   AMLt   same tempo octave');
for (const [a, b, rows] of pairs) {
  const f = mean(rows.map((r) => r.beatF[a] ?? 0));
  const amlt = mean(rows.map((r) => r.amlt[a] ?? 0));
  console.log(
    `${`${a} ~ ${b}`.padEnd(26)} ${f.toFixed(3)}  ${amlt.toFixed(3)}  ${sameOctave(a, b)}/${results.length}`,
  );
}
// Tracks where the two peers agree with each other (F ≥ 0.8) but beatframe agrees with neither (F < 0.5).
const lone = results.filter((_, k) => {
  const peersAgree = (vsMt[k]!.beatF.aubio ?? 0) >= 0.8;
  return peersAgree && (vsMt[k]!.beatF.beatframe ?? 0) < 0.5 && (vsAubio[k]!.beatF.beatframe ?? 0) < 0.5;
});
console.log(
  `tracks where aubio and music-tempo agree (F ≥ 0.8) and beatframe agrees with neither (F < 0.5): ${lone.length}${lone.length ? ` — ${lone.map((r) => `${r.name} (${bpmOf(r.beats.beatframe).toFixed(0)} vs ${bpmOf(r.beats['music-tempo']).toFixed(0)} bpm)`).join(', ')}` : ''}`,
);
const none = (s: System) => results.filter((r) => r.beats[s].length < 2).length;
console.log(
  `tracks with no beats found: beatframe ${none('beatframe')}, aubio ${none('aubio')}, music-tempo ${none('music-tempo')} (scored 0 against the others)`,
);
// The issue's "a song has 6–12 sections": how many tracks get fewer, that many, or more (long pieces may
// have one more per 16 bars), and the median shortest section in bars.
const band = (r: Track) => (r.sections < 6 ? 'under 6' : r.sections <= 12 ? '6–12' : 'over 12');
const bands = ['under 6', '6–12', 'over 12'].map(
  (b) => `${b}: ${results.filter((r) => band(r) === b).length}`,
);
const shortest = results.map((r) => r.shortestBars).sort((x, y) => x - y);
console.log(
  `sections per track: ${bands.join(', ')}; mean ${mean(results.map((r) => r.sections)).toFixed(1)}; median shortest section ${(shortest[Math.floor(shortest.length / 2)] ?? 0).toFixed(1)} bars`,
);
const sum = (s: System) => results.reduce((t, r) => t + r.sec[s], 0);
console.log(
  `time on the same files: beatframe ${sum('beatframe').toFixed(1)} s (from the .ogg, decoding included), aubio ${sum('aubio').toFixed(1)} s, music-tempo ${sum('music-tempo').toFixed(1)} s (peers from a WAV; cached after their first run)`,
);
