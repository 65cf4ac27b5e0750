/**
 * `analyzeAudio`: decoding, beats, meter, sections, energy and key of one song, and the decisions it logs.
 * Over 400 lines because it is the one place the DSP steps (src/dsp/*) are put together in order and their
 * evidence is turned into the song's reading; each step's maths lives in its own dsp file.
 */
import { stat } from 'node:fs/promises';
import type { AudioAnalysis, DecisionSink, Lyrics, Section, SectionLabel } from '@beatframe/core';
import { BeatframeError, GIVEN_BPM_RANGE, InputError, isGivenBpm } from '@beatframe/core';
import { ANALYSIS_SAMPLE_RATE, decodeAudioChunks } from './decode.js';
import { barRepeat, medianGap, tempoClarity } from './dsp/beats.js';
import { estimateKey } from './dsp/key.js';
import { trackAtGivenTempo, trackAtLevel } from './dsp/level.js';
import { estimateMeter, type Meter } from './dsp/meter.js';
import { alternativeGrid, chooseTempo, relatedRatio, tempoAcfs } from './dsp/reading.js';
import { type BarFeatures, type Segment, segmentSong } from './dsp/sections.js';
import { FeatureExtractor, type Features } from './dsp/spectrum.js';
import { beatlessTailStart } from './dsp/tail.js';

export interface AnalyzeOptions {
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
  /** Timed lyrics with section tags ("[Chorus]") name the sections they overlap. */
  lyrics?: Lyrics;
  /** Longer files are refused (default 20 minutes): an hour of PCM does not fit the memory budget. */
  maxDurationSec?: number;
  /** Where the tempo, meter and section choices are recorded. */
  decisions?: DecisionSink;
  /**
   * The song's tempo when you know it (BPM, 30–300): the beats are tracked at it instead of the level the
   * analysis would choose (a slow 6/8 it would read at its eighths, a waltz at its bar).
   */
  bpm?: number;
}

/** Refuses a given tempo outside GIVEN_BPM_RANGE (before any decoding). */
function checkGivenBpm(bpm: number | undefined): void {
  if (bpm === undefined || isGivenBpm(bpm)) return;
  const [lo, hi] = GIVEN_BPM_RANGE;
  throw new InputError(`the tempo must be ${lo}–${hi} BPM, not ${bpm}`, { code: 'BAD_TEMPO' });
}

const DEFAULT_MAX_DURATION = 20 * 60;
/**
 * Linear-flux peaks trail the note onsets by about a frame and a half: the tracked grid sat 2–5 % of a
 * beat after the MIDI beats of the train slice (bench/diag-phase.ts), so beats are reported 15 ms earlier.
 */
export const ONSET_LATENCY_SEC = -0.015;

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** A bar repeat this strong or more is a steady beat beyond doubt (confidence 1 as far as it goes). */
const BAR_REPEAT_SURE = 0.4;

/** The beat at the level the analysis chooses: the comb's reading, then the level rules. */
function trackAtChosenLevel(f: Features) {
  // The comb reads the tempo from these, and the level step re-reads dotted readings from them.
  const acfs = tempoAcfs(f.onset, f.lowOnset, f.hopSec);
  return trackAtLevel(f, chooseTempo(f.onset, f.lowOnset, f.hopSec, acfs), acfs);
}

