import type { AudioAnalysis, Section } from '@beatframe/core';
import type { DecodedAudio } from './decode.js';
import { mean, median, smooth } from './stats.js';

/** Onset strength: half-wave rectified rise of log energy (broadband and pre-emphasised), per hop. */
export function onsetEnvelope(audio: DecodedAudio, hopSec: number): Float32Array {
  const hop = Math.max(1, Math.round(hopSec * audio.sampleRate));
  const x = audio.samples;
  const frames = Math.floor(x.length / hop);
  const env = new Float32Array(frames);
  let prevLow = 0;
  let prevHigh = 0;
  for (let f = 0; f < frames; f++) {
    let e = 0;
    let eh = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) {
      const s = x[i]!;
      const d = s - 0.97 * (i > 0 ? x[i - 1]! : 0);
      e += s * s;
      eh += d * d;
    }
    const low = Math.log(1e-6 + e / hop);
    const high = Math.log(1e-6 + eh / hop);
    env[f] = f === 0 ? 0 : Math.max(0, low - prevLow) + Math.max(0, high - prevHigh);
    prevLow = low;
    prevHigh = high;
  }
  return env;
}

/** Loudness per hop normalised 0…1 between the 5th and 95th percentile of the song's dB. */
export function energyCurve(audio: DecodedAudio, hopSec: number): number[] {
  const hop = Math.max(1, Math.round(hopSec * audio.sampleRate));
  const frames = Math.max(1, Math.floor(audio.samples.length / hop));
  const db: number[] = [];
  for (let f = 0; f < frames; f++) {
    let e = 0;
    const end = Math.min(audio.samples.length, (f + 1) * hop);
    for (let i = f * hop; i < end; i++) e += audio.samples[i]! ** 2;
    db.push(10 * Math.log10(1e-10 + e / Math.max(1, end - f * hop)));
  }
  const sorted = [...db].sort((a, b) => a - b);
  const lo = Math.max(sorted[Math.floor(0.05 * (sorted.length - 1))]!, sorted[sorted.length - 1]! - 60);
  const hi = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
  const range = Math.max(6, hi - lo);
  return db.map((v) => Math.max(0, Math.min(1, (v - lo) / range)));
}

/**
 * FALLBACK analysis, used only when neither @beatframe/audio nor a caller-given analysis is available:
 * onset envelope → tempo by autocorrelation (60–200 BPM, weighted towards 120) → one fixed beat grid at the
 * best phase; sections by splitting the smoothed energy at the median. Good enough for steady tempo
 * music and click tracks, not a substitute for a real beat tracker.
 */
