/**
 * Tap tempo: the musician taps along to the song and the form gets the beat they tap. Kept free of the DOM so
 * the estimate is tested on its own.
 */

/** Taps needed before a tempo is offered: three intervals. */
export const MIN_TAPS = 4;
/** A pause longer than this starts a new series (slower than the slowest tempo a song may be given, 30 BPM). */
export const SERIES_GAP_MS = 2500;

export interface TapTempo {
  bpm: number;
  /** Taps the estimate rests on. */
  taps: number;
}

/**
 * The tempo of a series of taps (milliseconds, ascending). Each tap gets its beat number from the median
 * interval (a missed tap spans two beats, so one slip does not halve the tempo), then a least-squares line
 * through (beat number, time) gives the period: every tap counts, not only the first and the last.
 */
export function tapTempo(times: readonly number[]): TapTempo | undefined {
  if (times.length < MIN_TAPS) return undefined;
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  if (gaps.some((g) => !(g > 0))) return undefined;
  const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1] as number;
  const beat = [0];
  for (const g of gaps) beat.push((beat.at(-1) as number) + Math.max(1, Math.round(g / median)));
  const n = times.length;
  const mb = beat.reduce((s, b) => s + b, 0) / n;
  const mt = times.reduce((s, t) => s + t, 0) / n;
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const db = (beat[i] as number) - mb;
    cov += db * ((times[i] as number) - mt);
    varB += db * db;
  }
  const periodMs = cov / varB;
  if (!(periodMs > 0)) return undefined;
  // One decimal: 600000 / period is ten times the BPM.
  return { bpm: Math.round(600_000 / periodMs) / 10, taps: n };
}

/** Collects taps into series: a pause of SERIES_GAP_MS starts again. */
export function tapper(now: () => number = () => performance.now()) {
  let taps: number[] = [];
  return {
    tap(): TapTempo | undefined {
      const t = now();
      if (taps.length && t - (taps.at(-1) as number) > SERIES_GAP_MS) taps = [];
      taps.push(t);
      return tapTempo(taps);
    },
    get count() {
      return taps.length;
    },
  };
}
