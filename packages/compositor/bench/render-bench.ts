// The render benchmark: a 60-s, 720p/30 fps timeline of 12 clips (sections with transitions, beat effects,
// a title and word-timed captions) built by buildTimeline, rendered by each renderer, against the floor —
// a bare ffmpeg crossfade chain of the same clips. Prints frames/s, real-time factor and ratio to the floor.
//   pnpm --filter @beatframe/compositor bench
//   BEATFRAME_BENCH_SECONDS=20 BEATFRAME_BENCH_RENDERERS=floor,remotion pnpm --filter @beatframe/compositor bench
// BEATFRAME_BENCH_KEEP=1 keeps each render's work folder (the hybrid's ffmpeg-args.json, its overlays).
// Material is cached in $TMPDIR/beatframe-compositor-bench; Remotion's bundle and normalised clips are
// prepared (and timed) once before the renders, as a project's later renders find them cached.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger, loadConfig, type Renderer, silentLogger, type Timeline } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { buildTimeline } from '@beatframe/timeline';
import {
  makeTestSong,
  syntheticAnalysis,
  syntheticSong,
  syntheticStoryboard,
} from '@beatframe/timeline/testing';
import { openRemotionSession, planOverlays } from '../src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const seconds = Number(process.env.BEATFRAME_BENCH_SECONDS ?? 60);
const wanted = (
  process.env.BEATFRAME_BENCH_RENDERERS ?? 'floor,ffmpeg,remotion,remotion-again,remotion-browser,chunked'
).split(',');
const fps = 30;
const clipCount = 12;
const dir = join(tmpdir(), 'beatframe-compositor-bench');
const cacheDir = join(dir, 'cache');
await mkdir(dir, { recursive: true });

// Material: varied moving sources at a generator's usual 1280x720/24 fps, 6 s each; a 120-bpm song.
const sources = [
  'testsrc2=s=1280x720:r=24',
  'mandelbrot=s=1280x720:r=24:end_scale=0.01',
  'life=s=1280x720:r=24:mold=10:ratio=0.3:death_color=#204060:life_color=#e0c040',
  'cellauto=s=1280x720:r=24:rule=110',
  'gradients=s=1280x720:r=24:speed=0.05:n=5',
  'smptehdbars=s=1280x720:r=24,hue=H=2*PI*t/6',
];
const clipPaths: string[] = [];
for (let i = 0; i < clipCount; i++) {
  const p = join(dir, `clip${i}.mp4`);
  clipPaths.push(p);
  if (existsSync(p)) continue;
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `${sources[i % sources.length]},hue=h=${i * 30},format=yuv420p`,
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
const songPath = join(dir, `song${seconds}.wav`);
if (!existsSync(songPath)) await makeTestSong(songPath, seconds, 120);

const analysis = syntheticAnalysis(seconds, 120, 8);
const storyboard = syntheticStoryboard(analysis, clipCount);
const lines = [];
for (let t = 2; t + 2.5 <= seconds; t += 3.5) {
  const words = ['every', 'cut', 'on', 'the', 'beat'].map((w, k) => ({
    text: w,
    start: t + k * 0.45,
    end: t + (k + 1) * 0.45,
  }));
  lines.push({ text: words.map((w) => w.text).join(' '), start: t, end: t + 2.5, words });
}
const song = {
  ...syntheticSong(songPath, seconds, { timing: 'word' as const, lines }),
  title: 'Benchmark',
  artist: 'beatframe',
};
const clips = clipPaths.map((path, i) => ({
  shotId: storyboard.shots[i]!.id,
  path,
  durationSec: 6,
  width: 1280,
  height: 720,
  fps: 24,
  hasAudio: false,
  provider: 'bench',
  costUsd: 0,
}));
const timeline: Timeline = await buildTimeline(
  {
    song,
    analysis,
    storyboard,
    clips,
    options: { aspect: '16:9', resolution: '720p', fps, captions: true, titleCard: true },
  },
  { sectionCards: true },
);
const frames = timeline.durationFrames;
const transitions = timeline.items.filter((i) => i.transitionIn).map((i) => i.transitionIn!.kind);
const pulsed = timeline.items.filter((i) => i.effects.length).length;
console.log(
  `timeline: ${seconds}s ${timeline.width}x${timeline.height}@${fps}, ${timeline.items.length} shots from ${clipCount} clips, ` +
    `transitions ${transitions.join(' ')}, ${pulsed} shots with beat effects, ${timeline.captions.length} captions, ` +
    `${timeline.cards.length} cards; ${planOverlays(timeline).unique.length} distinct overlay frames`,
);

interface Row {
  name: string;
  ms: number;
  /** CPU seconds of this process and its finished children (ffmpeg, Chromium) during the render. */
  cpu: number;
  note?: string;
}

/** CPU seconds used so far by this process and its reaped children (load-independent, unlike wall time). */
function cpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 14-17 of stat (utime, stime, cutime, cstime), here offset by the two fields before ') '.
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}
const rows: Row[] = [];
const out = (name: string) => join(dir, `out-${name}.mp4`);

async function check(path: string): Promise<string> {
  const info = await probeMedia(path);
  const d = info.durationSec - seconds;
  return `${info.video?.codec} ${info.video?.pixFmt} ${info.audio?.codec ?? 'no audio'}, duration ${d >= 0 ? '+' : ''}${d.toFixed(3)}s`;
}

