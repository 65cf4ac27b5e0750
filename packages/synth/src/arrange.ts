/** Arranges a song spec into notes. Over 400 lines because it holds the parts and chord progressions per section and the drum, bass and phrase writers beside the one arranger that calls them. */
import type { SectionLabel } from '@beatframe/core';
import { createRng, hashString, pick } from './prng.js';
import {
  DEFAULT_INTENSITY,
  type Groove,
  parseKey,
  parseMeter,
  type ResolvedKey,
  type ResolvedMeter,
  type SongSpec,
  type TempoPoint,
  validateSpec,
} from './spec.js';
import { TempoClock, type TempoMapEntry } from './tempo.js';

export type Instrument = 'kick' | 'snare' | 'clap' | 'hat' | 'openhat' | 'bass' | 'pad' | 'pluck' | 'lead';

/** One note as synthesized: times in seconds, already swung and tempo-mapped. */
export interface NoteEvent {
  inst: Instrument;
  start: number;
  end: number;
  midi: number;
  /** 0…1 loudness, including the section's intensity. */
  vel: number;
  /** 0…1 filter brightness (the section's intensity). */
  bright: number;
  /** Index of the section the note belongs to. */
  section: number;
  /** Start of that section (s): samples are placed relative to it, so repeated sections are sample-identical. */
  anchor: number;
}

export interface TruthSection {
  start: number;
  end: number;
  label: SectionLabel;
  group: string;
  intensity: number;
}

/** A lead phrase: where a sung line would be. Lyric lines (LRC) start at `start`. */
export interface TruthPhrase {
  start: number;
  end: number;
  section: number;
  text?: string;
}

/**
 * The exact ground truth of a rendered song. Beats are the counted beats: quarter notes in 4/4 and 3/4,
 * dotted quarters in 6/8 (2 per bar) and 12/8 (4 per bar); `meter.beatUnit` is the notated denominator.
 */
export interface SongTruth {
  title: string;
  artist: string;
  durationSec: number;
  beats: number[];
  downbeats: number[];
  /** Median of 60 / inter-beat interval. */
  bpm: number;
  meter: {
    beatsPerBar: number;
    beatUnit: number;
    timeSignature: string;
    /** Eighth notes per counted beat: 2 simple, 3 compound. */
    subdivision: number;
  };
  swing: number;
  key: string;
  sections: TruthSection[];
  tempoMap: TempoMapEntry[];
  phrases: TruthPhrase[];
  /** Onset times of drum hits as synthesized. */
  hits: { kick: number[]; snare: number[]; hat: number[] };
}

export interface Arrangement {
  events: NoteEvent[];
  truth: SongTruth;
}

interface Hit {
  /** Position in beats from the bar start, before swing. */
  pos: number;
  vel: number;
  /** Duration in beats (pitched parts). */
  dur?: number;
  /** Pitch for pitched parts. */
  midi?: number;
}

const PARTS: Record<SectionLabel, Instrument[]> = {
  intro: ['pad'],
  verse: ['kick', 'snare', 'hat', 'bass', 'pad', 'lead'],
  'pre-chorus': ['kick', 'snare', 'hat', 'bass', 'pad', 'pluck', 'lead'],
  chorus: ['kick', 'snare', 'clap', 'hat', 'openhat', 'bass', 'pad', 'pluck', 'lead'],
  bridge: ['kick', 'snare', 'hat', 'bass', 'pad'],
  instrumental: ['kick', 'snare', 'clap', 'hat', 'openhat', 'bass', 'pad', 'pluck', 'lead'],
  solo: ['kick', 'snare', 'clap', 'hat', 'openhat', 'bass', 'pad', 'pluck', 'lead'],
  breakdown: ['kick', 'pad', 'pluck'],
  outro: ['pad'],
  silence: [],
};

