import { runFfmpeg } from '@beatframe/media';

/** Picture sources made by ffmpeg's lavfi, distinct enough that a change between them is a cut. */
export const W = 160;
export const H = 90;

export function calmSource(i: number, fps: number): string {
  const pairs = [
    ['0x0a1838', '0x1c2c58'],
    ['0x082828', '0x184040'],
    ['0x1a0c30', '0x2c1c48'],
    ['0x101c30', '0x243048'],
  ];
  const [c0, c1] = pairs[i % pairs.length]!;
  return `gradients=s=${W}x${H}:r=${fps}:c0=${c0}:c1=${c1}:speed=0.03:seed=${i + 1},format=yuv420p,noise=alls=5:allf=t`;
}

export function energeticSource(i: number, fps: number): string {
  const pairs = [
    ['0xff3000', '0xffd000'],
    ['0xff0060', '0xffa000'],
    ['0xff6000', '0xfff040'],
    ['0xe00000', '0xff8000'],
  ];
  const [c0, c1] = pairs[i % pairs.length]!;
  return `gradients=s=${W}x${H}:r=${fps}:c0=${c0}:c1=${c1}:speed=0.12:seed=${i + 7},format=yuv420p,noise=alls=40:allf=t`;
}

/** Varied moving sources for cut detection. */
export function variedSource(i: number, fps: number): string {
  const all = [
    `testsrc2=s=${W}x${H}:r=${fps}`,
    `gradients=s=${W}x${H}:r=${fps}:c0=0x2040ff:c1=0xffffff:speed=0.03:seed=3`,
    `cellauto=s=${W}x${H}:r=${fps}:rule=30:random_seed=4`,
    `gradients=s=${W}x${H}:r=${fps}:c0=0xff2020:c1=0x202020:speed=0.05:seed=5`,
    `life=s=${W}x${H}:r=${fps}:mold=8:life_color=0x00ff80:death_color=0x400040:ratio=0.3:seed=2`,
    `gradients=s=${W}x${H}:r=${fps}:c0=0x20ff20:c1=0xffff00:speed=0.04:seed=9`,
  ];
  return all[i % all.length]!;
}

export interface Segment {
  source: string;
  frames: number;
}

export interface SongSection {
  start: number;
  end: number;
  loud: boolean;
}

/**
 * A click-track song: a click on every beat (accented on downbeats) over a pad, quiet or loud per section
 * (loud sections add noise bursts on the beats), mono 22.05 kHz WAV.
 */
export async function makeSong(
  path: string,
  opts: { durationSec: number; bpm: number; sections?: SongSection[]; firstBeatSec?: number; padHz?: number },
): Promise<void> {
  const period = 60 / opts.bpm;
  const first = opts.firstBeatSec ?? 0;
  const sections = opts.sections ?? [{ start: 0, end: opts.durationSec, loud: true }];
  let amp = '0.15';
  for (const s of [...sections].reverse())
    amp = `if(between(t,${s.start},${s.end}),${s.loud ? 1 : 0.15},${amp})`;
  const phase = `mod(t-${first}+${period},${period})`;
  const click = `sin(2*PI*1200*t)*exp(-60*${phase})`;
  // The pad wavers slowly, so the waveform never repeats exactly (as in real music, unlike a pure loop).
  const pad = `0.25*sin(2*PI*${opts.padHz ?? 110}*t+4*sin(2*PI*0.37*t))`;
  const burst = `(random(0)-0.5)*exp(-25*${phase})`;
  const expr = `0.9*(${amp})*(0.6*${click}+0.4*${burst}+${pad})`;
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=exprs='${expr}':s=22050:d=${opts.durationSec}`,
    '-c:a',
    'pcm_s16le',
    path,
  ]);
}

/**
 * Concatenates lavfi segments into an H.264 MP4 (yuv420p), optionally with the song as its audio, delayed
 * or trimmed to test the audio checks.
 */
export async function makeVideo(
  path: string,
  segments: Segment[],
  opts: { fps: number; songPath?: string; audioDelaySec?: number; audioTrimSec?: number } = { fps: 30 },
): Promise<void> {
  const args: string[] = [];
  for (const s of segments)
    args.push(
      '-f',
      'lavfi',
      '-i',
      `${s.source},format=yuv420p,trim=end_frame=${s.frames},setpts=PTS-STARTPTS`,
    );
  const total = segments.reduce((a, s) => a + s.frames, 0) / opts.fps;
  let filter = `${segments.map((_, i) => `[${i}:v]`).join('')}concat=n=${segments.length}:v=1:a=0[v]`;
  const maps = ['-map', '[v]'];
  if (opts.songPath) {
    args.push('-i', opts.songPath);
    const ai = segments.length;
    const delay = Math.round((opts.audioDelaySec ?? 0) * 1000);
    const chain = [
      delay > 0
        ? `adelay=${delay}:all=1`
        : delay < 0
          ? `atrim=start=${-delay / 1000},asetpts=PTS-STARTPTS`
          : 'anull',
      `atrim=end=${Math.max(0.1, total - (opts.audioTrimSec ?? 0))}`,
    ];
    filter += `;[${ai}:a]${chain.join(',')}[a]`;
    maps.push('-map', '[a]', '-c:a', 'aac', '-b:a', '96k');
  }
  await runFfmpeg([
    ...args,
    '-filter_complex',
    filter,
    ...maps,
    '-r',
    String(opts.fps),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
}
