// The make benchmark (issue 20): whole offline `beatframe make` runs from a cold data dir, side by side in one
// run — the preview (--preview) and the default final render — on a song of BENCH_SONG_SEC seconds (default
// 180), each with --profile (per-stage, per-step times), its wall time against the targets, and the peak memory
// of the whole process tree (node, ffmpeg, Chromium) sampled from /proc every 200 ms: PSS (shared pages split among their
// sharers; the target is judged on it) beside the plain sum of RSS (shared pages counted once per process).
//   pnpm --filter @beatframe/cli bench
//   BENCH_SONG_SEC=600 BENCH_RUNS=preview pnpm --filter @beatframe/cli bench     (the 10-minute memory target)
// The song is the project's own demo song looped to length (no third-party audio). Needs `npm run setup`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'beatframe');
const songSec = Number(process.env.BENCH_SONG_SEC ?? 180);
const runs = (process.env.BENCH_RUNS ?? 'preview,final').split(',');
const dir = join(tmpdir(), 'beatframe-make-bench');
await mkdir(dir, { recursive: true });

// The demo song (synthesised by @beatframe/synth), looped to the asked length.
const demoDir = join(dir, 'demo');
if (!existsSync(join(demoDir, 'demo-song.wav'))) {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { writeDemoSong } from '@beatframe/synth'; await writeDemoSong(${JSON.stringify(demoDir)});`,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('could not write the demo song');
}
const song = join(dir, `song-${songSec}.wav`);
if (!existsSync(song)) {
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    join(demoDir, 'demo-song.wav'),
    '-t',
    String(songSec),
    song,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not loop the song: ${r.stderr}`);
}

/**
 * Memory of a process and all its descendants, bytes: the sum of their RSS, which counts every shared page
 * (the node binary of each worker, Chromium's shared memory) once per process, and the sum of their PSS
 * (/proc/<pid>/smaps_rollup), which splits each shared page among its sharers: the memory the make holds.
 */
function treeMemory(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  let rss = 0;
  let pss = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
    todo.push(...(children.get(p) ?? []));
  }
  return { rss, pss };
}

async function make(kind) {
  const data = join(dir, `data-${kind}`);
  await rm(data, { recursive: true, force: true }); // cold: no database, no cached clips or bundles of its own
  const args = [
    'make',
    song,
    '--theme',
    'a night drive along a neon coastline',
    '--profile',
    '--out',
    join(dir, `${kind}.mp4`),
  ];
  if (kind === 'preview') args.push('--preview');
  const started = Date.now();
  // CPU seconds of the whole tree (node, ffmpeg, Chromium) via /usr/bin/time: unlike wall time, it barely moves
  // with what else the machine is doing, and CPU / cores is the wall time an idle machine could reach.
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const child = spawn(timeBin ?? cli, timeBin ? ['-f', 'cpu-seconds: %U %S', cli, ...args] : args, {
    env: { ...process.env, BEATFRAME_DATA_DIR: data },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const load = loadavg()[0];
  let err = '';
  child.stderr.on('data', (b) => {
    err += b;
  });
  let peak = 0;
  let peakRss = 0;
  const timer = setInterval(() => {
    const m = treeMemory(child.pid);
    peak = Math.max(peak, m.pss);
    peakRss = Math.max(peakRss, m.rss);
  }, 200);
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(timer);
  const sec = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`make ${kind} failed (${code}): ${err.slice(-2000)}`);
  const cpuLine = /cpu-seconds: ([\d.]+) ([\d.]+)/.exec(err);
  const cpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : Number.NaN;
  const profile = err
    .slice(err.indexOf('profile:'))
    .split('\n')
    .filter((l) => !/^(done:|cpu-seconds:)/.test(l));
  return { kind, sec, cpu, peak, peakRss, profile, load: Math.max(load, loadavg()[0]) };
}

const targets = { preview: 1, final: 2 }; // seconds of make per second of song
console.log(
  `make of a ${songSec}-s song from a cold data dir, ${runs.join(' and ')} (${new Date().toISOString()})`,
);
const results = [];
for (const kind of runs) {
  const r = await make(kind);
  results.push(r);
  console.log(`\n--- ${kind}\n${r.profile.join('\n')}`);
}
console.log(`\n${availableParallelism()} cores; "cpu/cores" is the wall time an idle machine could reach`);
console.log(
  'kind      make s   × song   target       cpu s  cpu/cores × song  load  peak memory (PSS; summed RSS)',
);
for (const r of results) {
  const ratio = r.sec / songSec;
  const t = targets[r.kind];
  const mem = r.peak / 2 ** 30;
  const rssSum = r.peakRss / 2 ** 30;
  console.log(
    `${r.kind.padEnd(8)} ${r.sec.toFixed(1).padStart(7)} ${ratio.toFixed(2).padStart(8)}   ≤ ${t}× ${ratio <= t ? 'met ' : 'MISSED'} ${r.cpu.toFixed(0).padStart(7)} ${(r.cpu / availableParallelism() / songSec).toFixed(2).padStart(16)} ${r.load.toFixed(1).padStart(5)}  ${mem.toFixed(2)} GB; ${rssSum.toFixed(2)} GB${songSec >= 600 ? (mem <= 1.5 ? ' (≤ 1.5 GB: met)' : ' (≤ 1.5 GB: MISSED)') : ''}`,
  );
}
