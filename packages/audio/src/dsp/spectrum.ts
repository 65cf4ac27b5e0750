import { bandWeights } from './band-weights.js';
import { type RealFft, realFft } from './fft.js';

/** Frame-level features of one song, all on the onset hop grid unless named otherwise. */
export interface Features {
  sampleRate: number;
  /** Seconds between onset frames. */
  hopSec: number;
  frames: number;
  /** Onset strength (spectral flux of log mel bands), high-passed and rectified. */
  onset: Float32Array;
  /**
   * The same log flux with every band weighted alike: the steady-beat confidence is measured on it, since
   * the band weights favour whatever repeats (an echo over ambient pads) and would flatter it.
   */
  plainOnset: Float32Array;
  /** Onset strength of the bass bands only (kick drums, bass notes): downbeat evidence. */
  lowOnset: Float32Array;
  /**
   * Spectral flux of linear (not log-compressed) mel magnitudes, high-passed: loud attacks (kick,
   * snare, bass) dominate it and soft sustained notes barely count, which is what the beat tracker follows.
   */
  beatOnset: Float32Array;
  /** The same linear flux over the bass bands only: where the kick and the bass attack. */
  lowBeatOnset: Float32Array;
  /** The same over the bands above 3 kHz: snare and hi-hat attacks (octave evidence, dsp/octave.ts). */
  highBeatOnset: Float32Array;
  /** RMS per onset frame. */
  rms: Float32Array;
  /** Log mel band energies, `bands` values per frame. */
  logMel: Float32Array;
  bands: number;
  /** Pitch-class profile of the whole song for key finding. */
  keyChroma: number[];
  /** 12-bin chroma (C…B), every `chromaHopSec`, L1-normalised per frame. */
  chroma: Float32Array;
  chromaFrames: number;
  chromaHopSec: number;
}

const ONSET_FFT = 1024;
const ONSET_HOP = 256;
const CHROMA_FFT = 2048;
const CHROMA_HOP = 2048;
const MEL_BANDS = 40;
/** Samples kept for the frames still to come: ~6 s at 22.05 kHz, more than any pipe chunk. */
const WINDOW_SAMPLES = 1 << 17;

function hann(n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular mel filters as sparse rows: [firstBin, weights…] per band. */
function melFilters(nfft: number, sr: number, bands: number, fmin: number, fmax: number) {
  const bins = nfft / 2 + 1;
  const lo = hzToMel(fmin);
  const hi = hzToMel(Math.min(fmax, sr / 2));
  const edges = Array.from(
    { length: bands + 2 },
    (_, i) => (melToHz(lo + ((hi - lo) * i) / (bands + 1)) * nfft) / sr,
  );
  const rows: Array<{ start: number; w: Float32Array; low: boolean; high: boolean }> = [];
  for (let b = 0; b < bands; b++) {
    const l = edges[b] as number;
    const c = edges[b + 1] as number;
    const r = edges[b + 2] as number;
    const start = Math.max(0, Math.floor(l));
    const end = Math.min(bins - 1, Math.ceil(r));
    const w = new Float32Array(end - start + 1);
    for (let k = start; k <= end; k++) {
      const v = k <= c ? (k - l) / Math.max(1e-9, c - l) : (r - k) / Math.max(1e-9, r - c);
      w[k - start] = Math.max(0, v);
    }
    // A band narrower than a bin still gets its nearest bin.
    if (w.every((x) => x === 0)) w[Math.min(w.length - 1, Math.round(c) - start)] = 1;
    rows.push({ start, w, low: (c * sr) / nfft < 160, high: (c * sr) / nfft >= 3000 });
  }
  return rows;
}

/** Subtracts a centred moving average and keeps the positive part (removes slow loudness drift). */
function highPass(x: Float32Array, halfWidth: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - halfWidth);
    const b = Math.min(n, i + halfWidth + 1);
    const mean = ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
    out[i] = Math.max(0, (x[i] as number) - mean);
  }
  return out;
}

/**
 * Computes features while the audio is still arriving: frames are transformed as soon as their window
 * is complete, so the FFT work overlaps ffmpeg's decoding. Level normalisation (`gain`) is applied at
 * the end, on band energies, because the song's loudness is only known then.
 */
