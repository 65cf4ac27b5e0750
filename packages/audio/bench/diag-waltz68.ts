/**
 * Diagnostic (session 12, issue 14): can anything in the features tell a slow 6/8 or 12/8 read at its eighths
 * (grid at 3x the dotted beat) from a waltz read at its beat whose chords last 2 bars? Per class render
 * (train families only; CLASS, BENCH_ONLY) on the tracked grid, phased so that point 0 of each 3-group is
 * the one with most bass-band linear flux: hR / aR / gR / lR (high-band, full linear, full log, bass flux at
 * point 0 over points 1-2), snare6 (high band at point 3 of the 6-group over 1, 2, 4, 5), low6 (bass at 3
 * over 0), mid (flux at the midpoints over the points), hs3 (`harmonicHalfSpan`, 3-point windows), old (the
 * dropped rule of 49e2675 would fire), chg (chroma change entering each position), leg (RMS minimum between
 * points over RMS at points), sim (mel-band shape of consecutive onsets), cent (onset mel centroid per
 * position), sus (bass-band level late after points 1, 2 over after 0), acf (log flux at 1, 2, 3, 6, 12 points).
 * Result (3 December 2026): among the songs the dropped rule fires on (9 compound at x3, 14 two-bar-chord
 * waltzes at x1) every one of these overlaps: e.g. hR 0.97-2.65 against 0.10-5.83, aR 0.90-2.42 against
 * 0.54-4.85, lR 1.16-186 against 1.18-20.6, snare6 0.73-2.53 against 0.13-5.64; no rule was written.
 */
import { analyzeFeatures } from '@beatframe/audio';
import { harmonicHalfSpan } from '../dist/dsp/octave.js';
import { globalAcf } from '../dist/dsp/reading.js';
import { classSongs } from './classes.ts';
import { cachedFeatures } from './feature-cache.ts';
import { onsetFrames } from './train-songs.ts';