/** Chord progressions as scale degrees (0 = tonic), one chord per bar. */
const PROGRESSIONS: Record<'minor' | 'major', Record<'verse' | 'chorus' | 'bridge' | 'other', number[][]>> = {
  minor: {
    verse: [
      [0, 5, 2, 6],
      [0, 3, 5, 4],
      [0, 6, 5, 6],
    ],
    chorus: [
      [5, 6, 0, 0],
      [5, 2, 6, 0],
      [3, 5, 6, 4],
    ],
    bridge: [
      [3, 4, 5, 4],
      [2, 6, 3, 4],
    ],
    other: [
      [0, 5, 3, 6],
      [0, 2, 5, 6],
    ],
  },
  major: {
    verse: [
      [0, 4, 5, 3],
      [0, 5, 3, 4],
      [0, 3, 0, 4],
    ],
    chorus: [
      [3, 0, 4, 5],
      [5, 3, 0, 4],
      [3, 4, 0, 0],
    ],
    bridge: [
      [1, 3, 4, 4],
      [5, 2, 3, 4],
    ],
    other: [
      [0, 3, 4, 0],
      [0, 5, 1, 4],
    ],
  },
};

function progressionKind(label: SectionLabel): 'verse' | 'chorus' | 'bridge' | 'other' {
  if (label === 'verse' || label === 'pre-chorus') return 'verse';
  if (label === 'chorus' || label === 'instrumental' || label === 'solo') return 'chorus';
  if (label === 'bridge' || label === 'breakdown') return 'bridge';
  return 'other';
}

class Harmony {
  readonly tonicMidi: number;
  constructor(readonly key: ResolvedKey) {
    // Tonic between G3 and F#4: a comfortable middle register for pads and lead.
    this.tonicMidi = 55 + ((key.tonic - 7 + 12) % 12);
  }
  /** MIDI pitch of scale degree `n` (may be negative or above 6: other octaves). */
  degree(n: number): number {
    const oct = Math.floor(n / 7);
    return this.tonicMidi + this.key.scale[n - oct * 7]! + 12 * oct;
  }
  /** Pitch classes of the chord on degree `d` as MIDI notes in [lo, lo + 12). */
  chordIn(d: number, lo: number, seventh = false): number[] {
    const degs = seventh ? [d, d + 2, d + 4, d + 6] : [d, d + 2, d + 4];
    return degs.map((n) => fold(this.degree(n), lo)).sort((a, b) => a - b);
  }
  rootIn(d: number, lo: number): number {
    return fold(this.degree(d), lo);
  }
}

function fold(midi: number, lo: number): number {
  return lo + ((((midi - lo) % 12) + 12) % 12);
}

interface MelodyNote {
  /** Beats from the phrase start. */
  pos: number;
  dur: number;
  midi: number;
  deg: number;
}

/** What repeats when a group repeats: chords, arp shape and melody phrases. */
interface GroupMaterial {
  label: SectionLabel;
  progression: number[];
  arpShape: number[];
  phrases: MelodyNote[][];
}