export function fallbackAnalysis(audio: DecodedAudio): AudioAnalysis {
  const hopSec = 0.01;
  const raw = onsetEnvelope(audio, hopSec);
  // A light blur, so a grid point between two hops still collects its onset.
  const env = Float32Array.from(raw, (v, i) => 0.5 * v + 0.25 * (raw[i - 1] ?? v) + 0.25 * (raw[i + 1] ?? v));
  const m = mean(env);
  const centered = Float64Array.from(env, (v) => v - m);
  const minLag = Math.round(60 / 200 / hopSec);
  const maxLag = Math.round(60 / 60 / hopSec);
  let bestLag = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let s = 0;
    for (let i = 0; i + lag < centered.length; i++) s += centered[i]! * centered[i + lag]!;
    ac[lag] = s / Math.max(1, centered.length - lag);
  }
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = 60 / (lag * hopSec);
    const weight = Math.exp(-0.5 * (Math.log2(bpm / 120) / 0.9) ** 2);
    const score = ac[lag]! * weight;
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  // Parabolic refinement of the period.
  const y0 = ac[bestLag - 1]!;
  const y1 = ac[bestLag]!;
  const y2 = ac[bestLag + 1]!;
  const denom = y0 - 2 * y1 + y2;
  const period = bestLag + (denom !== 0 ? (0.5 * (y0 - y2)) / denom : 0);
  const periodSec = period * hopSec;
  const acZero = mean(Array.from(centered, (v) => v * v));
  const confidence = acZero > 0 ? Math.max(0, Math.min(1, y1 / acZero)) : 0;

  // Phase: the offset whose grid collects the most onset strength (linear interpolation between hops).
  const at = (t: number) => {
    const x = t / hopSec;
    const i = Math.floor(x);
    if (i < 0 || i + 1 >= env.length) return 0;
    return env[i]! * (1 - (x - i)) + env[i + 1]! * (x - i);
  };
  let bestPhase = 0;
  let bestSum = -1;
  for (let ph = 0; ph < periodSec; ph += hopSec / 2) {
    let s = 0;
    for (let t = ph; t < audio.durationSec; t += periodSec) s += at(t);
    if (s > bestSum) {
      bestSum = s;
      bestPhase = ph;
    }
  }
  const silent = m < 1e-4;
  // Refine phase and period together: fit a line through the onset peaks found near each grid point
  // (a small tempo error would otherwise drift by tens of ms over a song).
  let phase = bestPhase;
  let per = periodSec;
  if (!silent) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; phase + k * per < audio.durationSec; k++) {
      const c = Math.round((phase + k * per) / hopSec);
      let best = -1;
      for (let i = Math.max(0, c - 3); i <= Math.min(raw.length - 1, c + 3); i++)
        if (best < 0 || raw[i]! > raw[best]!) best = i;
      if (best >= 0 && raw[best]! > 2 * m) {
        xs.push(k);
        ys.push(best * hopSec);
      }
    }
    if (xs.length >= 4) {
      const mx = mean(xs);
      const my = mean(ys);
      let sxy = 0;
      let sxx = 0;
      for (let i = 0; i < xs.length; i++) {
        sxy += (xs[i]! - mx) * (ys[i]! - my);
        sxx += (xs[i]! - mx) ** 2;
      }
      const slope = sxx > 0 ? sxy / sxx : per;
      if (Math.abs(slope - per) < 0.02 * per) {
        per = slope;
        phase = my - slope * mx;
      }
    }
    while (phase - per >= -0.5 * hopSec) phase -= per;
    while (phase < -0.5 * hopSec) phase += per;
  }
  const beats: number[] = [];
  if (!silent)
    for (let k = 0; phase + k * per < audio.durationSec; k++)
      beats.push(round4(Math.max(0, phase + k * per)));
  let bestBar = 0;
  let bestBarSum = -1;
  for (let k = 0; k < 4; k++) {
    let s = 0;
    for (let b = k; b < beats.length; b += 4) s += at(beats[b]!);
    if (s > bestBarSum) {
      bestBarSum = s;
      bestBar = k;
    }
  }
  const downbeats = beats.filter((_, i) => i % 4 === bestBar);

  const energyHop = 0.05;
  const energy = energyCurve(audio, energyHop);
  return {
    version: 1,
    durationSec: audio.durationSec,
    bpm: silent ? 0 : Math.round((60 / per) * 100) / 100,
    tempoConfidence: silent ? 0 : confidence,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats,
    downbeats,
    sections: fallbackSections(energy, energyHop, audio.durationSec),
    energy: { hopSec: energyHop, values: energy.map(round4) },
    onset: { hopSec, values: normalise(env).map(round4) },
  };
}

function fallbackSections(energy: number[], hopSec: number, durationSec: number): Section[] {
  const sm = smooth(energy, Math.round(1 / hopSec));
  const med = median(sm);
  const minLen = Math.round(4 / hopSec);
  // Runs of above / below the median, short runs merged into their predecessor.
  const runs: Array<{ start: number; end: number; high: boolean }> = [];
  for (let i = 0; i < sm.length; i++) {
    const high = sm[i]! > med + 0.02;
    const last = runs[runs.length - 1];
    if (last && last.high === high) last.end = i + 1;
    else runs.push({ start: i, end: i + 1, high });
  }
  const merged: typeof runs = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && (r.end - r.start < minLen || last.high === r.high)) last.end = r.end;
    else merged.push({ ...r });
  }
  if (merged.length > 1 && merged[0]!.end - merged[0]!.start < minLen) {
    merged[1]!.start = 0;
    merged.shift();
  }
  return merged.map((r) => ({
    start: round4(r.start * hopSec),
    end: round4(Math.min(durationSec, r.end * hopSec)),
    label: r.high ? ('chorus' as const) : ('verse' as const),
    energy: round4(mean(energy.slice(r.start, r.end))),
  }));
}

export interface AudioAlignment {
  /** Seconds the video's audio lags the song (positive: the video's sound comes late). */
  offsetSec: number;
  /** Normalised correlation of the raw waveforms at that offset, 0…1: low means the audio is not this song. */
  confidence: number;
}

/**
 * Offset between the song and the video's audio. Onset envelopes (5 ms hops) are cross-correlated within
 * ±maxOffsetSec to find candidate lags; music repeats itself every beat, so the candidates are then told
 * apart, and refined to the sample, by correlating the raw waveforms over a few loud windows.
 */
