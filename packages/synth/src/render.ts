/** Renders an arrangement to samples. Over 400 lines because it holds one small voice per instrument (kick, snare, clap, hat, bass, pad, pluck, lead) and the reverb and delay beside the mix that calls them; each is short. */
import { type Arrangement, arrangeSong, type NoteEvent, type SongTruth } from './arrange.js';
import { createRng } from './prng.js';
import type { SongSpec } from './spec.js';

export interface RenderedSong {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  truth: SongTruth;
}

export interface RenderOptions {
  sampleRate?: number;
}

/** Per-instrument mix: gain, pan (-1 left … 1 right), reverb and delay sends. */
const MIX = {
  kick: { gain: 0.6, pan: 0, reverb: 0.02, delay: 0 },
  snare: { gain: 0.42, pan: 0.05, reverb: 0.18, delay: 0 },
  clap: { gain: 0.3, pan: -0.1, reverb: 0.25, delay: 0 },
  hat: { gain: 0.24, pan: 0.35, reverb: 0.05, delay: 0 },
  openhat: { gain: 0.2, pan: 0.3, reverb: 0.1, delay: 0 },
  bass: { gain: 0.3, pan: 0, reverb: 0, delay: 0 },
  pad: { gain: 0.2, pan: 0, reverb: 0.45, delay: 0 },
  pluck: { gain: 0.13, pan: -0.3, reverb: 0.25, delay: 0.3 },
  lead: { gain: 0.2, pan: 0.1, reverb: 0.3, delay: 0.28 },
} as const;

const TAU = Math.PI * 2;

interface Bus {
  l: Float32Array;
  r: Float32Array;
  reverb: Float32Array;
  delay: Float32Array;
}

function mtof(m: number): number {
  return 440 * 2 ** ((m - 69) / 12);
}

function polyBlep(t: number, dt: number): number {
  if (t < dt) {
    const x = t / dt;
    return x + x - x * x - 1;
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt;
    return x * x + x + x + 1;
  }
  return 0;
}

/** Zavalishin's TPT state-variable filter: stable under fast cutoff changes, cheap. */
class Svf {
  private ic1 = 0;
  private ic2 = 0;
  private a1 = 0;
  private a2 = 0;
  private a3 = 0;
  private k = 1;
  low = 0;
  band = 0;
  high = 0;
  constructor(private readonly sr: number) {}
  set(cutoff: number, q: number): void {
    const g = Math.tan((Math.PI * Math.min(cutoff, this.sr * 0.45)) / this.sr);
    this.k = 1 / q;
    this.a1 = 1 / (1 + g * (g + this.k));
    this.a2 = g * this.a1;
    this.a3 = g * this.a2;
  }
  tick(v0: number): void {
    const v3 = v0 - this.ic2;
    const v1 = this.a1 * this.ic1 + this.a2 * v3;
    const v2 = this.ic2 + this.a2 * this.ic1 + this.a3 * v3;
    this.ic1 = 2 * v1 - this.ic1;
    this.ic2 = 2 * v2 - this.ic2;
    this.low = v2;
    this.band = v1;
    this.high = v0 - this.k * v1 - v2;
  }
}

/** Linear attack, linear decay to sustain, exponential-ish release after the note's end. */
function adsr(t: number, dur: number, a: number, d: number, s: number, r: number): number {
  const held = (x: number) => (x < a ? x / a : x < a + d ? 1 - ((1 - s) * (x - a)) / d : s);
  if (t < dur) return held(t);
  const rt = t - dur;
  return rt >= r ? 0 : held(dur) * (1 - rt / r) ** 2;
}

interface Ctx {
  sr: number;
  noise: Float32Array;
  bus: Bus;
  outL: number;
  outR: number;
}

/** Adds the samples `voice` produces at the event's start, panned and sent to the effect buses. */
function mixVoice(ctx: Ctx, e: NoteEvent, seconds: number, voice: (i: number, t: number) => number): void {
  mixStereo(ctx, e, seconds, (i, t) => {
    ctx.outL = ctx.outR = voice(i, t);
  });
}

/** Like mixVoice for voices with a stereo image: `voice` sets ctx.outL / ctx.outR (no allocation per sample). */
function mixStereo(ctx: Ctx, e: NoteEvent, seconds: number, voice: (i: number, t: number) => void): void {
  const { sr, bus } = ctx;
  const m = MIX[e.inst];
  const start = Math.round(e.anchor * sr) + Math.round((e.start - e.anchor) * sr);
  const n = Math.min(Math.ceil(seconds * sr), bus.l.length - start);
  const pan = (m.pan + 1) / 2;
  const g = m.gain * e.vel;
  const gl = Math.cos((pan * Math.PI) / 2) * Math.SQRT2 * g;
  const gr = Math.sin((pan * Math.PI) / 2) * Math.SQRT2 * g;
  const rev = 0.5 * g * m.reverb;
  const del = 0.5 * g * m.delay;
  for (let i = 0; i < n; i++) {
    voice(i, i / sr);
    const l = ctx.outL;
    const r = ctx.outR;
    const j = start + i;
    bus.l[j]! += l * gl;
    bus.r[j]! += r * gr;
    bus.reverb[j]! += (l + r) * rev;
    bus.delay[j]! += (l + r) * del;
  }
}

