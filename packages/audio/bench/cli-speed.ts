/**
 * The whole command a user runs, timed beside aubio on the same files in the same run:
 * `beatframe analyze FILE` (a new process per file: start-up, decoding and analysis), `aubio beat FILE`,
 * and `beatframe analyze FILE… --out DIR` (one process for all). Files: the corpus' section songs and
 * 90-s game-tune clips (WAV, 1.5–3 min; run `pnpm bench` once to render them), or the paths given.
 * Usage: node bench/cli-speed.ts [FILE…]; CLI_SPEED_ROUNDS (default 2) repeats the per-file pass.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'beatframe');
const cache = process.env.BENCH_CACHE ?? join(tmpdir(), 'beatframe-audio-corpus');
const pick = (dir: string, test: (name: string) => boolean) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter(test)
        .map((name) => join(dir, name))
    : [];
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      ...pick(join(cache, 'sections'), (n) => /^sections-[a-z0-9]+-\d+-s-\w+\.wav$/.test(n)),
      ...pick(join(cache, 'midi'), (n) => /^blupi-music\d+\.90s\.wav$/.test(n)),
    ].sort();
if (files.length === 0) {
  console.error('cli-speed: no files (run `pnpm --filter @beatframe/audio bench` once, or name some)');
  process.exit(2);
}
const seconds = (cmd: string, args: string[]) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr?.trim().split('\n').pop()}`);
  return (performance.now() - t) / 1000;
};
const audioSec = files.reduce(
  (sum, f) =>
    sum +
    Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', f], {
        encoding: 'utf8',
      }),
    ),
  0,
);
const rounds = Number(process.env.CLI_SPEED_ROUNDS ?? 2);
const ours: number[] = [];
const aubio: number[] = [];
for (let r = 0; r < rounds; r++) {
  let a = 0;
  let b = 0;
  // Alternating file by file, so both see the same machine.
  for (const f of files) {
    a += seconds(cli, ['analyze', f]);
    b += seconds('aubio', ['beat', f]);
  }
  ours.push(a);
  aubio.push(b);
}
const out = mkdtempSync(join(tmpdir(), 'bf-cli-speed-'));
const batch = seconds(cli, ['analyze', ...files, '--out', out]);
rmSync(out, { recursive: true, force: true });
const fmt = (xs: number[]) => xs.map((x) => `${x.toFixed(1)} s`).join(', ');
console.log(
  `${files.length} files, ${(audioSec / 60).toFixed(1)} min of audio, load average ${loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `  beatframe analyze FILE, one process each   ${fmt(ours)}  (${(audioSec / Math.min(...ours)).toFixed(0)}x real time)`,
);
console.log(
  `  aubio beat FILE, one process each           ${fmt(aubio)}  (${(audioSec / Math.min(...aubio)).toFixed(0)}x)`,
);
console.log(
  `  beatframe analyze FILE… --out, one process   ${batch.toFixed(1)} s  (${(audioSec / batch).toFixed(0)}x)`,
);