/** Analyses an audio file: tempo, beats, downbeats, meter, sections, energy and key. */
export async function analyzeAudio(path: string, opts: AnalyzeOptions = {}): Promise<AudioAnalysis> {
  const file = await stat(path).catch(() => undefined);
  checkGivenBpm(opts.bpm);
  if (!file) throw new InputError(`${path}: no such file`, { code: 'NOT_FOUND' });
  if (!file.isFile()) throw new InputError(`${path} is not a file`, { code: 'NOT_FILE' });
  if (file.size === 0) throw new InputError(`${path} is empty`, { code: 'EMPTY' });
  checkAbort(opts.signal);
  const max = opts.maxDurationSec ?? DEFAULT_MAX_DURATION;
  // Features are computed while ffmpeg decodes (two processes, two cores); ffmpeg's reading of the
  // header stands in for ffprobe's.
  const fx = new FeatureExtractor(ANALYSIS_SAMPLE_RATE);
  let expected = 0;
  await decodeAudioChunks(
    path,
    (chunk) => {
      fx.push(chunk);
      if (expected) opts.onProgress?.(0.05 + 0.6 * Math.min(1, fx.sampleCount / expected));
    },
    {
      sampleRate: ANALYSIS_SAMPLE_RATE,
      signal: opts.signal,
      maxSeconds: max + 1,
      onInput: (info) => {
        if (info.durationSec > max)
          throw new InputError(
            `${path} is ${Math.round(info.durationSec / 60)} minutes long; the analysis limit is ${Math.round(max / 60)} minutes`,
            { code: 'TOO_LONG' },
          );
        fx.reserve(Math.ceil((info.durationSec + 1) * ANALYSIS_SAMPLE_RATE));
        expected = Math.max(1, info.durationSec * ANALYSIS_SAMPLE_RATE);
        opts.onProgress?.(0.05);
      },
    },
  );
  return analyzeExtracted(fx, opts);
}

function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw new BeatframeError('cancelled', { code: 'ABORTED' });
}

/** The analysis of mono PCM already in memory (for callers that decode themselves). */
export function analyzeSamples(
  samples: Float32Array,
  sampleRate: number,
  opts: AnalyzeOptions = {},
): AudioAnalysis {
  const fx = new FeatureExtractor(sampleRate, samples.length);
  fx.push(samples);
  return analyzeExtracted(fx, opts);
}

function analyzeExtracted(fx: FeatureExtractor, opts: AnalyzeOptions): AudioAnalysis {
  const durationSec = fx.sampleCount / fx.sampleRate;
  const { rms, peak } = fx.level();
  // Silence (or near-digital silence): a defined, empty result instead of beats found in noise.
  if (rms < 1e-4 || peak < 1e-3) return silentAnalysis(durationSec);
  // Under a second there is no tempo to find: one section, no beats.
  if (durationSec < 1)
    return {
      ...silentAnalysis(durationSec),
      sections: [{ start: 0, end: round3(durationSec), label: 'verse', energy: 1, group: 'A' }],
    };
  checkAbort(opts.signal);
  // Level-normalise so log compression behaves the same for quiet and loud masters.
  const f = fx.finish(0.1 / rms);
  opts.onProgress?.(0.7);
  checkAbort(opts.signal);
  return analyzeFeatures(f, durationSec, opts);
}

/**
 * The analysis from level-normalised features (bench/fast-bench.ts scores cached features through it;
 * `analyzeAudio` and `analyzeSamples` come here after their silence and length checks).
 */