function kick(ctx: Ctx, e: NoteEvent): void {
  let phase = 0;
  mixVoice(ctx, e, 0.5, (i, t) => {
    const f = 48 + 120 * Math.exp(-t * 32);
    phase += f / ctx.sr;
    const body = Math.sin(TAU * phase) * Math.exp(-t * 6.5) * Math.min(1, t * 2000);
    // The beater's click: broadband, so onset detectors that weigh high frequencies hear the kick too.
    const click = i < 0.012 * ctx.sr ? ctx.noise[i]! * (1 - t / 0.012) ** 2 * 1.4 : 0;
    return Math.tanh(1.6 * body) + click;
  });
}

function snare(ctx: Ctx, e: NoteEvent, seed: number): void {
  const bp = new Svf(ctx.sr);
  bp.set(2800 + 1200 * e.bright, 0.8);
  const off = (seed * 7919) % (ctx.noise.length >> 1);
  mixVoice(ctx, e, 0.32, (i, t) => {
    const tone = (Math.sin(TAU * 185 * t) + 0.5 * Math.sin(TAU * 330 * t)) * Math.exp(-t * 28);
    bp.tick(ctx.noise[off + i]!);
    return 0.55 * tone + 1.4 * (bp.band + 0.3 * bp.high) * Math.exp(-t * 15);
  });
}

function clap(ctx: Ctx, e: NoteEvent): void {
  const bp = new Svf(ctx.sr);
  bp.set(1300, 1.2);
  const off = ctx.noise.length >> 2;
  mixVoice(ctx, e, 0.3, (i, t) => {
    bp.tick(ctx.noise[off + i]!);
    const bursts = t < 0.03 ? Math.exp(-((t % 0.01) * 180)) : Math.exp(-(t - 0.03) * 16);
    return 2.2 * bp.band * bursts;
  });
}

function hat(ctx: Ctx, e: NoteEvent, open: boolean, seed: number): void {
  const hp = new Svf(ctx.sr);
  hp.set(7500, 0.9);
  const decay = open ? 9 : 55;
  const off = ((seed % 4) * 2203) % (ctx.noise.length >> 1);
  mixVoice(ctx, e, open ? 0.4 : 0.09, (i, t) => {
    hp.tick(ctx.noise[off + i]!);
    return hp.high * Math.exp(-t * decay) * Math.min(1, t * 4000);
  });
}

function bass(ctx: Ctx, e: NoteEvent): void {
  const f = mtof(e.midi);
  const dt = f / ctx.sr;
  const lp = new Svf(ctx.sr);
  const dur = e.end - e.start;
  let ph = 0;
  let sub = 0;
  mixVoice(ctx, e, dur + 0.06, (i, t) => {
    if ((i & 15) === 0) lp.set(160 + (250 + 700 * e.bright) * Math.exp(-t * 9), 1.3);
    ph += dt;
    if (ph >= 1) ph -= 1;
    sub += dt;
    if (sub >= 1) sub -= 1;
    const saw = 2 * ph - 1 - polyBlep(ph, dt);
    lp.tick(saw);
    return (lp.low + 0.6 * Math.sin(TAU * sub)) * adsr(t, dur, 0.004, 0.15, 0.75, 0.05);
  });
}

function pad(ctx: Ctx, e: NoteEvent, ambient: boolean): void {
  const f = mtof(e.midi);
  const detune = 2 ** (7 / 1200);
  const dts = [(f * detune) / ctx.sr, f / detune / ctx.sr, (f * 1.0015) / ctx.sr];
  const ph = [0.13, 0.57, 0.31];
  const lpL = new Svf(ctx.sr);
  const lpR = new Svf(ctx.sr);
  const cutoff = 450 + 4200 * e.bright ** 2;
  lpL.set(cutoff, 0.7);
  lpR.set(cutoff, 0.7);
  const dur = e.end - e.start;
  const attack = ambient ? 1.2 : 0.35;
  const release = ambient ? 1.5 : 0.7;
  mixStereo(ctx, e, dur + release, (_i, t) => {
    ph[0]! += dts[0]!;
    if (ph[0]! >= 1) ph[0]! -= 1;
    ph[1]! += dts[1]!;
    if (ph[1]! >= 1) ph[1]! -= 1;
    ph[2]! += dts[2]!;
    if (ph[2]! >= 1) ph[2]! -= 1;
    const a = 2 * ph[0]! - 1 - polyBlep(ph[0]!, dts[0]!);
    const b = 2 * ph[1]! - 1 - polyBlep(ph[1]!, dts[1]!);
    const c = 2 * ph[2]! - 1 - polyBlep(ph[2]!, dts[2]!);
    const env = adsr(t, dur, attack, 0.6, 0.8, release);
    lpL.tick(a + 0.5 * c);
    lpR.tick(b + 0.5 * c);
    ctx.outL = lpL.low * env;
    ctx.outR = lpR.low * env;
  });
}

