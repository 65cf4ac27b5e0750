/** Child process of the benchmark: analyses one file a few times, prints wall times, CPU and peak RSS as JSON. */
import { analyzeAudio } from '@beatframe/audio';

const file = process.argv[2];
if (!file) throw new Error('usage: speed.ts FILE');
const runs = 3;
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