export function analyzeFeatures(f: Features, durationSec: number, opts: AnalyzeOptions = {}): AudioAnalysis {
  checkGivenBpm(opts.bpm);
  // One phase for the whole song: the tracker keeps it (its tightness) and nothing moves passages later.
  const {
    reading,
    tempo,
    beats: rawBeats,
  } = opts.bpm ? trackAtGivenTempo(f, opts.bpm) : trackAtChosenLevel(f);
  opts.onProgress?.(0.8);
  const beatFrames = extendBeats(rawBeats, f, tempo.periodAt);
  // Confidence that there is a steady beat at all: the clarity of the log-flux tempogram (all bands alike)
  // and of the tracked envelope's (pads swelling slowly read as periodic in linear flux), and how much the
  // onsets repeat a bar later (notes played freely can look periodic to a tempogram), whichever is lowest.
  const confidence = Math.min(
    tempo.confidence,
    tempoClarity(f.plainOnset, f.hopSec),
    barRepeat(f.onset, beatFrames) / BAR_REPEAT_SURE,
  );
  const beats = beatFrames.map((b) => round3(Math.max(0, b * f.hopSec + ONSET_LATENCY_SEC)));
  const medianInterval = medianGap(beats);
  const bpm = medianInterval ? 60 / medianInterval : tempo.bpm;

  const evidence = beatEvidence(f, beatFrames, tempo.periodAt);
  const meter = estimateMeter(evidence);
  const downbeats = meter.downbeatIdx.map((i) => beats[i] as number);
  opts.onProgress?.(0.85);

  const bars = barFeatures(f, beatFrames, meter.downbeatIdx, evidence.beatChroma);
  const segments = segmentSong(bars, medianGap(downbeats) ?? Number.POSITIVE_INFINITY);
  const sections = labelSections(segments, meter.downbeatIdx, beats, bars.loudness, durationSec, opts.lyrics);
  opts.onProgress?.(0.95);

  const key = estimateKey(f.keyChroma);
  // The grid runs on to the end for the sections; the beats a listener taps stop with the onsets.
  const heard = heardBeats(beatFrames, f);
  // A voice that goes on after the band stops, or an outro that drifts off the beat, keeps onsets in
  // every band: they are not tapped.
  const beatless = beatlessTailStart(beatFrames, f);
  const shown = Math.min(heard, beatless);
  const allBeats = beats;
  const beatsOut = allBeats.slice(0, shown);
  const lastBeat = beatsOut.at(-1) ?? 0;
  const downbeatsOut = downbeats.filter((d) => d <= lastBeat);
  const beatStrengths = beatStrengthsOf(f.onset, beatFrames.slice(0, shown));
  const analysis: AudioAnalysis = {
    version: 1,
    durationSec: round3(durationSec),
    bpm: Math.round(bpm * 100) / 100,
    tempoConfidence: Math.round(confidence * 1000) / 1000,
    meter: { beatsPerBar: meter.beatsPerBar, beatUnit: meter.beatUnit },
    beats: beatsOut,
    downbeats: downbeatsOut,
    sections,
    energy: energyCurve(f),
    onset: onsetCurve(f),
    ...(key ? { key: key.key } : {}),
    beatStrengths,
    tempoCurve: tempoCurveOf(tempo.periodAt, f.hopSec),
    meterConfidence: round3(meter.confidence),
    ...(reading.alternativeBpm > 0 && beatsOut.length > 1
      ? {
          alternative: {
            bpm: Math.round(bpm * relatedRatio(reading.alternativeBpm / reading.bpm) * 100) / 100,
            confidence: round3(1 - reading.confidence),
            // A slower grid keeps the bar lines where it can, else the louder beats.
            beats: alternativeGrid(beatsOut, reading.alternativeBpm / reading.bpm, {
              anchors: downbeatsOut,
              strength: (t) => maxAround(f.onset, (t - ONSET_LATENCY_SEC) / f.hopSec, 2),
            }).map(round3),
          },
        }
      : {}),
  };
  const tailSteps =
    beatless < heard
      ? [
          `beats stop at ${beatsOut.at(-1)?.toFixed(1)} s: the beat ended (${heard - beatless} beats of a voice or of beatless sound after it)`,
        ]
      : [];
  recordDecisions(opts.decisions, analysis, confidence, meter, [...(reading.steps ?? []), ...tailSteps]);
  opts.onProgress?.(1);
  return analysis;
}

/**
 * How many beats of the grid to report. The grid runs to the end of the music for the sections (the
 * tracker follows any onsets at its tempo, `extendBeats` any sound loud enough), but a tail of speech or
 * of noise after the last chord is not tapped: the last beats are those up to the last two in a row with
 * a bass-band onset (kick, bass note: at least HEARD_ONSET of the beats' median), then RING_BEATS more
 * while the last chord rings, and never past the last beat with a full-band onset (SOUNDING_ONSET of the
 * median; then RING_BEATS more): noise brought up by a compressor in a silent tail moves the bass band
 * alone (error-class renders: a march at 186 ran 22 beats into such a tail)…
 */