function makeMaterial(
  spec: SongSpec,
  group: string,
  label: SectionLabel,
  meter: ResolvedMeter,
  harmony: Harmony,
  used: Set<string>,
): GroupMaterial {
  const rng = createRng(hashString(group, spec.seed ?? 1));
  const family = harmony.key.scale[2] === 3 ? 'minor' : 'major';
  const options = PROGRESSIONS[family][progressionKind(label)];
  // Different groups get different progressions when the catalogue allows it: distinct material is audible.
  let progression = pick(rng, options);
  for (let i = 0; i < options.length && used.has(progression.join()); i++) {
    progression = options[(options.indexOf(progression) + 1) % options.length]!;
  }
  used.add(progression.join());
  const arpShape = pick(rng, [
    [0, 1, 2, 3],
    [0, 2, 1, 3],
    [0, 1, 2, 1],
    [3, 2, 1, 0],
  ]);
  const hook = label === 'chorus' || label === 'instrumental' || label === 'solo';
  const center = hook ? 9 : label === 'pre-chorus' ? 6 : 4;
  const chordsAt = (phrase: number): [number, number] => [
    progression[(phrase * 2) % progression.length]!,
    progression[(phrase * 2 + 1) % progression.length]!,
  ];
  const seedA = Math.floor(rng() * 2 ** 31);
  const seedB = Math.floor(rng() * 2 ** 31);
  const seedC = Math.floor(rng() * 2 ** 31);
  const make = (rhythmSeed: number, phrase: number, close: boolean) =>
    makePhrase(rhythmSeed, chordsAt(phrase), center, close, meter, harmony, hook);
  // Hooks repeat their rhythm (A A' A B); verses alternate (A B A C).
  const phrases = hook
    ? [make(seedA, 0, false), make(seedA, 1, false), make(seedA, 0, false), make(seedB, 1, true)]
    : [make(seedA, 0, false), make(seedB, 1, false), make(seedA, 0, false), make(seedC, 1, true)];
  return { label, progression, arpShape, phrases };
}

function makePhrase(
  seed: number,
  chords: [number, number],
  center: number,
  close: boolean,
  meter: ResolvedMeter,
  harmony: Harmony,
  hook: boolean,
): MelodyNote[] {
  const rhythm = createRng(seed);
  const pitch = createRng(seed ^ 0x5bd1e995);
  const slots = meter.beatsPerBar * meter.subdivision;
  const slotBeats = 1 / meter.subdivision;
  const onsets: number[] = [];
  for (let bar = 0; bar < 2; bar++) {
    for (let s = 0; s < slots; s++) {
      if (bar === 1 && s >= Math.ceil(slots * 0.55)) break; // breathe before the next line
      const strong = s % meter.subdivision === 0;
      const p = bar === 0 && s === 0 ? 0.95 : strong ? 0.7 : hook ? 0.45 : 0.3;
      if (rhythm() < p) onsets.push(bar * slots + s);
    }
  }
  if (onsets.length === 0) onsets.push(0);
  const notes: MelodyNote[] = [];
  let deg = center;
  const end = slots + Math.ceil(slots * 0.75);
  for (const [i, slot] of onsets.entries()) {
    const bar = slot >= slots ? 1 : 0;
    const chord = chords[bar]!;
    const strong = slot % meter.subdivision === 0;
    const last = i === onsets.length - 1;
    if (last) {
      deg = nearestOf(deg, close ? [0, 7, 14] : chordTones(chord));
    } else if (strong) {
      deg = nearestOf(deg + pick(pitch, [-2, -1, 0, 1, 2, 2]), chordTones(chord));
    } else {
      deg += pick(pitch, [-1, 1, 1, -1, 2, -2]);
    }
    // Reflect off the range edges (a clamp would park the tune on one note), and avoid a third repeat.
    if (deg < center - 4) deg = center - 4 + (center - 4 - deg);
    if (deg > center + 5) deg = center + 5 - (deg - center - 5);
    const prev = notes.length >= 2 ? notes[notes.length - 1]!.deg : undefined;
    if (!last && prev === deg && notes[notes.length - 2]!.deg === deg) deg += deg > center ? -1 : 1;
    const next = onsets[i + 1] ?? end;
    notes.push({
      pos: slot * slotBeats,
      dur: Math.min(next - slot, 2 * meter.subdivision) * slotBeats * 0.92,
      midi: harmony.degree(deg),
      deg,
    });
  }
  return notes;
}

function chordTones(d: number): number[] {
  const out: number[] = [];
  for (let o = -14; o <= 21; o += 7) out.push(d + o, d + 2 + o, d + 4 + o);
  return out;
}

function nearestOf(x: number, options: number[]): number {
  let best = options[0]!;
  for (const o of options) if (Math.abs(o - x) < Math.abs(best - x)) best = o;
  return best;
}