export class FeatureExtractor {
  readonly sampleRate: number;
  /** Recent samples only: `samples[0]` is sample number `base`; older ones no frame needs are dropped. */
  private samples: Float32Array;
  private base = 0;
  private length = 0;
  private sumSq = 0;
  private peak = 0;
  private onsetFrames = 0;
  private chromaFrames = 0;
  private mel: Float32Array;
  private energy: Float32Array;
  private chroma: Float32Array;
  /** Song-wide pitch-class profile for the key, with the 3rd harmonic of lower notes discounted. */
  private readonly keyChroma = new Float64Array(12);
  private readonly cmag = new Float64Array(CHROMA_FFT / 2 + 1);
  private readonly fft: RealFft = realFft(ONSET_FFT);
  private readonly win = hann(ONSET_FFT);
  private readonly mag = new Float64Array(ONSET_FFT / 2 + 1);
  private readonly filters: Array<{ start: number; w: Float32Array; low: boolean; high: boolean }>;
  /** The same filters flattened for the per-frame loop: band b weighs bins melStart…melEnd − 1 with
   * melWeight[melOffset[b] …]. */
  private readonly melStart = new Int32Array(MEL_BANDS);
  private readonly melEnd = new Int32Array(MEL_BANDS);
  private readonly melOffset = new Int32Array(MEL_BANDS);
  private readonly melWeight: Float32Array;
  private readonly cfft: RealFft = realFft(CHROMA_FFT);
  private readonly cwin = hann(CHROMA_FFT);
  private readonly kmin: number;
  private readonly kmax: number;
  private readonly pitchClass: Int8Array;

  // Sized for 10 s unless told: `reserve` sizes them once the header gives the duration (a 4-minute
  // default was allocated, then thrown away for every longer song).
  constructor(sampleRate: number, expectedSamples = sampleRate * 10) {
    this.sampleRate = sampleRate;
    this.samples = new Float32Array(WINDOW_SAMPLES);
    const expected = Math.max(ONSET_FFT, expectedSamples);
    this.mel = new Float32Array(Math.ceil(expected / ONSET_HOP + 1) * MEL_BANDS);
    this.energy = new Float32Array(Math.ceil(expected / ONSET_HOP + 1));
    this.chroma = new Float32Array(Math.ceil(expected / CHROMA_HOP + 1) * 12);
    this.filters = melFilters(ONSET_FFT, sampleRate, MEL_BANDS, 30, 11_000);
    this.melWeight = new Float32Array(this.filters.reduce((sum, f) => sum + f.w.length, 0));
    let offset = 0;
    this.filters.forEach((f, b) => {
      this.melStart[b] = f.start;
      this.melEnd[b] = f.start + f.w.length;
      this.melOffset[b] = offset;
      this.melWeight.set(f.w, offset);
      offset += f.w.length;
    });
    this.kmin = Math.ceil((100 * CHROMA_FFT) / sampleRate);
    this.kmax = Math.floor((4200 * CHROMA_FFT) / sampleRate);
    this.pitchClass = new Int8Array(this.kmax + 1);
    for (let k = this.kmin; k <= this.kmax; k++) {
      const midi = 69 + 12 * Math.log2((k * sampleRate) / CHROMA_FFT / 440);
      this.pitchClass[k] = ((Math.round(midi) % 12) + 12) % 12;
    }
  }

  get sampleCount(): number {
    return this.length;
  }

  /** Root mean square and peak of everything pushed so far. */
  level(): { rms: number; peak: number } {
    return { rms: Math.sqrt(this.sumSq / Math.max(1, this.length)), peak: this.peak };
  }