function heardBeats(beats: number[], f: Features): number {
  const n = beats.length;
  if (n < 8) return n;
  const low = beats.map((b) => maxAround(f.lowBeatOnset, b, 2));
  const sorted = [...low].sort((a, b) => a - b);
  const floor = HEARD_ONSET * (sorted[Math.floor(n / 2)] ?? 0);
  if (!(floor > 0)) return n;
  const full = beats.map((b) => maxAround(f.beatOnset, b, 2));
  const sortedFull = [...full].sort((a, b) => a - b);
  const fullFloor = SOUNDING_ONSET * (sortedFull[Math.floor(n / 2)] ?? 0);
  let cut = n;
  for (let i = n - 1; i > 0; i--)
    if ((low[i] as number) >= floor && (low[i - 1] as number) >= floor) {
      cut = Math.min(n, i + 1 + RING_BEATS);
      break;
    }
  let lastFull = n - 1;
  while (lastFull > 0 && (full[lastFull] as number) < fullFloor) lastFull--;
  const sounded = Math.min(n, lastFull + 1 + RING_BEATS);
  if (cut >= n - 1) return sounded;
  // A passage without bass (a break, an outro on the upper instruments) still sounds on the beats.
  // It ends at the last of its sounding beats while they are most of the beats since the bass stopped
  // (a silent or noisy tail after it no longer takes the whole passage away: its last 2–7 beats were
  // lost on 21 train songs, session 30).
  let sounding = 0;
  let end = cut;
  for (let i = cut; i < n; i++) {
    if ((full[i] as number) < fullFloor) continue;
    sounding++;
    if (sounding / (i - cut + 1) >= SOUNDING_SHARE) end = Math.min(n, i + 1 + RING_BEATS);
  }
  return Math.min(sounded, end);
}
const HEARD_ONSET = 0.2;
const RING_BEATS = 1;
/**
 * …unless the beats after that still sound (a full-band onset of SOUNDING_ONSET of the median on at least
 * SOUNDING_SHARE of them, counted up to the last that sounds). Train: tails after the music 0.00–0.78
 * (speech layers up to 0.78, noise 0.00), bass-less outros of the music itself 0.87–1.00. A voice that
 * sounds on most beats after the band has stopped is found by `beatlessTailStart` (dsp/tail.ts).
 */
const SOUNDING_ONSET = 0.2;
const SOUNDING_SHARE = 0.8;

/** How far before the file's start (a share of the beat period) a due beat still counts as at 0. */
const START_SLACK = 0.25;

/**
 * Continues the beat grid into soft intros and outros (pads, held chords) where the onset envelope is
 * too weak for the tracker but the music is still sounding: listeners tap through them.
 */
function extendBeats(beats: number[], f: Features, periodAt: Float32Array): number[] {
  if (beats.length < 4) return beats;
  const db = (t: number) => {
    const i = Math.max(0, Math.min(f.frames - 1, Math.round(t)));
    let e = 0;
    let c = 0;
    for (let k = Math.max(0, i - 4); k <= Math.min(f.frames - 1, i + 4); k++) {
      e += (f.rms[k] as number) ** 2;
      c++;
    }
    return 10 * Math.log10(e / c + 1e-12);
  };
  // Loud reference: the 90th percentile of frame loudness over the tracked part.
  const levels: number[] = [];
  for (let t = Math.round(beats[0] as number); t < (beats.at(-1) as number); t += 8) levels.push(db(t));
  levels.sort((a, b) => a - b);
  const floor = (levels[Math.floor(levels.length * 0.9)] ?? 0) - 30;
  const out = [...beats];
  for (;;) {
    const first = out[0] as number;
    const p = (out[1] as number) - first;
    const t = first - p;
    // A beat due just before the file's first sample is the song's first beat (the grid runs a little
    // early, and the onset at sample 0 has nothing before it to rise from): it goes at 0 if the music
    // sounds within its first half beat (a song may fade in over that). Without it the first bar has a
    // beat too few, the bar count starts a bar late and every section with it.
    let level = db(t);
    if (t < 0) for (let k = 2; k <= p / 2; k += 2) level = Math.max(level, db(k));
    if (t < -START_SLACK * p || level < floor) break;
    out.unshift(Math.max(0, t));
    if (t <= 0) break;
  }
  for (;;) {
    const last = out.at(-1) as number;
    const p = last - (out.at(-2) as number);
    const t = last + p;
    if (t >= f.frames - 1 || db(t) < floor || p > 2 * (periodAt[Math.round(last)] ?? p)) break;
    out.push(t);
  }
  return out;
}