/** Drum hits of one bar. Positions are in counted beats, before swing. */
function drumBar(
  inst: Instrument,
  label: SectionLabel,
  groove: Groove,
  meter: ResolvedMeter,
  lastBar: boolean,
): Hit[] {
  const B = meter.beatsPerBar;
  const beats = (vel: number, filter: (b: number) => boolean = () => true): Hit[] =>
    Array.from({ length: B }, (_, b) => b)
      .filter(filter)
      .map((b) => ({ pos: b, vel }));
  const grid = (step: number, velOn: number, velOff: number): Hit[] => {
    const out: Hit[] = [];
    for (let p = 0; p < B - 1e-9; p += step) {
      out.push({ pos: p, vel: Math.abs(p - Math.round(p)) < 1e-9 ? velOn : velOff });
    }
    return out;
  };
  const big = label === 'chorus' || label === 'instrumental' || label === 'solo';
  const halfTime = label === 'bridge' || label === 'breakdown';
  const eighth = 1 / meter.subdivision;
  if (groove === 'ambient') {
    if (inst === 'kick') return [{ pos: 0, vel: big ? 0.6 : 0.45 }];
    if (inst === 'hat') return beats(0.25);
    if (inst === 'snare' && big && B % 2 === 0) return [{ pos: B / 2, vel: 0.35 }];
    return [];
  }
  switch (inst) {
    case 'kick': {
      if (halfTime)
        return B >= 4
          ? [
              { pos: 0, vel: 1 },
              { pos: B / 2 + eighth, vel: 0.8 },
            ]
          : [{ pos: 0, vel: 1 }];
      if (meter.compound || B % 2 === 1) {
        const hits = [{ pos: 0, vel: 1 }];
        if (B >= 4) hits.push({ pos: B / 2, vel: 0.9 });
        if (big) hits.push({ pos: B - eighth, vel: 0.7 });
        return hits;
      }
      if (groove === 'syncopated') {
        const pos = big ? [0, 0.75, 1.5, 2.5, 3.25] : [0, 0.75, 2.5];
        return pos.filter((p) => p < B).map((p, i) => ({ pos: p, vel: i === 0 ? 1 : 0.85 }));
      }
      if (groove === 'four-on-the-floor' || (big && groove === 'pop')) return beats(1);
      const hits = beats(1, (b) => b % 2 === 0);
      if (big || groove === 'rock') hits.push({ pos: B - 1.5, vel: 0.8 });
      return hits;
    }
    case 'snare': {
      if (halfTime) return B >= 4 ? [{ pos: B / 2, vel: 0.9 }] : [{ pos: B - 1, vel: 0.8 }];
      if (!meter.compound && B % 2 === 1) return beats(big ? 0.6 : 0.45, (b) => b > 0);
      const hits = beats(0.9, (b) => b % 2 === 1);
      if (groove === 'syncopated') hits.push({ pos: B - 1.25, vel: 0.3 });
      if (lastBar && big) {
        for (let p = B - 1 + 0.25; p < B - 1e-9; p += 0.25)
          hits.push({ pos: p, vel: 0.5 + (p - B + 1) * 0.5 });
      }
      return hits;
    }
    case 'clap':
      if (!meter.compound && B % 2 === 1) return [{ pos: 1, vel: 0.7 }];
      return beats(0.8, (b) => b % 2 === 1);
    case 'hat': {
      if (halfTime) return beats(0.5);
      if (groove === 'syncopated' && !meter.compound) return grid(0.25, 0.6, 0.35);
      if (groove === 'four-on-the-floor' && !meter.compound) return grid(0.5, 0.35, 0.7);
      return big ? grid(eighth, 0.8, 0.4) : grid(eighth, 0.6, 0.2);
    }
    case 'openhat':
      return meter.compound ? [{ pos: B - 2 * eighth, vel: 0.5 }] : [{ pos: B - 0.5, vel: 0.55 }];
    default:
      return [];
  }
}

