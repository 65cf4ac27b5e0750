// Shot variety of one video: renders each shot of a storyboard (a JSON file of clip requests, e.g. the demo's
// shots from the heuristic crew) small and short, joins them, and measures how much the picture changes at
// each cut against within a shot (mean absolute RGB difference of consecutive frames at 64x36, in % of full
// scale), and how many cuts ffmpeg's scdet detects as scene changes.
// `node bench/variety.mjs shots.json [seconds]` after a build; shots.json: {"shots":[{id, prompt, music}]}.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sceneFor } from '../dist/index.js';
import { renderScene } from '../dist/scene/render.js';

const [file, secArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/variety.mjs shots.json [seconds]');
  process.exit(2);
}
const { shots } = JSON.parse(readFileSync(file, 'utf8'));
const seconds = Number(secArg ?? 1);
const fps = 30;
const work = mkdtempSync(join(tmpdir(), 'bf-variety-'));
const list = [];
const specs = [];
for (const shot of shots) {
  const s = sceneFor(
    { prompt: shot.prompt, seconds, size: '320x180', music: shot.music, shotId: shot.id },
    { fps },
  );
  specs.push(s);
  const out = join(work, `${shot.id}.mp4`);
  await renderScene(s, out);
  list.push(`file '${out}'`);
}
writeFileSync(join(work, 'list.txt'), `${list.join('\n')}\n`);
const joined = join(work, 'joined.mp4');
spawnSync('ffmpeg', [
  '-v',
  'error',
  '-y',
  '-f',
  'concat',
  '-safe',
  '0',
  '-i',
  join(work, 'list.txt'),
  '-c',
  'copy',
  joined,
]);

const w = 64;
const h = 36;
const raw = spawnSync(
  'ffmpeg',
  ['-v', 'error', '-i', joined, '-vf', `scale=${w}:${h},format=rgb24`, '-f', 'rawvideo', 'pipe:1'],
  {
    maxBuffer: 1 << 30,
  },
).stdout;
const size = w * h * 3;
const frames = Math.floor(raw.length / size);
const diff = (a, b) => {
  let d = 0;
  for (let i = 0; i < size; i++) d += Math.abs(raw[a * size + i] - raw[b * size + i]);
  return (100 * d) / size / 255;
};
const per = Math.round(seconds * fps);
const across = [];
const within = [];
for (let n = 1; n < frames; n++) (n % per === 0 ? across : within).push(diff(n - 1, n));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const scd = spawnSync(
  'ffmpeg',
  ['-v', 'info', '-i', joined, '-vf', 'scdet=threshold=10', '-f', 'null', '-'],
  {
    encoding: 'utf8',
  },
).stderr;
const times = [...scd.matchAll(/lavfi\.scd\.time:\s*([\d.]+)/g)].map((m) => Number(m[1]));
const cuts = shots.slice(1).map((_, i) => (i + 1) * seconds);
const hits = cuts.filter((c) => times.some((t) => Math.abs(t - c) < 1.5 / fps)).length;
console.log(`${shots.length} shots, ${seconds}s each at 320x180`);
console.log(
  `  frame difference: across cuts ${mean(across).toFixed(1)} % (min ${Math.min(...across).toFixed(1)}), within shots ${mean(within).toFixed(2)} %; ratio ${(mean(across) / mean(within)).toFixed(1)}`,
);
// The evaluator's hard-cut test on thumbnails: 2.5 × this difference above 0.18 (before its adaptive check).
const strong = across.filter((d) => (2.5 * d) / 100 > 0.18).length;
console.log(`  cuts passing the evaluator's absolute hard-cut test: ${strong} of ${across.length}`);
console.log(
  `  scdet (threshold 10): ${hits} of ${cuts.length} cuts detected, ${times.length - hits} elsewhere`,
);
console.log(`  per cut: ${across.map((d) => d.toFixed(0)).join(' ')}`);
for (const s of specs)
  console.log(
    `  ${s.setting}/${s.time}/${s.camera} ${s.subjects.join('+')} ${s.extraLayer ?? ''} ${s.shot} ×${s.framing} hue ${s.hueShift}${s.mirror ? ' mirror' : ''}${s.tint ? ` tint ${s.tint}` : ''}`,
  );
if (process.env.BEATFRAME_VARIETY_SHEET)
  spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    joined,
    '-vf',
    `select='eq(mod(n\\,${per})\\,${Math.floor(per / 2)})',scale=256:144,tile=5x4`,
    '-frames:v',
    '1',
    process.env.BEATFRAME_VARIETY_SHEET,
  ]);
rmSync(work, { recursive: true, force: true });