function silentAnalysis(durationSec: number): AudioAnalysis {
  const d = round3(durationSec);
  return {
    version: 1,
    durationSec: d,
    bpm: 0,
    tempoConfidence: 0,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats: [],
    downbeats: [],
    sections: d > 0 ? [{ start: 0, end: d, label: 'silence', energy: 0, group: 'A' }] : [],
    energy: { hopSec: 0.1, values: Array.from({ length: Math.ceil(d / 0.1) }, () => 0) },
  };
}

interface Evidence {
  harmonicChange: number[];
  barChange: Record<number, number[]>;
  lowAccent: number[];
  highAccent: number[];
  ternaryRatio: number;
  beatChroma: Float32Array[];
}

function maxAround(x: Float32Array, center: number, r: number): number {
  let m = 0;
  const c = Math.round(center);
  for (let i = Math.max(0, c - r); i <= Math.min(x.length - 1, c + r); i++) m = Math.max(m, x[i] as number);
  return m;
}

function cos12(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < 12; i++) {
    d += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/** Mean chroma over [t0, t1) seconds (at least the nearest chroma frame), mean-removed. */
export function chromaBetween(f: Features, t0: number, t1: number): Float32Array {
  const out = new Float32Array(12);
  let a = Math.floor(t0 / f.chromaHopSec);
  let b = Math.ceil(t1 / f.chromaHopSec);
  a = Math.max(0, Math.min(f.chromaFrames - 1, a));
  b = Math.max(a + 1, Math.min(f.chromaFrames, b));
  for (let t = a; t < b; t++)
    for (let c = 0; c < 12; c++) out[c] = (out[c] as number) + (f.chroma[t * 12 + c] as number);
  let mean = 0;
  for (let c = 0; c < 12; c++) mean += (out[c] as number) / 12;
  for (let c = 0; c < 12; c++) out[c] = Math.max(0, (out[c] as number) - mean);
  return out;
}

function beatEvidence(f: Features, beats: number[], periodAt: Float32Array): Evidence {
  const n = beats.length;
  const beatChroma = beats.map((b, i) => {
    const next = beats[i + 1] ?? b + (periodAt[Math.round(b)] ?? 40);
    return chromaBetween(f, b * f.hopSec, next * f.hopSec);
  });
  const harmonicChange = beats.map((_, i) => {
    if (i < 2 || i > n - 3) return 0;
    // Two beats each side: chords last longer than melody notes, and a change mid-bar (beat 3) reads
    // weaker than one on the bar line.
    const before = chromaBetween(f, (beats[i - 2] as number) * f.hopSec, (beats[i] as number) * f.hopSec);
    const after = chromaBetween(f, (beats[i] as number) * f.hopSec, (beats[i + 2] as number) * f.hopSec);
    return 1 - cos12(before, after);
  });
  const barChange: Record<number, number[]> = {};
  for (const M of [2, 3, 4]) {
    barChange[M] = beats.map((_, i) => {
      if (i < M || i + M >= n) return 0;
      const before = chromaBetween(f, (beats[i - M] as number) * f.hopSec, (beats[i] as number) * f.hopSec);
      const after = chromaBetween(f, (beats[i] as number) * f.hopSec, (beats[i + M] as number) * f.hopSec);
      return 1 - cos12(before, after);
    });
  }
  const lowAccent = beats.map((b) => maxAround(f.lowOnset, b, 2));
  const highAccent = beats.map((b) => maxAround(f.highBeatOnset, b, 2));
  let thirds = 0;
  let halves = 0;
  let floor = 0;
  for (let i = 0; i + 1 < n; i++) {
    const b = beats[i] as number;
    const p = (beats[i + 1] as number) - b;
    thirds += Math.min(maxAround(f.onset, b + p / 3, 1), maxAround(f.onset, b + (2 * p) / 3, 1));
    halves += maxAround(f.onset, b + p / 2, 1);
    // Where neither subdivision puts notes: the noise floor both are measured against.
    floor += Math.min(maxAround(f.onset, b + p / 6, 1), maxAround(f.onset, b + (5 * p) / 6, 1));
  }
  thirds = Math.max(0, thirds - floor);
  halves = Math.max(0, halves - floor);
  return {
    harmonicChange,
    barChange,
    lowAccent,
    highAccent,
    ternaryRatio: thirds / (halves + 0.25 * floor + 1e-9),
    beatChroma,
  };
}

function barFeatures(
  f: Features,
  beats: number[],
  downbeatIdx: number[],
  beatChroma: Float32Array[],
): BarFeatures {
  const harmony: Float32Array[] = [];
  const timbreRaw: Float64Array[] = [];
  const loudness: number[] = [];
  const B = f.bands;
  const beatsPerBar =
    downbeatIdx.length > 1
      ? Math.round(((downbeatIdx.at(-1) as number) - (downbeatIdx[0] as number)) / (downbeatIdx.length - 1))
      : 4;
  for (let k = 0; k < downbeatIdx.length; k++) {
    const first = downbeatIdx[k] as number;
    const last = (downbeatIdx[k + 1] ?? beats.length) - 1;
    const h = new Float32Array(beatsPerBar * 12);
    for (let j = 0; j < beatsPerBar; j++) {
      const c = beatChroma[Math.min(first + j, Math.max(first, last))] as Float32Array | undefined;
      if (!c) continue;
      let norm = 0;
      for (let i = 0; i < 12; i++) norm += (c[i] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < 12; i++) h[j * 12 + i] = (c[i] as number) / norm;
    }
    harmony.push(h);
    const t0 = Math.round(beats[first] as number);
    const t1 = Math.max(
      t0 + 1,
      Math.round(
        beats[last + 1] ??
          (beats[last] as number) +
            ((beats[last] as number) - (beats[Math.max(0, last - 1)] as number) || 40),
      ),
    );
    const mel = new Float64Array(B);
    let e = 0;
    let cnt = 0;
    for (let t = t0; t < Math.min(t1, f.frames); t++) {
      for (let b = 0; b < B; b++) mel[b] = (mel[b] as number) + (f.logMel[t * B + b] as number);
      e += (f.rms[t] as number) ** 2;
      cnt++;
    }
    for (let b = 0; b < B; b++) mel[b] = (mel[b] as number) / Math.max(1, cnt);
    // DCT-II of the log-mel spectrum: cepstral coefficients 1…12 (0 is loudness, kept apart).
    const cep = new Float64Array(12);
    for (let q = 1; q <= 12; q++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += (mel[b] as number) * Math.cos((Math.PI * q * (b + 0.5)) / B);
      cep[q - 1] = s;
    }
    timbreRaw.push(cep);
    loudness.push(10 * Math.log10(e / Math.max(1, cnt) + 1e-10));
  }
  // z-normalise timbre dimensions over the song so no coefficient dominates.
  const dims = 12;
  const mu = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (const v of timbreRaw)
    for (let d = 0; d < dims; d++) mu[d] = (mu[d] as number) + (v[d] as number) / timbreRaw.length;
  for (const v of timbreRaw)
    for (let d = 0; d < dims; d++)
      sd[d] = (sd[d] as number) + ((v[d] as number) - (mu[d] as number)) ** 2 / timbreRaw.length;
  const timbre = timbreRaw.map((v) =>
    Float32Array.from(v, (x, d) => (x - (mu[d] as number)) / (Math.sqrt(sd[d] as number) || 1)),
  );
  return { harmony, timbre, loudness };
}

const GROUP_NAMES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function labelSections(
  segments: Segment[],
  downbeatIdx: number[],
  beats: number[],
  barLoudness: number[],
  durationSec: number,
  lyrics?: Lyrics,
): Section[] {
  const end = round3(durationSec);
  if (segments.length === 0) {
    return [
      { start: 0, end, label: beats.length ? 'verse' : 'silence', energy: beats.length ? 1 : 0, group: 'A' },
    ];
  }
  const barTime = (bar: number) =>
    bar >= downbeatIdx.length ? end : (beats[downbeatIdx[bar] as number] as number);
  const raw = segments.map((s, i) => ({
    start: i === 0 ? 0 : barTime(s.startBar),
    end: i === segments.length - 1 ? end : barTime(s.endBar),
    group: s.group,
    loud:
      barLoudness.slice(s.startBar, s.endBar).reduce((a, b) => a + b, 0) / Math.max(1, s.endBar - s.startBar),
  }));
  const lo = Math.min(...raw.map((r) => r.loud));
  const hi = Math.max(...raw.map((r) => r.loud));
  const energy = raw.map((r) => (hi - lo > 0.5 ? (r.loud - lo) / (hi - lo) : 1));
  const groups = new Map<number, number[]>();
  raw.forEach((r, i) => {
    groups.set(r.group, [...(groups.get(r.group) ?? []), i]);
  });
  const groupEnergy = (g: number) =>
    (groups.get(g) as number[]).reduce((a, i) => a + (energy[i] as number), 0) /
    (groups.get(g) as number[]).length;
  const repeated = [...groups.keys()].filter((g) => (groups.get(g) as number[]).length >= 2);
  const labelOf = new Map<number, SectionLabel>();
  // Chorus: the loudest repeated material (ties: the most repeated).
  const chorus = [...repeated].sort(
    (a, b) =>
      groupEnergy(b) +
      0.1 * (groups.get(b) as number[]).length -
      (groupEnergy(a) + 0.1 * (groups.get(a) as number[]).length),
  )[0];
  if (chorus !== undefined) labelOf.set(chorus, 'chorus');
  // Verse: the earliest other repeated material.
  const others = repeated
    .filter((g) => g !== chorus)
    .sort((a, b) => (groups.get(a)?.[0] ?? 0) - (groups.get(b)?.[0] ?? 0));
  if (others[0] !== undefined) labelOf.set(others[0], 'verse');
  for (const g of others.slice(1)) {
    const idx = groups.get(g) as number[];
    const beforeChorus = chorus !== undefined && idx.every((i) => raw[i + 1]?.group === chorus);
    labelOf.set(g, beforeChorus ? 'pre-chorus' : 'instrumental');
  }
  const uniqueMiddle: SectionLabel[] = ['bridge', 'solo', 'breakdown'];
  let u = 0;
  const sections: Section[] = raw.map((r, i) => {
    let label = labelOf.get(r.group);
    if (!label) {
      if (i === 0 && raw.length > 1) label = 'intro';
      else if (i === raw.length - 1 && raw.length > 1) label = 'outro';
      else if (raw.length === 1 || (chorus === undefined && i === 1)) label = 'verse';
      else
        label =
          (energy[i] as number) < 0.35
            ? 'breakdown'
            : (uniqueMiddle[u++ % uniqueMiddle.length] as SectionLabel);
    }
    return {
      start: round3(r.start),
      end: round3(r.end),
      label,
      energy: round3(energy[i] as number),
      group: GROUP_NAMES[r.group % 26] + (r.group >= 26 ? String(Math.floor(r.group / 26)) : ''),
    };
  });
  return lyrics ? applyLyricTags(sections, lyrics) : sections;
}

const TAG_LABELS: Array<[RegExp, SectionLabel]> = [
  [/pre[-\s]?chorus/i, 'pre-chorus'],
  [/chorus|hook|refrain/i, 'chorus'],
  [/verse/i, 'verse'],
  [/bridge/i, 'bridge'],
  [/intro/i, 'intro'],
  [/outro|ending/i, 'outro'],
  [/solo/i, 'solo'],
  [/break/i, 'breakdown'],
  [/instrumental|interlude/i, 'instrumental'],
];

/** Timed lyric lines tagged "[Chorus]" etc. name the section they mostly overlap; untimed lyrics change nothing. */
function applyLyricTags(sections: Section[], lyrics: Lyrics): Section[] {
  if (lyrics.timing === 'none') return sections;
  return sections.map((s) => {
    const votes = new Map<SectionLabel, number>();
    for (const line of lyrics.lines) {
      if (line.start === undefined || !line.section) continue;
      const mid = line.start + ((line.end ?? line.start) - line.start) / 2;
      if (mid < s.start || mid >= s.end) continue;
      const hit = TAG_LABELS.find(([re]) => re.test(line.section as string));
      if (hit) votes.set(hit[1], (votes.get(hit[1]) ?? 0) + 1);
    }
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
    return best ? { ...s, label: best[0] } : s;
  });
}

function beatStrengthsOf(onset: Float32Array, beats: number[]): number[] {
  const s = beats.map((b) => maxAround(onset, b, 1));
  const mx = Math.max(1e-9, ...s);
  return s.map((v) => round3(v / mx));
}

function energyCurve(f: Features): { hopSec: number; values: number[] } {
  const hopSec = 0.1;
  const n = Math.ceil((f.frames * f.hopSec) / hopSec);
  const db: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = Math.floor((k * hopSec) / f.hopSec);
    const b = Math.min(f.frames, Math.max(a + 1, Math.floor(((k + 1) * hopSec) / f.hopSec)));
    let e = 0;
    for (let t = a; t < b; t++) e += (f.rms[t] as number) ** 2;
    db.push(10 * Math.log10(e / Math.max(1, b - a) + 1e-10));
  }
  const top = [...db].sort((x, y) => x - y)[Math.floor(db.length * 0.98)] ?? 0;
  // 40 dB below the loud end of the song maps to 0.
  return {
    hopSec,
    values: db.map((v) => Math.round(Math.max(0, Math.min(1, (v - top + 40) / 40)) * 1000) / 1000),
  };
}