function bassBar(label: SectionLabel, groove: Groove, meter: ResolvedMeter, root: number): Hit[] {
  const B = meter.beatsPerBar;
  const eighth = 1 / meter.subdivision;
  if (groove === 'ambient' || label === 'bridge' || label === 'breakdown') {
    return [{ pos: 0, dur: B * 0.95, vel: 0.8, midi: root }];
  }
  const big = label === 'chorus' || label === 'instrumental' || label === 'solo';
  const out: Hit[] = [];
  if (big) {
    let i = 0;
    for (let p = 0; p < B - 1e-9; p += eighth, i++) {
      out.push({ pos: p, dur: eighth * 0.8, vel: i % 2 ? 0.55 : 0.95, midi: i % 2 ? root + 12 : root });
    }
    return out;
  }
  if (!meter.compound && B === 4) {
    const cells: [number, number][] = [
      [0, 0.7],
      [0.75, 0.2],
      [1.5, 0.45],
      [2, 0.7],
      [2.75, 0.2],
      [3.5, 0.45],
    ];
    return cells.map(([pos, dur], i) => ({ pos, dur, vel: i % 3 === 0 ? 0.95 : 0.7, midi: root }));
  }
  for (let b = 0; b < B; b++) out.push({ pos: b, dur: 0.85, vel: b === 0 ? 0.95 : 0.75, midi: root });
  out.push({ pos: B - eighth, dur: eighth * 0.8, vel: 0.6, midi: root + 12 });
  return out;
}

function swingPos(pos: number, swing: number): number {
  const beat = Math.floor(pos + 1e-9);
  const frac = pos - beat;
  const f = frac <= 0.5 ? frac * 2 * swing : swing + (frac - 0.5) * 2 * (1 - swing);
  return beat + f;
}