async function time(name: string, run: () => Promise<string | undefined>): Promise<void> {
  if (!wanted.includes(name)) return;
  process.stderr.write(`${name}…\n`);
  const t0 = performance.now();
  const c0 = cpuSeconds();
  try {
    const note = await run();
    rows.push({ name, ms: performance.now() - t0, cpu: cpuSeconds() - c0, ...(note ? { note } : {}) });
  } catch (err) {
    rows.push({
      name,
      ms: Number.NaN,
      cpu: Number.NaN,
      note: `failed: ${(err as Error).message.split('\n')[0]}`,
    });
  }
}

// The floor: the same clips, 5 s each, joined by 0.5-s crossfades, with the song, same encoder settings.
await time('floor', async () => {
  const n = Math.min(clipCount, Math.ceil(seconds / 5));
  const slot = seconds / n;
  const inputs = clipPaths.slice(0, n).flatMap((p) => ['-i', p]);
  const chains = clipPaths
    .slice(0, n)
    .map((_, i) => `[${i}:v]fps=${fps},trim=duration=${(slot + 0.5).toFixed(3)},setpts=PTS-STARTPTS[c${i}]`);
  let acc = 'c0';
  for (let i = 1; i < n; i++) {
    chains.push(`[${acc}][c${i}]xfade=transition=fade:duration=0.5:offset=${(i * slot).toFixed(3)}[x${i}]`);
    acc = `x${i}`;
  }
  await runFfmpeg([
    ...inputs,
    '-i',
    songPath,
    '-filter_complex',
    chains.join(';'),
    '-map',
    `[${acc}]`,
    '-map',
    `${n}:a`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-t',
    String(seconds),
    '-movflags',
    '+faststart',
    out('floor'),
  ]);
  return check(out('floor'));
});

const config = loadConfig();
const registry = (await import(pathToFileURL(join(root, 'packages/registry/src/index.ts')).href)) as {
  getRenderer(name: string, config: unknown): Renderer;
};
const withCache = { ...config, renderers: { remotion: { cacheDir }, chunked: { cacheDir } } };

if (wanted.some((w) => w.startsWith('remotion') || w === 'chunked')) {
  // Bundle the composition and normalise the clips once (what a project's first render pays).
  const t0 = performance.now();
  const session = await openRemotionSession(timeline, { cacheDir });
  await session.close();
  console.log(
    `prepare: bundle + clips normalised to 1280x720@30 in ${((performance.now() - t0) / 1000).toFixed(1)}s (cached afterwards)`,
  );
}

async function viaRegistry(
  name: string,
  rendererName: string,
  settings: Record<string, unknown> = {},
): Promise<void> {
  await time(name, async () => {
    const renderer = registry.getRenderer(rendererName, {
      ...withCache,
      renderers: {
        ...withCache.renderers,
        [rendererName]: { ...(withCache.renderers as Record<string, object>)[rendererName], ...settings },
      },
    });
    const r = await renderer.render(timeline, out(name), {
      logger: process.env.BEATFRAME_BENCH_VERBOSE ? createLogger({ level: 'debug' }) : silentLogger(),
      workDir: join(dir, `work-${name}`),
    });
    if (!process.env.BEATFRAME_BENCH_KEEP)
      await rm(join(dir, `work-${name}`), { recursive: true, force: true });
    return `${await check(out(name))}${r.unsupported?.length ? `; unsupported: ${r.unsupported.join(', ')}` : ''}`;
  });
}

await viaRegistry('ffmpeg', 'ffmpeg', process.env.BEATFRAME_BENCH_KEEP ? { keepWorkDir: true } : {});
// A first render draws every overlay: the overlay cache of earlier bench runs goes first. The second
// round (the same text, as after a re-edit) finds them drawn.
for (const f of wanted.includes('remotion') && existsSync(cacheDir) ? await readdir(cacheDir) : [])
  if (f.endsWith('-overlays')) await rm(join(cacheDir, f), { recursive: true, force: true });
await viaRegistry('remotion', 'remotion', { mode: 'hybrid' });
await viaRegistry('remotion-again', 'remotion', { mode: 'hybrid' });
await viaRegistry('remotion-browser', 'remotion', { mode: 'browser' });
await viaRegistry('chunked', 'chunked');

const floor = rows.find((r) => r.name === 'floor')?.ms;
console.log(
  `\n${'renderer'.padEnd(18)}${'seconds'.padStart(9)}${'frames/s'.padStart(10)}${'× real time'.padStart(13)}${'÷ floor'.padStart(9)}${'CPU s'.padStart(8)}  output`,
);
for (const r of rows) {
  const s = r.ms / 1000;
  console.log(
    `${r.name.padEnd(18)}${s.toFixed(1).padStart(9)}${(frames / s).toFixed(1).padStart(10)}${(seconds / s).toFixed(2).padStart(13)}${(floor ? floor / r.ms : Number.NaN).toFixed(2).padStart(9)}${r.cpu.toFixed(1).padStart(8)}  ${r.note ?? ''}`,
  );
}
console.log(
  `(load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; 2 cores shared)`,
);
// Leftover handles (a failed render's browser pages) must not keep the benchmark alive.
process.exit(0);