function pluck(ctx: Ctx, e: NoteEvent): void {
  const f = mtof(e.midi);
  const dt = f / ctx.sr;
  const lp = new Svf(ctx.sr);
  let ph = 0;
  let sq = 0.5;
  mixVoice(ctx, e, 0.35, (i, t) => {
    if ((i & 15) === 0) lp.set(300 + (1500 + 4000 * e.bright) * Math.exp(-t * 22), 1.6);
    ph += dt;
    if (ph >= 1) ph -= 1;
    sq += dt;
    if (sq >= 1) sq -= 1;
    const saw = 2 * ph - 1 - polyBlep(ph, dt);
    const saw2 = 2 * sq - 1 - polyBlep(sq, dt);
    lp.tick(saw - 0.5 * saw2);
    return lp.low * Math.exp(-t * 9) * Math.min(1, t * 1000);
  });
}

function lead(ctx: Ctx, e: NoteEvent): void {
  const f = mtof(e.midi);
  const lp = new Svf(ctx.sr);
  const dur = e.end - e.start;
  let ph = 0;
  let ph2 = 0.25;
  mixVoice(ctx, e, dur + 0.15, (i, t) => {
    const vib = 1 + 0.012 * Math.min(1, Math.max(0, (t - 0.18) * 4)) * Math.sin(TAU * 5.5 * t);
    const dt = (f * vib) / ctx.sr;
    if ((i & 15) === 0) lp.set(900 + (1200 + 2800 * e.bright) * (0.35 + 0.65 * Math.exp(-t * 5)), 1.1);
    ph += dt;
    if (ph >= 1) ph -= 1;
    ph2 += dt * 1.004;
    if (ph2 >= 1) ph2 -= 1;
    // A pulse (two offset saws) plus a slightly detuned saw: a warm, vocal-ish synth lead.
    const s1 = 2 * ph - 1 - polyBlep(ph, dt);
    const p2 = (ph + 0.5) % 1;
    const s2 = 2 * p2 - 1 - polyBlep(p2, dt);
    const s3 = 2 * ph2 - 1 - polyBlep(ph2, dt);
    lp.tick(0.6 * (s1 - s2) + 0.5 * s3);
    return lp.low * adsr(t, dur, 0.015, 0.25, 0.7, 0.12);
  });
}

/** Freeverb-style reverb (parallel combs, serial allpasses), mono in, stereo out. */
function applyReverb(input: Float32Array, l: Float32Array, r: Float32Array, sr: number): void {
  const scale = sr / 44100;
  const combs = [1116, 1188, 1277, 1356, 1422, 1491];
  const aps = [556, 441, 341];
  for (const [ch, out, spread] of [
    [0, l, 0],
    [1, r, 23],
  ] as const) {
    void ch;
    const acc = new Float32Array(input.length);
    for (const len0 of combs) {
      const len = Math.max(1, Math.round((len0 + spread) * scale));
      const buf = new Float32Array(len);
      let idx = 0;
      let store = 0;
      for (let i = 0; i < input.length; i++) {
        const y = buf[idx]!;
        store = y * 0.8 + store * 0.2;
        buf[idx] = input[i]! + store * 0.82;
        acc[i]! += y;
        if (++idx >= len) idx = 0;
      }
    }
    for (const len0 of aps) {
      const len = Math.max(1, Math.round((len0 + spread) * scale));
      const buf = new Float32Array(len);
      let idx = 0;
      for (let i = 0; i < acc.length; i++) {
        const b = buf[idx]!;
        const x = acc[i]!;
        buf[idx] = x + b * 0.5;
        acc[i] = b - x;
        if (++idx >= len) idx = 0;
      }
    }
    for (let i = 0; i < out.length; i++) out[i]! += acc[i]! * 0.045;
  }
}