export function alignAudio(song: DecodedAudio, video: DecodedAudio, maxOffsetSec = 2): AudioAlignment {
  const hopSec = 0.005;
  const a = normalise(onsetEnvelope(song, hopSec));
  const b = normalise(onsetEnvelope(video, hopSec));
  const ma = mean(a);
  const mb = mean(b);
  const A = Float64Array.from(a, (v) => v - ma);
  const B = Float64Array.from(b, (v) => v - mb);
  let ea = 0;
  let eb = 0;
  for (const x of A) ea += x * x;
  for (const y of B) eb += y * y;
  const maxLag = Math.round(maxOffsetSec / hopSec);
  const corr = new Float64Array(2 * maxLag + 1);
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let s = 0;
    const lo = Math.max(0, -lag);
    const hi = Math.min(A.length, B.length - lag);
    for (let k = lo; k < hi; k++) s += A[k]! * B[k + lag]!;
    // Biased (divided by the full energies): among equally good lags, the smaller one wins.
    corr[lag + maxLag] = ea > 0 && eb > 0 ? s / Math.sqrt(ea * eb) : 0;
  }
  const peaks: number[] = [];
  for (let i = 0; i < corr.length; i++) {
    const c = corr[i]!;
    if ((i === 0 || c >= corr[i - 1]!) && (i === corr.length - 1 || c > corr[i + 1]!)) peaks.push(i);
  }
  peaks.sort((x, y) => corr[y]! - corr[x]!);
  const candidates = peaks.slice(0, 6).map((i) => (i - maxLag) * hopSec);
  if (!candidates.length) candidates.push(0);

  const sr = song.sampleRate;
  const windows = loudWindows(song.samples, sr, 2, 3);
  const search = Math.round(0.008 * sr);
  const local = candidates.map((cand) => {
    const centre = Math.round(cand * sr);
    let top = { lag: centre, r: Number.NEGATIVE_INFINITY };
    for (let d = -search; d <= search; d++) {
      const r = pcmCorrelation(song.samples, video.samples, windows, centre + d);
      if (r > top.r) top = { lag: centre + d, r };
    }
    return top;
  });
  const bestR = Math.max(...local.map((l) => l.r));
  // Repetitive music can match nearly as well a bar away: among near-equals, the smallest shift wins.
  const best = local
    .filter((l) => l.r >= bestR - 0.005)
    .sort((x, y) => Math.abs(x.lag) - Math.abs(y.lag))[0]!;
  // Sub-sample refinement.
  const y0 = pcmCorrelation(song.samples, video.samples, windows, best.lag - 1);
  const y2 = pcmCorrelation(song.samples, video.samples, windows, best.lag + 1);
  const denom = y0 - 2 * best.r + y2;
  const frac = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / denom)) : 0;
  return { offsetSec: round4((best.lag + frac) / sr), confidence: Math.max(0, Math.min(1, best.r)) };
}

/** Start samples of the `count` loudest windows of `sec` seconds (one per stretch of the song). */
function loudWindows(x: Float32Array, sr: number, sec: number, count: number): Array<[number, number]> {
  const len = Math.min(x.length, Math.round(sec * sr));
  const stretches = count;
  const out: Array<[number, number]> = [];
  const stretch = Math.floor(x.length / stretches);
  for (let s = 0; s < stretches; s++) {
    let bestStart = s * stretch;
    let bestE = -1;
    for (
      let start = s * stretch;
      start + len <= Math.min(x.length, (s + 1) * stretch);
      start += Math.max(1, len >> 1)
    ) {
      let e = 0;
      for (let i = start; i < start + len; i += 4) e += x[i]! * x[i]!;
      if (e > bestE) {
        bestE = e;
        bestStart = start;
      }
    }
    out.push([bestStart, Math.min(x.length, bestStart + len)]);
  }
  return out;
}

/** Normalised correlation of song[k] with video[k + lag] over the windows. */
function pcmCorrelation(
  song: Float32Array,
  video: Float32Array,
  windows: Array<[number, number]>,
  lag: number,
): number {
  let s = 0;
  let ea = 0;
  let eb = 0;
  for (const [from, to] of windows) {
    const lo = Math.max(from, -lag);
    const hi = Math.min(to, video.length - lag);
    for (let k = lo; k < hi; k++) {
      const x = song[k]!;
      const y = video[k + lag]!;
      s += x * y;
      ea += x * x;
      eb += y * y;
    }
  }
  return ea > 0 && eb > 0 ? s / Math.sqrt(ea * eb) : 0;
}

function normalise(xs: ArrayLike<number>): number[] {
  let mx = 0;
  for (let i = 0; i < xs.length; i++) mx = Math.max(mx, xs[i]!);
  return Array.from(xs, (v) => (mx > 0 ? v / mx : 0));
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
