/**
 * Cuts on beats. A cut is "on the beat" when it lies within ±`windowSec` of a beat. The default window is
 * max(50 ms, one frame): a renderer that cuts on a beat puts the first new frame within half a frame of
 * it, and 50 ms is about where a cut stops feeling on the beat.
 */
export function onBeatWindow(fps: number, windowSec?: number): number {
  return windowSec ?? Math.max(0.05, 1 / fps);
}

/** Signed distance from t to the nearest beat (t − beat); beats sorted. */
export function nearestBeatDelta(beats: number[], t: number): number | undefined {
  if (!beats.length) return undefined;
  let lo = 0;
  let hi = beats.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  let best = t - beats[lo]!;
  if (lo > 0 && Math.abs(t - beats[lo - 1]!) < Math.abs(best)) best = t - beats[lo - 1]!;
  return best;
}

/** Share of cut times within ±window of a beat. */
export function onBeatShare(cutTimes: number[], beats: number[], windowSec: number): number {
  if (!cutTimes.length) return 0;
  const hits = cutTimes.filter(
    (t) => Math.abs(nearestBeatDelta(beats, t) ?? Number.POSITIVE_INFINITY) <= windowSec,
  );
  return hits.length / cutTimes.length;
}

/**
 * The share a cut placed uniformly at random in [from, to] would land on a beat: the covered fraction of
 * that span by the union of the beat windows. Exact for uniform cuts, so it is the reference for "chance".
 */
export function onBeatChance(beats: number[], windowSec: number, from: number, to: number): number {
  if (to <= from || !beats.length) return 0;
  let covered = 0;
  let end = from;
  for (const b of [...beats].sort((x, y) => x - y)) {
    const lo = Math.max(end, b - windowSec, from);
    const hi = Math.min(b + windowSec, to);
    if (hi > lo) covered += hi - lo;
    end = Math.max(end, hi);
  }
  return Math.min(1, covered / (to - from));
}

/** How far above chance the cuts are, 0 (chance or worse) … 1 (all on beats). */
export function beatSyncScore(share: number, chance: number): number {
  if (chance >= 1) return 1;
  return Math.max(0, Math.min(1, (share - chance) / (1 - chance)));
}