/** Ping-pong delay of `seconds`, for the lead and arp. */
function applyDelay(
  input: Float32Array,
  l: Float32Array,
  r: Float32Array,
  sr: number,
  seconds: number,
): void {
  const len = Math.max(1, Math.round(seconds * sr));
  const bl = new Float32Array(len);
  const br = new Float32Array(len);
  let idx = 0;
  for (let i = 0; i < input.length; i++) {
    const yl = bl[idx]!;
    const yr = br[idx]!;
    bl[idx] = input[i]! + yr * 0.4;
    br[idx] = yl;
    l[i]! += yl * 0.5;
    r[i]! += yr * 0.5;
    if (++idx >= len) idx = 0;
  }
}

/** Renders the notes of an arrangement to stereo samples. */
export function renderArrangement(arr: Arrangement, sampleRate: number, ambient = false): RenderedSong {
  const { truth, events } = arr;
  const sr = sampleRate;
  const n = Math.max(1, Math.round(truth.durationSec * sr));
  const bus: Bus = {
    l: new Float32Array(n),
    r: new Float32Array(n),
    reverb: new Float32Array(n),
    delay: new Float32Array(n),
  };
  // One fixed noise table: a hit reads it from a fixed offset, so repeated bars are sample-identical.
  const rng = createRng(0xbeef);
  const noise = new Float32Array(sr * 2);
  for (let i = 0; i < noise.length; i++) noise[i] = rng() * 2 - 1;
  const ctx: Ctx = { sr, noise, bus, outL: 0, outR: 0 };
  let hatCount = 0;
  let snareCount = 0;
  let lastSection = -1;
  for (const e of events) {
    if (e.section !== lastSection) {
      hatCount = 0;
      snareCount = 0;
      lastSection = e.section;
    }
    switch (e.inst) {
      case 'kick':
        kick(ctx, e);
        break;
      case 'snare':
        snare(ctx, e, snareCount++ % 2);
        break;
      case 'clap':
        clap(ctx, e);
        break;
      case 'hat':
        hat(ctx, e, false, hatCount++);
        break;
      case 'openhat':
        hat(ctx, e, true, 1);
        break;
      case 'bass':
        bass(ctx, e);
        break;
      case 'pad':
        pad(ctx, e, ambient);
        break;
      case 'pluck':
        pluck(ctx, e);
        break;
      case 'lead':
        lead(ctx, e);
        break;
    }
  }
  const firstBeat = truth.tempoMap[0]!.bpm;
  applyReverb(bus.reverb, bus.l, bus.r, sr);
  applyDelay(bus.delay, bus.l, bus.r, sr, (60 / firstBeat) * 0.75);

  // An outro fades to silence; every song ends with a 10 ms ramp so there is no click.
  const last = truth.sections[truth.sections.length - 1]!;
  const fadeFrom = last.label === 'outro' ? Math.round(last.start * sr) : n - Math.round(0.01 * sr);
  for (let i = Math.max(0, fadeFrom); i < n; i++) {
    const g = ((n - i) / (n - fadeFrom)) ** (last.label === 'outro' ? 1.5 : 1);
    bus.l[i]! *= g;
    bus.r[i]! *= g;
  }
  // Normalise the loudest stretch, not the loudest transient, then round off the few peaks above the knee:
  // a limiter's job, so quiet sections are not buried under one kick.
  const norm = 0.2 / Math.max(1e-9, loudestRms(bus.l, bus.r, sr));
  for (let i = 0; i < n; i++) {
    bus.l[i] = softClip(bus.l[i]! * norm);
    bus.r[i] = softClip(bus.r[i]! * norm);
  }
  return { left: bus.l, right: bus.r, sampleRate: sr, truth };
}

/** RMS of the loudest 2-second window (both channels). */
function loudestRms(l: Float32Array, r: Float32Array, sr: number): number {
  const win = Math.min(l.length, 2 * sr);
  let best = 0;
  for (let a = 0; a + win <= l.length; a += sr >> 1) {
    let e = 0;
    for (let i = a; i < a + win; i++) e += l[i]! * l[i]! + r[i]! * r[i]!;
    best = Math.max(best, e / (2 * win));
  }
  return Math.sqrt(best);
}

/** Linear below 0.6, then a tanh knee that never reaches 1. */
function softClip(x: number): number {
  const a = Math.abs(x);
  if (a <= 0.6) return x;
  return Math.sign(x) * (0.6 + 0.39 * Math.tanh((a - 0.6) / 0.39));
}

/** Synthesizes `spec`. Deterministic: the same spec and sample rate give the same samples. */
export function renderSong(spec: SongSpec, opts: RenderOptions = {}): RenderedSong {
  const sampleRate = opts.sampleRate ?? 44100;
  return renderArrangement(arrangeSong(spec), sampleRate, spec.groove === 'ambient');
}
