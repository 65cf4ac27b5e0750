// Speed of renderer-ffmpeg on a 60-s 720p/30fps timeline of 12 clips with transitions, beat effects,
// a title, section cards and word-timed captions, against the floor: a bare ffmpeg crossfade chain
// of the same clips. Prints frames per second and the real-time factor. Needs `pnpm build` first.
// BEATFRAME_BENCH_SECONDS / BEATFRAME_BENCH_HEIGHT change the size; clips are cached in the tmp dir.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { createFfmpegRenderer } from '../dist/index.js';

const seconds = Number(process.env.BEATFRAME_BENCH_SECONDS ?? 60);
const height = Number(process.env.BEATFRAME_BENCH_HEIGHT ?? 720);
const width = Math.round((height * 16) / 9 / 2) * 2;
const fps = 30;
const clips = 12;
const dir = join(tmpdir(), 'beatframe-renderer-ffmpeg-bench');
await mkdir(dir, { recursive: true });

// Varied, moving sources at the generators' usual 1280x720/24fps, 6 s each (slots are 5 s).
const sources = [
  'testsrc2=s=1280x720:r=24',
  'mandelbrot=s=1280x720:r=24:end_scale=0.01',
  'life=s=1280x720:r=24:mold=10:ratio=0.3:death_color=#204060:life_color=#e0c040',
  'cellauto=s=1280x720:r=24:rule=110',
  'gradients=s=1280x720:r=24:speed=0.05:n=5',
  'smptehdbars=s=1280x720:r=24,hue=H=2*PI*t/6',
];
const clipPaths = [];
for (let i = 0; i < clips; i++) {
  const p = join(dir, `clip${i}.mp4`);
  clipPaths.push(p);
  if (existsSync(p)) continue;
  const src = sources[i % sources.length];
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `${src},hue=h=${i * 30},format=yuv420p`,
    '-t',
    '6',
    '-c:v',
    'libx264',
    '-preset',
    'fast',
    '-crf',
    '20',
    p,
  ]);
}
const song = join(dir, `song${seconds}.wav`);
if (!existsSync(song))
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='0.3*sin(2*PI*110*t)*exp(-8*mod(t,0.5))+0.1*sin(2*PI*440*t)|0.3*sin(2*PI*110*t)*exp(-8*mod(t,0.5))':s=44100:d=${seconds}`,
    song,
  ]);

const total = seconds * fps;
const slot = Math.floor(total / clips);
const kinds = ['fade', 'slide', 'wipe', 'zoom', 'flash'];
const beat = fps / 2; // 120 bpm
const items = clipPaths.map((src, i) => {
  const startFrame = i * slot;
  const durationFrames = i === clips - 1 ? total - startFrame : slot + (i % 3 === 2 ? 12 : 0);
  const beats = [];
  for (let f = startFrame; f < startFrame + durationFrames; f += beat) beats.push(f);
  return {
    id: `i${i}`,
    src,
    startFrame,
    durationFrames,
    clipStartSec: i % 4 === 1 ? 0.5 : 0,
    clipDurationSec: 6,
    playbackRate: 1,
    loop: true,
    ...(i % 3 === 0 && i > 0
      ? { transitionIn: { kind: kinds[(i / 3) % kinds.length], durationFrames: 12, direction: 'left' } }
      : {}),
    effects: i % 4 === 2 ? [{ kind: i % 8 === 2 ? 'zoomPulse' : 'flash', frames: beats, strength: 0.6 }] : [],
  };
});
// Cuts are held until the next item starts; transition items overlap the item before by 12 frames.
for (let i = 1; i < items.length; i++) if (items[i].transitionIn) items[i - 1].durationFrames = slot + 12;
const words = ['hold', 'the', 'line,', "it's", '100%', 'ours:', 'tonight'];
const captions = [];
for (let s = 4 * fps; s + 3 * fps < total; s += 4 * fps) {
  const text = words.join(' ');
  const per = Math.floor((3 * fps) / words.length);
  captions.push({
    text,
    startFrame: s,
    endFrame: s + 3 * fps,
    words: words.map((w, k) => ({ text: w, startFrame: s + k * per, endFrame: s + (k + 1) * per })),
  });
}
const timeline = {
  version: 1,
  fps,
  width,
  height,
  durationFrames: total,
  audio: { src: song, durationSec: seconds },
  items,
  cards: [
    { kind: 'title', text: 'Bench Song', subtitle: 'The Renderers', startFrame: 0, endFrame: 3 * fps },
    ...[1, 2, 3].map((k) => ({
      kind: 'section',
      text: k % 2 ? 'Chorus' : 'Verse',
      startFrame: k * 3 * slot,
      endFrame: k * 3 * slot + fps,
    })),
  ],
  captions,
  beatFrames: [],
  style: { fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' },
};

async function floor() {
  // The same clips, each trimmed to a slot, scaled, chained with 12-frame crossfades; the song mapped.
  const d = 12 / fps;
  const len = slot / fps + d;
  const args = [];
  const chains = [];
  clipPaths.forEach((p, i) => {
    args.push('-i', p);
    chains.push(
      `[${i}:v]trim=duration=${len},setpts=PTS-STARTPTS,fps=${fps},scale=${width}:${height},setsar=1,format=yuv420p[v${i}]`,
    );
  });
  let acc = 'v0';
  for (let i = 1; i < clips; i++) {
    chains.push(`[${acc}][v${i}]xfade=transition=fade:duration=${d}:offset=${(i * slot) / fps}[a${i}]`);
    acc = `a${i}`;
  }
  const out = join(dir, 'floor.mp4');
  const t0 = performance.now();
  await runFfmpeg([
    ...args,
    '-i',
    song,
    '-filter_complex',
    chains.join(';'),
    '-map',
    `[${acc}]`,
    '-map',
    `${clips}:a`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-c:a',
    'aac',
    '-t',
    String(seconds),
    '-movflags',
    '+faststart',
    out,
  ]);
  return (performance.now() - t0) / 1000;
}

/** CPU seconds used by finished child processes (ffmpeg), from /proc: steady even on a busy machine. */
function childCpuSec() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

const out = join(dir, 'ffmpeg-renderer.mp4');
const runs = Number(process.env.BEATFRAME_BENCH_RUNS ?? 1);
const renderer = createFfmpegRenderer();
for (let r = 0; r < runs; r++) {
  const c0 = childCpuSec();
  const floorSec = await floor();
  const c1 = childCpuSec();
  const res = await renderer.render(timeline, out, { logger: undefined });
  const c2 = childCpuSec();
  const sec = res.elapsedMs / 1000;
  const line = (name, s, cpu) =>
    `${name.padEnd(26)} ${(total / s).toFixed(1).padStart(6)} frames/s  ${(seconds / s).toFixed(2)}x real time  ${cpu.toFixed(1)} CPU-s (${((total / cpu) * 2).toFixed(0)} frames/s if it had both cores)`;
  console.log(
    `${seconds}-s ${width}x${height}@${fps} timeline, ${clips} clips, run ${r + 1}/${runs}, load ${loadavg()[0].toFixed(1)}`,
  );
  console.log(line('floor (bare xfade chain)', floorSec, c1 - c0));
  console.log(line('renderer-ffmpeg', sec, c2 - c1), ` ratio to floor ${(floorSec / sec).toFixed(2)}`);
  console.log(
    `unsupported: ${res.unsupported?.join('; ') || 'none'}; frames ${res.frames}, ${res.durationSec.toFixed(3)} s`,
  );
}
if (!process.env.BEATFRAME_BENCH_KEEP) await rm(join(dir, 'floor.mp4'), { force: true });
