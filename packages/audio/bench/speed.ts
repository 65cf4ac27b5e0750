/**
 * Child process of the benchmark: analyses one file a few times, prints wall times, CPU and peak RSS as
 * JSON. Usage: speed.ts FILE [RUNS]; BENCH_IMPL=<other build>/index.js times that build instead.
 */
import * as audio from '@beatframe/audio';

const { analyzeAudio } = (
  process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio
) as typeof audio;
const file = process.argv[2];
if (!file) throw new Error('usage: speed.ts FILE [RUNS]');
const runs = Number(process.argv[3] ?? 3);
const times: number[] = [];
let duration = 0;
const cpu0 = process.cpuUsage();
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const a = await analyzeAudio(file);
  times.push((performance.now() - t) / 1000);
  duration = a.durationSec;
}
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    duration,
    best: times[0],
    median: times[Math.floor(runs / 2)],
    // Node's own CPU seconds per analysis; ffmpeg decodes alongside in its own process.
    nodeCpu: (cpu.user + cpu.system) / 1e6 / runs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    runs,
  }),
);
