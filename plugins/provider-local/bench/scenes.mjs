// scene-v1 bench: render speed at 1280x720 30 fps for rain + skyline + a moving camera, beside the old ffmpeg
// generator, and a 24-frame contact sheet per theme for 8 themes in $TMPDIR/beatframe-scenes (not committed).
// Run after a build: `pnpm --filter @beatframe/provider-local bench`. Wall time depends on what else runs, so
// the CPU time (renderer + encoder, via /usr/bin/time when present) is printed too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sceneFor } from '../dist/index.js';
import { ffmpegArgs, lookFor } from '../dist/look.js';
import { renderScene } from '../dist/scene/render.js';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, '..', 'dist', 'scene', 'worker.js');
const work = mkdtempSync(join(tmpdir(), 'bf-scene-bench-'));
const seconds = Number(process.env.BEATFRAME_BENCH_SECONDS ?? 6);
const cores = availableParallelism();
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const env = process.env;

/** Runs a command, returning wall seconds and (when /usr/bin/time exists) CPU seconds of it and its children. */
function timed(cmd, args) {
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', env })
    : spawnSync(cmd, args, { encoding: 'utf8', env });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const cpu = timeBin
    ? r.stderr
        .trim()
        .split('\n')
        .at(-1)
        .split(' ')
        .map(Number)
        .reduce((a, b) => a + b, 0)
    : NaN;
  return { wall, cpu };
}

function report(name, { wall, cpu }) {
  const byCpu = Number.isFinite(cpu)
    ? `; CPU ${cpu.toFixed(1)} s → ${(seconds / (cpu / cores)).toFixed(1)}× on ${cores} idle cores`
    : '';
  console.log(
    `  ${name.padEnd(44)} ${seconds}s in ${wall.toFixed(1)} s → ${(seconds / wall).toFixed(2)}× real time${byCpu}`,
  );
  return seconds / wall;
}

console.log(
  `scene-v1 bench: ${seconds}s clips at 1280x720, 30 fps; ${cores} cores, load ${loadavg()[0].toFixed(1)}`,
);
const req = {
  prompt: 'rain over a city skyline at night, tracking shot',
  seconds,
  size: '1280x720',
  music: { bpm: 120, energy: 0.6 },
  shotId: 'bench',
};
const scene = sceneFor(req, { fps: 30 });
const sceneRun = timed(process.execPath, [worker, JSON.stringify(scene), join(work, 'scene.mp4'), 'ffmpeg']);
const factor = report('scene-v1 (rain, skyline, tracking camera)', sceneRun);
// Skia draws on one thread, so "CPU over the cores" overstates the speed: an idle machine runs at most as fast
// as the drawing thread alone (measured in this process) or as both processes spread over the cores.
const cpu0 = process.cpuUsage();
await renderScene(scene, join(work, 'scene-again.mp4'));
const drawCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0));
if (Number.isFinite(sceneRun.cpu))
  console.log(
    `  scene-v1 drawing thread ${drawCpu.toFixed(1)} s of CPU (${((drawCpu / (seconds * 30)) * 1000).toFixed(1)} ms a frame); bound on ${cores} idle cores: ${(seconds / Math.max(drawCpu, sceneRun.cpu / cores)).toFixed(1)}× real time`,
  );
const look = lookFor({ ...req, prompt: 'neon pink and cyan city lights' }, { fps: 30 });
report(
  'motion-graphics-v1 (pulse style, for comparison)',
  timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...ffmpegArgs(look, join(work, 'old.mp4'))]),
);
console.log(
  `  scene-v1: ${factor.toFixed(2)}× real time (target ≥ 2×) ${factor >= 2 ? 'OK' : 'BELOW TARGET (see CPU figure: other load shares the cores)'}`,
);

// Contact sheets: 24 frames (every fifth of a 4-s clip), 6 across, 4 down.
const THEMES = [
  ['demo-coast', 'a night drive along a neon coastline, city lights pulsing like waves, tracking shot'],
  ['paper-boat', 'a paper boat drifting through a rainy city'],
  ['mountains-dawn', 'mountains at dawn with birds, aerial shot'],
  ['desert-highway', 'a desert highway at sunset, driving'],
  ['snow-forest', 'snow in a forest at night, slow pan'],
  ['underwater', 'underwater with light rays, slow push-in'],
  ['neon-dancer', 'a dancer in a neon room'],
  ['space-planets', 'space with planets, slow orbit'],
];
const sheets = join(process.env.TMPDIR ?? tmpdir(), 'beatframe-scenes');
mkdirSync(sheets, { recursive: true });
for (const [name, prompt] of THEMES) {
  const s = sceneFor(
    { prompt, seconds: 4, size: '640x360', music: { bpm: 110, energy: 0.55 }, shotId: name },
    { fps: 30 },
  );
  const clip = join(work, `${name}.mp4`);
  await renderScene(s, clip);
  const png = join(sheets, `${name}.png`);
  spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    clip,
    '-vf',
    "select='not(mod(n,5))',scale=320:180,tile=6x4",
    '-frames:v',
    '1',
    png,
  ]);
  console.log(
    `  sheet ${png}: ${s.setting} at ${s.time}${s.weather.length ? `, ${s.weather.join('+')}` : ''}${s.subjects.length ? `, ${s.subjects.join('+')}` : ''}, ${s.camera}`,
  );
}
rmSync(work, { recursive: true, force: true });
