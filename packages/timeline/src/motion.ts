import { runFfmpeg } from '@beatframe/media';

/** Motion of a clip over time: mean absolute luma change between consecutive frames, 0…255, per sample. */
export interface MotionProfile {
  /** Seconds from the start of the clip of each sample. */
  times: number[];
  values: number[];
}

const cache = new Map<string, Promise<MotionProfile>>();

/**
 * Measures how much a clip moves, cheaply: every frame scaled to 64 px wide and grey, differenced with the
 * previous frame (tblend), and the mean of the difference read from signalstats. Every frame, so visual
 * accents (flashes, hits) are placed to the frame for beat alignment; decoding costs the same either way.
 * Cached per path for the life of the process.
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
      'scale=64:-2,format=gray,tblend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-',
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

export interface LiveliestOptions {
  /** Windows already used, by their start (seconds); penalised so repeats of a clip vary. */
  avoid?: number[];
  /**
   * Beat times inside the window, seconds from its start. When given, starts whose visual accents (sudden
   * rises in motion: flashes, hits, pulses) fall on these beats are preferred, so the picture hits with the music.
   */
  beats?: number[];
}

/** How much a start that puts the clip's accents on the beats is favoured over equally lively ones. */
const BEAT_WEIGHT = 0.3;

/**
 * Start (seconds) of the window of `windowSec` with the most motion, among starts that leave the whole
 * window inside the clip, optionally favouring starts whose visual accents land on the beats.
 */
export function liveliestStart(
  profile: MotionProfile,
  clipDurationSec: number,
  windowSec: number,
  { avoid = [], beats = [] }: LiveliestOptions = {},
): number {
  const latest = clipDurationSec - windowSec;
  const { times, values } = profile;
  const n = values.length;
  if (latest <= 0 || n === 0) return 0;
  // Prefix sums: the mean motion of any window in O(log n).
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  // Accents: how much the motion rises over the frame before.
  const accent = values.map((v, i) => Math.max(0, v - (values[i - 1] ?? v)));
  const accentPrefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) accentPrefix[i + 1] = accentPrefix[i]! + accent[i]!;
  const firstAt = (t: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t - 1e-9) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The accent on the frame showing at time t; one a frame away counts half (beats fall between frames).
  const accentNear = (t: number) => {
    let i = firstAt(t);
    if (i > 0 && (i >= n || Math.abs(times[i - 1]! - t) < Math.abs(times[i]! - t))) i--;
    return Math.max(accent[i] ?? 0, 0.5 * (accent[i - 1] ?? 0), 0.5 * (accent[i + 1] ?? 0));
  };
  // Candidates: every sample time (frame-exact when measured per frame), and 0.
  const candidates = [0, ...times.filter((t) => t > 0 && t <= latest + 1e-9)];
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const s of candidates) {
    const a = firstAt(s);
    const b = firstAt(s + windowSec);
    let score = b > a ? (prefix[b]! - prefix[a]!) / (b - a) : 0;
    if (beats.length && b > a) {
      // Accent on the beats against the window's average accent (≈ 1 when they are unrelated).
      const meanAccent = (accentPrefix[b]! - accentPrefix[a]!) / (b - a);
      if (meanAccent > 1e-6) {
        const onBeats = beats.reduce((sum, o) => sum + accentNear(s + o), 0) / beats.length;
        score *= 1 + BEAT_WEIGHT * Math.tanh((onBeats / meanAccent - 1) / 2);
      }
    }
    for (const used of avoid) {
      const overlap = Math.max(0, Math.min(used + windowSec, s + windowSec) - Math.max(used, s)) / windowSec;
      score -= overlap * 1000;
    }
    if (score > bestScore + 1e-9) {
      bestScore = score;
      best = s;
    }
  }
  return Math.round(best * 1000) / 1000;
}