const songs = classSongs();
const peak = (env: Float32Array, c: number, r: number) => {
  let m = 0;
  for (let i = Math.max(0, c - r); i <= Math.min(env.length - 1, c + r); i++)
    m = Math.max(m, env[i] as number);
  return m;
};
const fx = (v: number) => v.toFixed(2);
const add = (a: number[] | Float64Array, k: number, v: number) => {
  a[k] = (a[k] ?? 0) + v;
};
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = analyzeFeatures(f, f.frames * f.hopSec);
  const ratio = a.bpm / s.bpm;
  const g = onsetFrames(a.beats, f.hopSec).map(Math.round);
  if (g.length < 24) continue;
  const per = (g[g.length - 1]! - g[0]!) / (g.length - 1);
  const r = Math.max(1, Math.round(per * 0.12));
  const pts = (env: Float32Array) => g.map((c) => peak(env, c, r));
  const mids = (env: Float32Array) => g.slice(1).map((c, i) => peak(env, Math.round((c + g[i]!) / 2), r));
  const low = pts(f.lowBeatOnset);
  const high = pts(f.highBeatOnset);
  const all = pts(f.beatOnset);
  const logAll = pts(f.onset);
  const prof = (x: number[], n: number) => {
    const s2 = new Array(n).fill(0);
    const c = new Array(n).fill(0);
    x.forEach((v, i) => {
      add(s2, i % n, v);
      add(c, i % n, 1);
    });
    return s2.map((v, k) => v / Math.max(1, c[k]));
  };
  const L3 = prof(low, 3);
  const p0 = L3.indexOf(Math.max(...L3));
  const rot = (p: number[], k: number) => p.map((_, i) => p[(i + k) % p.length]!);
  const l3 = rot(L3, p0);
  const h3 = rot(prof(high, 3), p0);
  const a3 = rot(prof(all, 3), p0);
  const g3 = rot(prof(logAll, 3), p0);
  const L6 = prof(low, 6);
  const q0 = L6.indexOf(Math.max(...L6));
  const h6 = rot(prof(high, 6), q0);
  const l6 = rot(L6, q0);
  const mean = (x: number[]) => x.reduce((u, v) => u + v, 0) / x.length;
  const midAll = mean(mids(f.beatOnset)) / mean(all);
  const hR = h3[0]! / ((h3[1]! + h3[2]!) / 2);
  const aR = a3[0]! / ((a3[1]! + a3[2]!) / 2);
  const gR = g3[0]! / ((g3[1]! + g3[2]!) / 2);
  const lR = l3[0]! / ((l3[1]! + l3[2]!) / 2);
  const sn = h6[3]! / ((h6[1]! + h6[2]! + h6[4]! + h6[5]!) / 4);
  const l6r = l6[3]! / l6[0]!;
  const hs3 = harmonicHalfSpan(g, f.chroma, f.chromaHopSec, f.hopSec, 3);
  const acf = globalAcf(f.onset, Math.ceil(6 / f.hopSec));
  const pk = (lag: number) => {
    const rr = Math.max(1, Math.round(lag * 0.02));
    let m = 0;
    for (let i = Math.round(lag) - rr; i <= Math.round(lag) + rr; i++)
      if (i > 0 && i < acf.length) m = Math.max(m, acf[i] as number);
    return m;
  };
  const old = hs3 < 0.15 && pk(3 * per) >= pk(2 * per) && pk(3 * per) >= pk(4 * per);
  // chroma per grid interval, change between consecutive intervals by position of the later one
  const cpf = f.hopSec / f.chromaHopSec;
  const vec = (a: number, b: number) => {
    const v = new Float64Array(12);
    const s0 = Math.floor(a * cpf),
      s1 = Math.max(s0 + 1, Math.floor(b * cpf));
    for (let t = s0; t < s1 && t < f.chromaFrames; t++)
      for (let k = 0; k < 12; k++) add(v, k, f.chroma[t * 12 + k] as number);
    return v;
  };
  const cos = (x: Float64Array, y: Float64Array) => {
    let d = 0,
      nx = 0,
      ny = 0;
    for (let k = 0; k < 12; k++) {
      d += x[k]! * y[k]!;
      nx += x[k]! ** 2;
      ny += y[k]! ** 2;
    }
    return nx > 0 && ny > 0 ? d / Math.sqrt(nx * ny) : 1;
  };
  const ch = [0, 0, 0],
    cc = [0, 0, 0];
  for (let i = 1; i + 1 < g.length; i++) {
    const k = (((i - p0) % 3) + 3) % 3;
    add(ch, k, 1 - cos(vec(g[i - 1]!, g[i]!), vec(g[i]!, g[i + 1]!)));
    add(cc, k, 1);
  }
  const chg = ch.map((v, k) => v / Math.max(1, cc[k]!));
  const rmsPts = mean(pts(f.rms));
  let rmin = 0;
  for (let i = 1; i < g.length; i++) {
    let m = Infinity;
    for (let t = g[i - 1]!; t < g[i]!; t++) m = Math.min(m, f.rms[t] as number);
    rmin += m;
  }
  const B = f.bands;
  const rise = (t: number) => {
    const v = new Float64Array(B);
    let best = t,
      bs = -1;
    for (let u = Math.max(2, t - r); u <= Math.min(f.frames - 1, t + r); u++) {
      const e = f.onset[u] as number;
      if (e > bs) {
        bs = e;
        best = u;
      }
    }
    for (let b = 0; b < B; b++)
      v[b] = Math.max(0, (f.logMel[best * B + b] as number) - (f.logMel[(best - 2) * B + b] as number));
    return v;
  };
  const cosB = (x: Float64Array, y: Float64Array) => {
    let d = 0,
      nx = 0,
      ny = 0;
    for (let k = 0; k < B; k++) {
      d += x[k]! * y[k]!;
      nx += x[k]! ** 2;
      ny += y[k]! ** 2;
    }
    return nx > 0 && ny > 0 ? d / Math.sqrt(nx * ny) : 0;
  };
  const rises = g.map((t) => rise(t));
  const sim = [0, 0, 0],
    sc = [0, 0, 0];
  const cent = [0, 0, 0];
  for (let i = 1; i < g.length; i++) {
    const k = (((i - p0) % 3) + 3) % 3;
    add(sim, k, cosB(rises[i - 1]!, rises[i]!));
    add(sc, k, 1);
    let w = 0,
      wb = 0;
    for (let b = 0; b < B; b++) {
      w += rises[i]![b]!;
      wb += b * rises[i]![b]!;
    }
    cent[k] = (cent[k] ?? 0) + (w > 0 ? wb / w : 0);
  }
  const simP = sim.map((v, k) => v / Math.max(1, sc[k]!));
  const centP = cent.map((v, k) => v / Math.max(1, sc[k]!));
  // low-band sustain after each position
  const sus = [0, 0, 0];
  for (let i = 0; i + 1 < g.length; i++) {
    const k = (((i - p0) % 3) + 3) % 3;
    let e = 0,
      n = 0;
    const a0 = g[i]!,
      a1 = g[i + 1]!;
    for (let t = Math.round(a0 + (a1 - a0) * 0.6); t < a1; t++) {
      for (let b = 0; b < 6; b++) e += f.logMel[t * B + b] as number;
      n++;
    }
    sus[k] = (sus[k] ?? 0) + (n ? e / n : 0);
  }
  const legato = rmin / (g.length - 1) / rmsPts;
  console.log(
    `${s.cls.padEnd(8)} ${s.name.padEnd(26)} ${String(s.bpm).padStart(3)} ours ${a.bpm.toFixed(0).padStart(4)} x${ratio.toFixed(2)} | hR ${fx(hR)} aR ${fx(aR)} gR ${fx(gR)} lR ${fx(lR)} snare6 ${fx(sn)} low6 ${fx(l6r)} mid ${fx(midAll)} hs3 ${fx(hs3)} old ${old ? 'Y' : '-'} chg ${chg.map((v) => v.toFixed(3)).join(' ')} leg ${fx(legato)} sim ${simP.map(fx).join(' ')} cent ${centP.map((v) => v.toFixed(1)).join(' ')} sus ${fx(sus[1]! / sus[0]!)} ${fx(sus[2]! / sus[0]!)} acf1,2,3,6,12 ${[1, 2, 3, 6, 12].map((m) => fx(pk(m * per))).join(' ')} | h3 ${h3.map(fx).join(' ')} h6 ${h6.map(fx).join(' ')}`,
  );
}