function onsetCurve(f: Features): { hopSec: number; values: number[] } {
  const pool = 2;
  const values: number[] = [];
  let mx = 1e-9;
  for (let t = 0; t < f.frames; t++) mx = Math.max(mx, f.onset[t] as number);
  for (let t = 0; t < f.frames; t += pool) {
    let m = 0;
    for (let k = t; k < Math.min(f.frames, t + pool); k++) m = Math.max(m, f.onset[k] as number);
    values.push(Math.round((m / mx) * 1000) / 1000);
  }
  return { hopSec: pool * f.hopSec, values };
}

function tempoCurveOf(periodAt: Float32Array, hopSec: number): { hopSec: number; values: number[] } {
  const step = Math.max(1, Math.round(1 / hopSec));
  const values: number[] = [];
  for (let t = 0; t < periodAt.length; t += step)
    values.push(Math.round((60 / ((periodAt[t] as number) * hopSec)) * 10) / 10);
  return { hopSec: step * hopSec, values };
}

function recordDecisions(
  sink: DecisionSink | undefined,
  a: AudioAnalysis,
  tempoConf: number,
  meter: Meter,
  /** The rules that led to the tempo (comb, then each level move). */
  tempoSteps: string[] = [],
) {
  if (!sink) return;
  const rec = (summary: string, output: unknown) =>
    void sink.record({ stage: 'analyze', role: 'audio-analysis', summary, output });
  const why = tempoSteps.length ? ` via ${tempoSteps.join(' → ')}` : '';
  rec(`tempo ${a.bpm.toFixed(1)} bpm (confidence ${tempoConf.toFixed(2)}), ${a.beats.length} beats${why}`, {
    bpm: a.bpm,
    confidence: tempoConf,
    steps: tempoSteps,
  });
  const runnerUp = meter.runnerUp
    ? `, runner-up ${meter.runnerUp.beatsPerBar}/${meter.runnerUp.beatUnit}`
    : '';
  rec(
    `meter ${a.meter.beatsPerBar}/${a.meter.beatUnit} (confidence ${meter.confidence.toFixed(2)}${runnerUp}), ${a.downbeats.length} bars`,
    { ...a.meter, confidence: meter.confidence, ...(meter.runnerUp ? { runnerUp: meter.runnerUp } : {}) },
  );
  rec(
    `sections: ${a.sections.map((s) => `${s.label}[${s.group}]@${s.start.toFixed(1)}`).join(' ')}`,
    a.sections.map(({ start, end, label, group }) => ({ start, end, label, group })),
  );
}
