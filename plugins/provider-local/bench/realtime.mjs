// Real-time factor of 720p clip generation by the older motion-graphics-v1 generator: seconds of video made per second of wall time (target ≥ 4×).
// Run after a build: `pnpm --filter @beatframe/provider-local bench`. Wall time depends on what else runs,
// so the CPU time of the same render (via /usr/bin/time, when present) is printed too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@beatframe/core';
import { createLocalProvider } from '../dist/index.js';
import { ffmpegArgs } from '../dist/look.js';
import { lookOfJob } from '../dist/provider.js';

const work = mkdtempSync(join(tmpdir(), 'bf-local-bench-'));
const provider = createLocalProvider({ workDir: join(work, 'jobs'), fps: 30 });
const ctx = { logger: silentLogger() };
const seconds = Number(process.env.BEATFRAME_BENCH_SECONDS ?? 6);
const cores = availableParallelism();
const cases = [
  ['drift', 'calm dreamy lavender haze', { bpm: 72, energy: 0.15 }],
  ['organic', 'mysterious dark forest growth, green moss', { bpm: 100, energy: 0.5 }],
  ['pulse', 'neon pink and cyan city lights', { bpm: 120, energy: 0.55 }],
  ['strobe', 'aggressive red strobe, explosive drop', { bpm: 174, energy: 0.95 }],
];
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let totalVideo = 0;
let totalWall = 0;
let totalCpu = 0;
console.log(
  `provider-local bench: ${seconds}s clips at 1280x720, 30 fps; ${cores} cores, load ${loadavg()[0].toFixed(1)}`,
);
for (const [name, prompt, music] of cases) {
  const t0 = performance.now();
  const ref = await provider.submit(
    // The old ffmpeg generator (scene-v1 is measured by scenes.mjs); its jobs carry the look measured below.
    { prompt, seconds, size: '1280x720', music, shotId: `bench-${name}`, model: 'motion-graphics-v1' },
    ctx,
  );
  for (;;) {
    const st = await provider.poll(ref, ctx);
    if (st.state === 'failed') throw new Error(st.error?.message);
    if (st.state === 'done') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const clip = await provider.download(ref, join(work, `${name}.mp4`), ctx);
  const wall = (performance.now() - t0) / 1000;
  totalVideo += clip.durationSec;
  totalWall += wall;
  let cpuNote = '';
  if (timeBin) {
    const args = ffmpegArgs(lookOfJob(ref), join(work, `${name}-cpu.mp4`));
    const r = spawnSync(
      timeBin,
      ['-f', '%U %S', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', ...args],
      {
        encoding: 'utf8',
      },
    );
    const [u, s] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    totalCpu += u + s;
    cpuNote = `; CPU ${(u + s).toFixed(2)}s → ${(clip.durationSec / ((u + s) / cores)).toFixed(1)}× on ${cores} idle cores`;
  }
  console.log(
    `  ${lookOfJob(ref).style.padEnd(8)} ${clip.width}x${clip.height} ${clip.durationSec.toFixed(2)}s in ${wall.toFixed(2)}s → ${(clip.durationSec / wall).toFixed(1)}× real time${cpuNote}`,
  );
}
const factor = totalVideo / totalWall;
console.log(
  `  overall: ${factor.toFixed(1)}× real time (target ≥ 4×) ${factor >= 4 ? 'OK' : 'BELOW TARGET'}`,
);
if (totalCpu)
  console.log(
    `  overall by CPU time: ${(totalVideo / (totalCpu / cores)).toFixed(1)}× on ${cores} idle cores`,
  );
rmSync(work, { recursive: true, force: true });