  push(chunk: Float32Array): void {
    if (this.length - this.base + chunk.length > this.samples.length) this.makeRoom(chunk.length);
    this.samples.set(chunk, this.length - this.base);
    this.length += chunk.length;
    let sumSq = 0;
    let peak = this.peak;
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i] as number;
      sumSq += v * v;
      if (v > peak) peak = v;
      else if (-v > peak) peak = -v;
    }
    this.sumSq += sumSq;
    this.peak = peak;
    this.process(false);
  }

  /** Sizes the feature arrays for a song of `samples` samples (they grow anyway if it is longer). */
  reserve(samples: number): void {
    this.ensure(Math.ceil(samples / ONSET_HOP + 1), Math.ceil(samples / CHROMA_HOP + 1), 1);
  }

  /** Drops samples before the first unfinished frame's window; grows the buffer if that is not enough. */
  private makeRoom(incoming: number): void {
    const needed = Math.min(
      this.onsetFrames * ONSET_HOP - ONSET_FFT / 2,
      this.chromaFrames * CHROMA_HOP - CHROMA_FFT / 2,
    );
    const keep = Math.max(this.base, Math.min(this.length, needed));
    const kept = this.length - keep;
    if (kept + incoming > this.samples.length) {
      const grown = new Float32Array(Math.max(this.samples.length * 2, kept + incoming));
      grown.set(this.samples.subarray(keep - this.base, this.length - this.base));
      this.samples = grown;
    } else this.samples.copyWithin(0, keep - this.base, this.length - this.base);
    this.base = keep;
  }

  private ensure(frames: number, chromaFrames: number, slack = 2) {
    if (frames * MEL_BANDS > this.mel.length) {
      const m = new Float32Array(frames * MEL_BANDS * slack);
      m.set(this.mel);
      this.mel = m;
      const e = new Float32Array(frames * slack);
      e.set(this.energy);
      this.energy = e;
    }
    if (chromaFrames * 12 > this.chroma.length) {
      const c = new Float32Array(chromaFrames * 12 * slack);
      c.set(this.chroma);
      this.chroma = c;
    }
  }

  /** Onset frames `from`…`to` − 1: frame energy and mel band magnitudes. */
  private onsetRange(from: number, to: number): void {
    const half = ONSET_FFT / 2;
    const n = this.length;
    const x = this.samples;
    const base = this.base;
    const { win, mag, melStart, melEnd, melWeight, melOffset } = this;
    const mel = this.mel;
    const energies = this.energy;
    for (let t = from; t < to; t++) {
      const frame = this.fft.input();
      // Frames are centred on t·hop, like librosa's center=True; `x[j - base]` is sample j.
      const origin = t * ONSET_HOP - half;
      let energy = 0;
      if (origin >= 0 && origin + ONSET_FFT <= n) {
        const o = origin - base;
        for (let i = 0; i < ONSET_FFT; i++) {
          const v = x[o + i] as number;
          frame[i] = v * (win[i] as number);
          energy += v * v;
        }
      } else {
        for (let i = 0; i < ONSET_FFT; i++) {
          const j = origin + i;
          const v = j >= 0 && j < n ? (x[j - base] as number) : 0;
          frame[i] = v * (win[i] as number);
          energy += v * v;
        }
      }
      energies[t] = energy / ONSET_FFT;
      const spec = this.fft.transform();
      mag[0] = Math.abs(spec[0] as number);
      mag[half] = Math.abs(spec[1] as number);
      for (let k = 1; k < half; k++) {
        const re = spec[2 * k] as number;
        const im = spec[2 * k + 1] as number;
        mag[k] = Math.sqrt(re * re + im * im);
      }
      const row = t * MEL_BANDS;
      for (let b = 0; b < MEL_BANDS; b++) {
        const k0 = melStart[b] as number;
        const k1 = melEnd[b] as number;
        const w = (melOffset[b] as number) - k0;
        let s = 0;
        for (let k = k0; k < k1; k++) s += (melWeight[w + k] as number) * (mag[k] as number);
        mel[row + b] = s;
      }
    }
  }

  /** Transforms every frame whose window is complete (all remaining frames when `final`). */
  private process(final: boolean): void {
    const half = ONSET_FFT / 2;
    const n = this.length;
    const x = this.samples;
    // Frames index samples by absolute number; `x[j - base]` is sample j.
    const base = this.base;
    const lastOnset = final ? Math.max(1, Math.floor(n / ONSET_HOP)) : Math.floor((n - half) / ONSET_HOP);
    const lastChroma = final
      ? Math.max(1, Math.floor(n / CHROMA_HOP))
      : Math.floor((n - CHROMA_FFT / 2) / CHROMA_HOP);
    this.ensure(lastOnset + 1, lastChroma + 1);
    this.onsetRange(this.onsetFrames, lastOnset);
    this.onsetFrames = Math.max(this.onsetFrames, lastOnset);
    const ch = CHROMA_FFT / 2;
    const { cwin, pitchClass, kmin, kmax } = this;
    for (let t = this.chromaFrames; t < lastChroma; t++) {
      const cframe = this.cfft.input();
      const origin = t * CHROMA_HOP - ch;
      if (origin >= 0 && origin + CHROMA_FFT <= n) {
        const o = origin - base;
        for (let i = 0; i < CHROMA_FFT; i++) cframe[i] = (x[o + i] as number) * (cwin[i] as number);
      } else
        for (let i = 0; i < CHROMA_FFT; i++) {
          const j = origin + i;
          cframe[i] = j >= 0 && j < n ? (x[j - base] as number) * (cwin[i] as number) : 0;
        }
      // Bins from kmin / 3 ≥ 1 up: the DC and Nyquist slots of the packed result are never read.
      const cspec = this.cfft.transform();
      let total = 0;
      const cmag = this.cmag;
      for (let k = Math.floor(kmin / 3); k <= kmax; k++) {
        const re = cspec[2 * k] as number;
        const im = cspec[2 * k + 1] as number;
        cmag[k] = Math.sqrt(re * re + im * im);
      }
      // A note's 3rd harmonic lands on its fifth; without discounting it, keys drift to the dominant.
      for (let k = kmin; k <= kmax; k++) {
        const h = Math.max(0, (cmag[k] as number) - 0.15 * (cmag[Math.round(k / 3)] as number));
        const idx = pitchClass[k] as number;
        this.keyChroma[idx] = (this.keyChroma[idx] as number) + Math.sqrt(h);
      }
      for (let k = kmin; k <= kmax; k++) {
        // Square-root magnitude compresses loud bass notes and stays scale-free after normalisation.
        const m = Math.sqrt(cmag[k] as number);
        const idx = t * 12 + (pitchClass[k] as number);
        this.chroma[idx] = (this.chroma[idx] as number) + m;
        total += m;
      }
      if (total > 0)
        for (let c = 0; c < 12; c++) this.chroma[t * 12 + c] = (this.chroma[t * 12 + c] as number) / total;
    }
    this.chromaFrames = Math.max(this.chromaFrames, lastChroma);
  }

  /** Finishes the last frames and derives onset envelopes; `gain` is the level normalisation. */
  finish(gain: number): Features {
    this.process(true);
    const frames = this.onsetFrames;
    const sampleRate = this.sampleRate;
    const logMel = new Float32Array(frames * MEL_BANDS);
    for (let i = 0; i < logMel.length; i++) logMel[i] = Math.log1p(gain * (this.mel[i] as number));
    const rms = new Float32Array(frames);
    for (let t = 0; t < frames; t++) rms[t] = gain * Math.sqrt(this.energy[t] as number);
    // Spectral flux with a one-band maximum filter on the reference frame (SuperFlux-style), so vibrato
    // and slides do not read as onsets. Each band's rises are kept, then summed with band weights.
    const mel = this.mel;
    const lag = 2;
    const riseLog = new Float32Array(frames * MEL_BANDS);
    const riseLin = new Float32Array(frames * MEL_BANDS);
    for (let t = lag; t < frames; t++) {
      riseOver(logMel, riseLog, (t - lag) * MEL_BANDS, t * MEL_BANDS);
      riseOver(mel, riseLin, (t - lag) * MEL_BANDS, t * MEL_BANDS);
    }
    const hopSec = ONSET_HOP / sampleRate;
    const w = bandWeights(riseLog, frames, MEL_BANDS, hopSec);
    const rawOnset = new Float32Array(frames);
    const rawPlain = new Float32Array(frames);
    const rawLow = new Float32Array(frames);
    const rawLin = new Float32Array(frames);
    const rawLowLin = new Float32Array(frames);
    const rawHighLin = new Float32Array(frames);
    const lowBand = this.filters.map((f) => f.low);
    const highBand = this.filters.map((f) => f.high);
    for (let t = lag; t < frames; t++) {
      let s = 0;
      let plain = 0;
      let low = 0;
      let lin = 0;
      let lowLin = 0;
      let highLin = 0;
      const c0 = t * MEL_BANDS;
      for (let b = 0; b < MEL_BANDS; b++) {
        const d = (w[b] as number) * (riseLog[c0 + b] as number);
        const dl = (w[b] as number) * (riseLin[c0 + b] as number);
        s += d;
        plain += riseLog[c0 + b] as number;
        lin += dl;
        if (lowBand[b]) {
          low += d;
          lowLin += dl;
        } else if (highBand[b]) highLin += dl;
      }
      rawOnset[t] = s;
      rawPlain[t] = plain;
      rawLow[t] = low;
      rawLin[t] = gain * lin;
      rawLowLin[t] = gain * lowLin;
      rawHighLin[t] = gain * highLin;
    }
    const hw = Math.round(0.4 / hopSec);
    return {
      sampleRate,
      hopSec,
      frames,
      onset: highPass(rawOnset, hw),
      plainOnset: highPass(rawPlain, hw),
      lowOnset: highPass(rawLow, hw),
      beatOnset: highPass(rawLin, hw),
      lowBeatOnset: highPass(rawLowLin, hw),
      highBeatOnset: highPass(rawHighLin, hw),
      rms,
      logMel,
      bands: MEL_BANDS,
      chroma: this.chroma.slice(0, this.chromaFrames * 12),
      keyChroma: Array.from(this.keyChroma),
      chromaFrames: this.chromaFrames,
      chromaHopSec: CHROMA_HOP / sampleRate,
    };
  }
}

/** Features of a whole song in memory; `gain` scales the samples (level normalisation). */
export function computeFeatures(samples: Float32Array, sampleRate: number, gain = 1): Features {
  const fx = new FeatureExtractor(sampleRate, samples.length);
  fx.push(samples);
  return fx.finish(gain);
}

/**
 * How far each band of the frame at `c0` rises above the loudest of bands b-1…b+1 of the frame at `r0`,
 * kept when positive: `rise[c0 + b]`.
 */
function riseOver(m: Float32Array, rise: Float32Array, r0: number, c0: number): void {
  const last = MEL_BANDS - 1;
  let below = m[r0] as number;
  let here = below;
  for (let b = 0; b < last; b++) {
    const above = m[r0 + b + 1] as number;
    rise[c0 + b] = Math.max(0, (m[c0 + b] as number) - Math.max(below, here, above));
    below = here;
    here = above;
  }
  rise[c0 + last] = Math.max(0, (m[c0 + last] as number) - Math.max(below, here));
}