/** Turns a spec into notes (seconds) and the exact ground truth of what they play. */
export function arrangeSong(spec: SongSpec): Arrangement {
  validateSpec(spec);
  const meter = parseMeter(spec.meter ?? '4/4');
  const key = parseKey(spec.key ?? 'A minor');
  const harmony = new Harmony(key);
  const groove: Groove = spec.groove ?? 'pop';
  const swing = meter.compound ? 0.5 : (spec.swing ?? 0.5);
  const points: TempoPoint[] = typeof spec.tempo === 'number' ? [{ bar: 0, bpm: spec.tempo }] : spec.tempo;
  const clock = new TempoClock(points, meter.beatsPerBar);
  const B = meter.beatsPerBar;
  const at = (beat: number) => clock.timeAt(beat);

  const materials = new Map<string, GroupMaterial>();
  const usedProgressions = new Set<string>();
  const events: NoteEvent[] = [];
  const sections: TruthSection[] = [];
  const phrases: TruthPhrase[] = [];
  let bar0 = 0;

  spec.sections.forEach((section, si) => {
    const group = section.group ?? section.label;
    let mat = materials.get(group);
    if (!mat) {
      mat = makeMaterial(spec, group, section.label, meter, harmony, usedProgressions);
      materials.set(group, mat);
    }
    // The group's first label decides its material, so a repeat is the same music even if relabelled.
    const label = mat.label;
    const intensity = section.intensity ?? DEFAULT_INTENSITY[section.label];
    const gain = 0.45 + 0.55 * intensity;
    const parts = PARTS[label];
    const startBeat = bar0 * B;
    const endBeat = (bar0 + section.bars) * B;
    const anchor = at(startBeat);
    const push = (inst: Instrument, beatFrom: number, beatTo: number, midi: number, vel: number) => {
      const start = at(beatFrom);
      const end = at(Math.min(beatTo, endBeat));
      if (end > start)
        events.push({ inst, start, end, midi, vel: vel * gain, bright: intensity, section: si, anchor });
    };
    const swung = (barBeat: number, pos: number) => barBeat + (swing === 0.5 ? pos : swingPos(pos, swing));

    for (let b = 0; b < section.bars; b++) {
      const barBeat = startBeat + b * B;
      const chord = mat.progression[b % mat.progression.length]!;
      const lastBar = b === section.bars - 1 && section.bars > 1;
      for (const inst of ['kick', 'snare', 'clap', 'hat', 'openhat'] as const) {
        if (!parts.includes(inst)) continue;
        for (const h of drumBar(inst, label, groove, meter, lastBar)) {
          const t = swung(barBeat, h.pos);
          push(inst, t, t + 0.5, 0, h.vel);
        }
      }
      if (parts.includes('bass')) {
        for (const h of bassBar(label, groove, meter, harmony.rootIn(chord, 36))) {
          push('bass', swung(barBeat, h.pos), swung(barBeat, h.pos) + h.dur!, h.midi!, h.vel);
        }
      }
      if (parts.includes('pad')) {
        const seventh = label === 'chorus' || label === 'bridge' || groove === 'ambient';
        for (const m of harmony.chordIn(chord, 54, seventh)) push('pad', barBeat, barBeat + B, m, 0.7);
        if (intensity > 0.8) push('pad', barBeat, barBeat + B, harmony.chordIn(chord, 66)[0]!, 0.5);
      }
      if (parts.includes('pluck')) {
        const tones = harmony.chordIn(chord, 60);
        const arp = [...tones, tones[0]! + 12];
        const step = meter.compound ? 1 / 3 : 0.25;
        let i = 0;
        for (let p = 0; p < B - 1e-9; p += step, i++) {
          const m = arp[mat.arpShape[i % mat.arpShape.length]! % arp.length]!;
          const t = swung(barBeat, p);
          push('pluck', t, t + step * 0.9, m, i % 2 ? 0.55 : 0.8);
        }
      }
    }

    if (parts.includes('lead')) {
      for (let p = 0; p + 1 < section.bars; p += 2) {
        const phraseIndex = p / 2;
        const phrase = mat.phrases[phraseIndex % mat.phrases.length]!;
        const phraseBeat = startBeat + p * B;
        let first = Number.POSITIVE_INFINITY;
        let last = 0;
        for (const n of phrase) {
          const from = swung(phraseBeat, n.pos);
          const to = Math.max(from + 0.1, swung(phraseBeat, n.pos + n.dur));
          push('lead', from, to, n.midi, 0.8);
          first = Math.min(first, at(from));
          last = Math.max(last, at(to));
        }
        const text = section.lyrics?.[phraseIndex];
        phrases.push({ start: first, end: last, section: si, ...(text ? { text } : {}) });
      }
    }
    sections.push({ start: at(startBeat), end: at(endBeat), label: section.label, group, intensity });
    bar0 += section.bars;
  });

  const totalBeats = bar0 * B;
  const beats = Array.from({ length: totalBeats }, (_, i) => at(i));
  const downbeats = beats.filter((_, i) => i % B === 0);
  const ibis = beats.slice(1).map((t, i) => 60 / (t - beats[i]!));
  const hitsOf = (inst: Instrument) => events.filter((e) => e.inst === inst).map((e) => e.start);
  const truth: SongTruth = {
    title: spec.title,
    artist: spec.artist ?? 'beatframe synth',
    durationSec: at(totalBeats),
    beats,
    downbeats,
    bpm: Math.round(median(ibis.length ? ibis : [clock.bpmAt(0)]) * 1e6) / 1e6,
    meter: {
      beatsPerBar: B,
      beatUnit: meter.beatUnit,
      timeSignature: `${meter.numerator}/${meter.denominator}`,
      subdivision: meter.subdivision,
    },
    swing,
    key: key.name,
    sections,
    tempoMap: clock.entries,
    phrases,
    hits: { kick: hitsOf('kick'), snare: hitsOf('snare'), hat: hitsOf('hat') },
  };
  return { events, truth };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
