import { runFfmpeg } from '@beatframe/media';

/** Motion of a clip over time: mean absolute luma change between consecutive frames, 0…255, per sample. */
export interface MotionProfile {
  /** Seconds from the start of the clip of each sample. */
  times: number[];
  values: number[];
}

const cache = new Map<string, Promise<MotionProfile>>();

/**
 * Measures how much a clip moves, cheaply: frames scaled to 64 px wide and grey, differenced with the
 * previous frame (tblend), and the mean of the difference read from signalstats. About 10× faster than
 * real time; cached per path for the life of the process.
 */
export function analyzeMotion(path: string, opts: { signal?: AbortSignal } = {}): Promise<MotionProfile> {
  let hit = cache.get(path);
  if (!hit) {
    hit = measure(path, opts.signal);
    cache.set(path, hit);
    hit.catch(() => cache.delete(path));
  }
  return hit;
}

async function measure(path: string, signal?: AbortSignal): Promise<MotionProfile> {
  const { stdout } = await runFfmpeg(
    [
      '-i',
      path,
      '-an',
      '-vf',
      'fps=10,scale=64:-2,format=gray,tblend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-',
      '-f',
      'null',
      '-',
    ],
    signal ? { signal } : {},
  );
  const times: number[] = [];
  const values: number[] = [];
  let t = 0;
  for (const line of stdout.toString().split('\n')) {
    const pts = /pts_time:([\d.]+)/.exec(line);
    if (pts) t = Number(pts[1]);
    const v = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(line);
    if (v) {
      times.push(t);
      values.push(Number(v[1]));
    }
  }
  return { times, values };
}

/**
 * Start (seconds) of the window of `windowSec` with the most motion, among starts that leave the whole
 * window inside the clip. `avoid` lists windows already used, which are penalised so repeats vary.
 */
export function liveliestStart(
  profile: MotionProfile,
  clipDurationSec: number,
  windowSec: number,
  avoid: number[] = [],
): number {
  const latest = clipDurationSec - windowSec;
  if (latest <= 0 || profile.values.length === 0) return 0;
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  // Candidate starts every 0.25 s.
  for (let s = 0; s <= latest + 1e-9; s += 0.25) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < profile.times.length; i++) {
      const t = profile.times[i]!;
      if (t >= s && t < s + windowSec) {
        sum += profile.values[i]!;
        n++;
      }
    }
    let score = n ? sum / n : 0;
    for (const a of avoid) {
      const overlap = Math.max(0, Math.min(a + windowSec, s + windowSec) - Math.max(a, s)) / windowSec;
      score -= overlap * 1000;
    }
    if (score > bestScore + 1e-9) {
      bestScore = score;
      best = s;
    }
  }
  return Math.round(best * 1000) / 1000;
}
