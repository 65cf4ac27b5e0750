/**
 * Fan-out benchmark: 40 shots against an emulated provider with a fixed latency and a limit of 8
 * jobs at once, on the embedded database. The ideal schedule is ceil(40/8) × latency; the figure
 * that matters is how close the real one comes, and the orchestration's own time per shot.
 *
 *   pnpm --filter @beatframe/pipeline bench      (BENCH_LATENCY_MS, BENCH_SHOTS, BENCH_CONCURRENCY)
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clip, loadConfig, produceAtomic, silentLogger, type VideoProvider } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { makeSong, testDeps } from '../test/support/deps.js';

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 3000);
const SHOTS = Number(process.env.BENCH_SHOTS ?? 40);
const LIMIT = Number(process.env.BENCH_CONCURRENCY ?? 8);

const dir = await mkdtemp(join(tmpdir(), 'bf-bench-'));
const clipSrc = join(dir, 'clip.mp4');
await runFfmpeg([
  '-y',
  '-v',
  'error',
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=160x90:rate=10:duration=2',
  '-pix_fmt',
  'yuv420p',
  clipSrc,
]);
const song = await makeSong(join(dir, 'song.mp3'), 8);

// The provider side: a job is ready LATENCY ms after it was submitted; it counts jobs in flight.
const submitted = new Map<string, number>();
let inFlight = 0;
let maxInFlight = 0;
let seq = 0;
const spans: Array<{ submit: number; ready: number }> = [];
const provider: VideoProvider = {
  name: 'bench',
  description: 'fixed-latency emulated provider',
  capabilities: {
    durations: [2],
    sizes: ['160x90'],
    aspects: ['16:9', '9:16', '1:1'],
    imageToVideo: false,
    remix: false,
    maxPromptChars: 1000,
    models: ['bench'],
    audio: false,
    usdFor: () => 0,
    concurrency: LIMIT,
    rpm: 10_000,
  },
  status: () => ({ configured: true }),
  async submit(req) {
    const id = `job${++seq}`;
    submitted.set(id, Date.now());
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return {
      provider: 'bench',
      jobId: id,
      submittedAt: new Date().toISOString(),
      seconds: req.seconds,
      size: req.size,
      data: {},
    };
  },
  async poll(ref) {
    const at = submitted.get(ref.jobId) ?? 0;
    return Date.now() - at >= LATENCY
      ? { state: 'done' }
      : { state: 'running', progress: (Date.now() - at) / LATENCY };
  },
  async download(ref, dest): Promise<Clip> {
    await produceAtomic(dest, (tmp) => copyFile(clipSrc, tmp));
    inFlight--;
    spans.push({ submit: submitted.get(ref.jobId) ?? 0, ready: Date.now() });
    return {
      path: dest,
      durationSec: 2,
      width: 160,
      height: 90,
      fps: 10,
      hasAudio: false,
      provider: 'bench',
      jobId: ref.jobId,
      costUsd: 0,
    };
  },
};

const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
const bf = await createBeatframe({
  config,
  logger: silentLogger(),
  deps: testDeps({ shots: SHOTS, provider }),
  settings: { pollIntervalMs: 50 },
});
const worker = await bf.startWorker({ concurrency: 16 });
let start = 0;
let end = 0;
const project = await bf.createProject({
  song: { path: song },
  options: { provider: 'bench' },
  approvedUsd: APPROVE_ANY,
});
const finished = new Promise<void>((resolve) =>
  bf.subscribe(project.id, (e) => {
    if (e.type === 'stage' && e.stage === 'generate' && e.status === 'running' && !start) start = Date.now();
    if (e.type === 'stage' && e.stage === 'generate' && e.status === 'done') {
      end = Date.now();
      resolve();
    }
  }),
);
await finished;
await bf.cancel(project.id);
await worker.stop();
await bf.close();

const ideal = Math.ceil(SHOTS / LIMIT) * LATENCY;
const wall = end - start;
const perShot = spans.map((s) => s.ready - s.submit - LATENCY);
const mean = perShot.reduce((a, b) => a + b, 0) / perShot.length;
const sorted = [...perShot].sort((a, b) => a - b);
const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
const slack = (wall - ideal) / ideal;
console.log(
  `fan-out: ${SHOTS} shots, latency ${LATENCY} ms, provider limit ${LIMIT} (max seen in flight: ${maxInFlight})`,
);
console.log(`  generate stage wall time  ${wall} ms`);
console.log(`  ideal schedule            ${ideal} ms  (ceil(${SHOTS}/${LIMIT}) × ${LATENCY})`);
console.log(
  `  over the ideal            ${(slack * 100).toFixed(1)} %  (target ≤ 10 %) ${slack <= 0.1 ? 'OK' : 'MISSED'}`,
);
console.log(
  `  orchestration per shot    mean ${mean.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (submit→ready minus provider latency)`,
);
console.log(
  `  orchestration share       ${((wall - ideal) / SHOTS) | 0} ms of wall time per shot beyond the ideal`,
);
await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
process.exit(0);
