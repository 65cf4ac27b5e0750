/**
 * Over 400 lines because it holds the songs themselves (scores, parts, sections) beside their renderer.
 *
 * Annotated test music that our own code does not synthesise: MIDI songs written here, rendered by
 * fluidsynth with the General MIDI FluidR3 soundfont (real sampled instruments). Beat, downbeat and
 * section truth comes from the score, so it is exact; performance timing is humanised on top.
 *
 * Erasable TypeScript only: Node runs this file directly for the benchmark.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xorshift32 } from '@beatframe/core';
import { cacheFile } from './cache-file.ts';

export const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
/** Share of melody notes redrawn in each repeat of a section. */
const VARIATION = 0.3;

export interface SectionSpec {
  label: string;
  group: string;
  bars: number;
}

export interface SongSpec {
  name: string;
  /** Beats per bar and what a beat is: 4/4, 3/4, or 6/8 (two dotted-quarter beats per bar). */
  meter: '4/4' | '3/4' | '6/8';
  /** Tempo (beats per minute) as a function of the beat index. */
  bpmAt: (beat: number) => number;
  sections: SectionSpec[];
  drums: boolean;
  /** 0 straight … 1/3 full triplet swing of the eighths. */
  swing: number;
  /** Timing jitter, seconds (standard deviation). */
  humanize: number;
  seed: number;
  /** GM programs per group: [harmony, bass, lead]. */
  instruments: Record<string, [number, number, number]>;
  /** Which progression each group plays (default: its own letter), e.g. a verse and chorus on the same chords. */
  progressionOf?: Record<string, string>;
  /** 'four': a kick on every beat (dance music). */
  kick?: 'rock' | 'four';
}

export interface Truth {
  beats: number[];
  downbeats: number[];
  sections: Array<{ start: number; end: number; label: string; group: string }>;
  beatsPerBar: number;
  durationSec: number;
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

interface Note {
  t: number;
  dur: number;
  ch: number;
  key: number;
  vel: number;
}

/** A standard MIDI file (format 0) where one tick is one millisecond: 500 ticks per quarter at 120 bpm. */
export function writeMidi(
  notes: Note[],
  programs: Array<{ t: number; ch: number; program: number }>,
): Uint8Array {
  const events: Array<{ tick: number; bytes: number[] }> = [];
  const tick = (s: number) => Math.max(0, Math.round(s * 1000));
  for (const p of programs) events.push({ tick: tick(p.t), bytes: [0xc0 | p.ch, p.program] });
  for (const n of notes) {
    events.push({
      tick: tick(n.t),
      bytes: [0x90 | n.ch, n.key, Math.max(1, Math.min(127, Math.round(n.vel)))],
    });
    events.push({ tick: tick(n.t + n.dur), bytes: [0x80 | n.ch, n.key, 0] });
  }
  // Note-offs before note-ons at the same tick; program changes first of all.
  const order = (b: number[]) =>
    ((b[0] as number) & 0xf0) === 0xc0 ? 0 : ((b[0] as number) & 0xf0) === 0x80 ? 1 : 2;
  events.sort((a, b) => a.tick - b.tick || order(a.bytes) - order(b.bytes));
  const data: number[] = [0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]; // 500 000 µs per quarter
  const vlq = (v: number) => {
    const out = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) out.unshift((x & 0x7f) | 0x80);
    return out;
  };
  let last = 0;
  for (const e of events) {
    data.push(...vlq(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  data.push(...vlq(1000), 0xff, 0x2f, 0x00);
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xf4]; // division 500
  const len = data.length;
  const track = [
    0x4d,
    0x54,
    0x72,
    0x6b,
    (len >>> 24) & 255,
    (len >>> 16) & 255,
    (len >>> 8) & 255,
    len & 255,
  ];
  return Uint8Array.from([...header, ...track, ...data]);
}

// Chord progressions (semitones above the tonic, triads) per material group.
const PROGRESSIONS: Record<string, number[][]> = {
  I: [
    [0, 4, 7],
    [0, 4, 7],
    [5, 9, 12],
    [7, 11, 14],
  ],
  A: [
    [0, 4, 7],
    [9, 12, 16],
    [5, 9, 12],
    [7, 11, 14],
  ],
  B: [
    [5, 9, 12],
    [7, 11, 14],
    [4, 7, 11],
    [9, 12, 16],
  ],
  C: [
    [2, 5, 9],
    [7, 11, 14],
    [0, 4, 7],
    [3, 7, 10],
  ],
  D: [
    [9, 12, 16],
    [4, 8, 11],
    [5, 9, 12],
    [4, 8, 11],
  ],
  O: [
    [5, 9, 12],
    [0, 4, 7],
    [7, 11, 14],
    [0, 4, 7],
  ],
};

/** Renders the score to notes and the truth annotations. */
export function compose(spec: SongSpec): {
  notes: Note[];
  programs: Array<{ t: number; ch: number; program: number }>;
  truth: Truth;
} {
  const r = xorshift32(spec.seed);
  const beatsPerBar = spec.meter === '4/4' ? 4 : spec.meter === '3/4' ? 3 : 2;
  const subdiv = spec.meter === '6/8' ? 3 : 2;
  const totalBars = spec.sections.reduce((a, s) => a + s.bars, 0);
  const totalBeats = totalBars * beatsPerBar;
  const lead = 0.5; // silence before the music starts
  const beatTimes: number[] = [lead];
  for (let b = 0; b < totalBeats; b++) beatTimes.push((beatTimes[b] as number) + 60 / spec.bpmAt(b));
  const notes: Note[] = [];
  const programs: Array<{ t: number; ch: number; program: number }> = [];
  const tonic = 48 + Math.floor(r() * 7);
  const j = () => gauss(r) * spec.humanize;
  const subTime = (beat: number, k: number) => {
    const t0 = beatTimes[beat] as number;
    const p = (beatTimes[beat + 1] as number) - t0;
    if (subdiv === 3) return t0 + (p * k) / 3;
    return t0 + p * (k === 0 ? 0 : 0.5 + spec.swing / 2);
  };
  // Per-group melodies are drawn once so repeats replay the same material.
  const melodies = new Map<string, number[]>();
  const occurrences = new Map<string, number>();
  const sections: Truth['sections'] = [];
  let bar = 0;
  for (const sec of spec.sections) {
    const [harmonyProg, bassProg, leadProg] = spec.instruments[sec.group] ?? [0, 33, 73];
    const t0 = beatTimes[bar * beatsPerBar] as number;
    programs.push(
      { t: Math.max(0, t0 - 0.05), ch: 0, program: harmonyProg },
      { t: Math.max(0, t0 - 0.05), ch: 1, program: bassProg },
      { t: Math.max(0, t0 - 0.05), ch: 2, program: leadProg },
    );
    const prog = PROGRESSIONS[spec.progressionOf?.[sec.group] ?? sec.group] ?? PROGRESSIONS.A ?? [];
    if (!melodies.has(sec.group))
      melodies.set(
        sec.group,
        Array.from({ length: 64 }, () => Math.floor(r() * 5)),
      );
    // A repeat is the same material, not a copy: a share of the melody changes (other lyrics, ad libs).
    const seen = (occurrences.get(sec.group) ?? 0) + 1;
    occurrences.set(sec.group, seen);
    const melody = (melodies.get(sec.group) ?? []).map((m) =>
      seen > 1 && r() < VARIATION ? Math.floor(r() * 5) : m,
    );
    const loud = sec.label === 'chorus' ? 1 : sec.label === 'intro' || sec.label === 'outro' ? 0.6 : 0.8;
    for (let b = 0; b < sec.bars; b++) {
      const chord = (prog[b % prog.length] ?? [0, 4, 7]).map((x) => x + tonic);
      const barBeat = (bar + b) * beatsPerBar;
      const barStart = beatTimes[barBeat] as number;
      const barEnd = beatTimes[barBeat + beatsPerBar] as number;
      // Harmony: a chord per bar, re-struck on every beat in choruses (denser), once per bar elsewhere.
      const strikes = sec.label === 'chorus' ? beatsPerBar : 1;
      for (let s = 0; s < strikes; s++) {
        const st = beatTimes[barBeat + (s * beatsPerBar) / strikes] as number;
        for (const k of chord)
          notes.push({
            t: st + j(),
            dur: (barEnd - barStart) / strikes - 0.02,
            ch: 0,
            key: k + 12,
            vel: 70 * loud + r() * 10,
          });
      }
      // Bass on the downbeat and the middle of the bar.
      notes.push({ t: barStart + j(), dur: 0.4, ch: 1, key: (chord[0] as number) - 12, vel: 95 * loud });
      if (beatsPerBar >= 4 || spec.meter === '6/8')
        notes.push({
          t: beatTimes[barBeat + Math.floor(beatsPerBar / 2)] as number,
          dur: 0.3,
          ch: 1,
          key: (chord[0] as number) - 12 + (r() < 0.5 ? 7 : 0),
          vel: 80 * loud,
        });
      // Lead: one note per subdivision from a per-group motif; skipped in intros.
      if (sec.label !== 'intro') {
        for (let q = 0; q < beatsPerBar; q++)
          for (let k = 0; k < subdiv; k++) {
            const m = melody[(b * beatsPerBar * subdiv + q * subdiv + k) % melody.length] ?? 0;
            if (m === 4) continue; // rests
            const scale = [0, 2, 4, 7, 9];
            notes.push({
              t: subTime(barBeat + q, k) + j(),
              dur: 0.18,
              ch: 2,
              key: tonic + 24 + (scale[m] as number),
              vel: (k === 0 ? 85 : 65) * loud + r() * 10,
            });
          }
      }
      // Drums (channel 10): kick, snare, hats; a crash at each section start.
      if (spec.drums && sec.label !== 'intro') {
        if (b === 0) notes.push({ t: barStart, dur: 0.5, ch: 9, key: 49, vel: 100 });
        for (let q = 0; q < beatsPerBar; q++) {
          const bt = barBeat + q;
          const kick = spec.kick === 'four' || (spec.meter === '4/4' ? q === 0 || q === 2 : q === 0);
          const snare = spec.meter === '3/4' ? q > 0 : spec.meter === '6/8' ? q === 1 : q === 1 || q === 3;
          if (kick)
            notes.push({ t: (beatTimes[bt] as number) + j(), dur: 0.1, ch: 9, key: 36, vel: 110 * loud });
          // A snare fill across the last beat of a section leads into the next one.
          if (b === sec.bars - 1 && q === beatsPerBar - 1)
            for (let k = 1; k < 4; k++) {
              const p = (beatTimes[bt + 1] as number) - (beatTimes[bt] as number);
              notes.push({
                t: (beatTimes[bt] as number) + (k * p) / 4 + j(),
                dur: 0.05,
                ch: 9,
                key: k === 3 ? 45 : 38,
                vel: 70 + 10 * k,
              });
            }
          if (snare)
            notes.push({ t: (beatTimes[bt] as number) + j(), dur: 0.1, ch: 9, key: 38, vel: 95 * loud });
          for (let k = 0; k < subdiv; k++)
            notes.push({
              t: subTime(bt, k) + j(),
              dur: 0.05,
              ch: 9,
              key: 42,
              vel: (k === 0 ? 70 : 50) * loud,
            });
        }
      }
    }
    sections.push({
      start: t0,
      end: beatTimes[(bar + sec.bars) * beatsPerBar] as number,
      label: sec.label,
      group: sec.group,
    });
    bar += sec.bars;
  }
  const end = (beatTimes[totalBeats] as number) + 1;
  const beats = beatTimes.slice(0, totalBeats);
  const downbeats = beats.filter((_, i) => i % beatsPerBar === 0);
  // The truth's first section starts at 0 (the lead-in belongs to it), its last ends with the file.
  (sections[0] as { start: number }).start = 0;
  (sections.at(-1) as { end: number }).end = end;
  return { notes, programs, truth: { beats, downbeats, sections, beatsPerBar, durationSec: end } };
}

/** Renders a spec to `dir/<name>.wav` (cached) and returns its path and truth. */
export function renderSong(spec: SongSpec, dir: string): { wav: string; truth: Truth } {
  mkdirSync(dir, { recursive: true });
  const { notes, programs, truth } = compose(spec);
  const midi = writeMidi(notes, programs);
  // The file name carries the score's digest, so an edited score never reuses a stale render.
  const digest = createHash('sha1').update(midi).digest('hex').slice(0, 8);
  const wav = join(dir, `${spec.name}-${digest}.wav`);
  const mid = join(dir, `${spec.name}-${digest}.mid`);
  cacheFile(wav, (tmp) => {
    writeFileSync(mid, midi);
    execFileSync('fluidsynth', ['-ni', '-q', '-g', '0.7', '-F', tmp, '-r', '22050', SOUNDFONT, mid], {
      stdio: 'ignore',
    });
  });
  return { wav, truth };
}

const pop: Record<string, [number, number, number]> = {
  I: [4, 33, 73],
  A: [0, 33, 26],
  B: [48, 34, 80],
  C: [19, 32, 65],
  O: [4, 33, 73],
};
const acoustic: Record<string, [number, number, number]> = {
  I: [24, 32, 0],
  A: [0, 32, 24],
  B: [25, 32, 40],
  C: [46, 42, 71],
  O: [24, 32, 0],
};
const organ: Record<string, [number, number, number]> = {
  I: [16, 32, 11],
  A: [17, 33, 65],
  B: [61, 34, 56],
  C: [52, 32, 68],
  D: [62, 38, 81],
  O: [16, 32, 11],
};

const verseChorus = (verseBars = 8, chorusBars = 8): SectionSpec[] => [
  { label: 'intro', group: 'I', bars: 4 },
  { label: 'verse', group: 'A', bars: verseBars },
  { label: 'chorus', group: 'B', bars: chorusBars },
  { label: 'verse', group: 'A', bars: verseBars },
  { label: 'chorus', group: 'B', bars: chorusBars },
  { label: 'bridge', group: 'C', bars: 8 },
  { label: 'chorus', group: 'B', bars: chorusBars },
  { label: 'outro', group: 'O', bars: 4 },
];

/** The benchmark set: tempo changes, swing, 3/4, 6/8, songs with and without drums. */
export function benchmarkSongs(): SongSpec[] {
  return [
    {
      name: 'pop-120',
      meter: '4/4',
      bpmAt: () => 120,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.008,
      seed: 1,
      instruments: pop,
    },
    {
      name: 'rock-96-human',
      meter: '4/4',
      bpmAt: () => 96,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.015,
      seed: 2,
      instruments: organ,
    },
    {
      name: 'ballad-76-nodrums',
      meter: '4/4',
      bpmAt: () => 76,
      sections: verseChorus(4, 4),
      drums: false,
      swing: 0,
      humanize: 0.012,
      seed: 3,
      instruments: acoustic,
    },
    {
      name: 'waltz-3-4-138',
      meter: '3/4',
      bpmAt: () => 138,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.01,
      seed: 4,
      instruments: acoustic,
    },
    {
      name: 'jig-6-8-84',
      meter: '6/8',
      bpmAt: () => 84,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.01,
      seed: 5,
      instruments: organ,
    },
    {
      name: 'swing-150',
      meter: '4/4',
      bpmAt: () => 150,
      sections: verseChorus(),
      drums: true,
      swing: 1 / 3,
      humanize: 0.01,
      seed: 6,
      instruments: pop,
    },
    {
      name: 'accelerando-100-132',
      meter: '4/4',
      bpmAt: (b) => (b < 64 ? 100 : b < 128 ? 100 + ((b - 64) * 32) / 64 : 132),
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.008,
      seed: 7,
      instruments: organ,
    },
    {
      name: 'tempo-jump-90-120',
      meter: '4/4',
      bpmAt: (b) => (b < 100 ? 90 : 120),
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.008,
      seed: 8,
      instruments: pop,
    },
    {
      name: 'drift-108-nodrums',
      meter: '4/4',
      bpmAt: (b) => 108 * (1 + 0.04 * Math.sin(b / 20)),
      sections: verseChorus(),
      drums: false,
      swing: 0.15,
      humanize: 0.012,
      seed: 9,
      instruments: acoustic,
    },
    {
      name: 'same-chords-112',
      meter: '4/4',
      bpmAt: () => 112,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.012,
      seed: 12,
      instruments: acoustic,
      progressionOf: { B: 'A', O: 'I' },
    },
    {
      name: 'sloppy-104-human25ms',
      meter: '4/4',
      bpmAt: () => 104,
      sections: verseChorus(),
      drums: true,
      swing: 0.1,
      humanize: 0.025,
      seed: 13,
      instruments: organ,
    },
    {
      name: 'irregular-form-100',
      meter: '4/4',
      bpmAt: () => 100,
      sections: [
        { label: 'intro', group: 'I', bars: 2 },
        { label: 'verse', group: 'A', bars: 12 },
        { label: 'chorus', group: 'B', bars: 8 },
        { label: 'verse', group: 'A', bars: 12 },
        { label: 'chorus', group: 'B', bars: 8 },
        { label: 'bridge', group: 'D', bars: 6 },
        { label: 'chorus', group: 'B', bars: 8 },
        { label: 'chorus', group: 'B', bars: 8 },
        { label: 'outro', group: 'O', bars: 6 },
      ],
      drums: true,
      swing: 0,
      humanize: 0.01,
      seed: 14,
      instruments: organ,
    },
    {
      name: 'rubato-piano-66',
      meter: '4/4',
      bpmAt: (b) => 66 * (1 + 0.08 * Math.sin(b / 9)),
      sections: verseChorus(4, 4),
      drums: false,
      swing: 0,
      humanize: 0.02,
      seed: 15,
      instruments: { I: [0, 0, 0], A: [0, 0, 0], B: [0, 0, 0], C: [0, 0, 0], O: [0, 0, 0] },
    },
    {
      name: 'dance-128-four',
      meter: '4/4',
      bpmAt: () => 128,
      sections: verseChorus(),
      drums: true,
      swing: 0,
      humanize: 0.004,
      seed: 16,
      instruments: { I: [81, 38, 90], A: [89, 38, 81], B: [50, 39, 87], C: [95, 38, 82], O: [81, 38, 90] },
      kick: 'four',
    },
    {
      name: 'waltz-3-4-nodrums-120',
      meter: '3/4',
      bpmAt: () => 120,
      sections: verseChorus(),
      drums: false,
      swing: 0,
      humanize: 0.01,
      seed: 10,
      instruments: organ,
    },
  ];
}

/** A four-minute song for the speed benchmark. */
export function fourMinuteSong(): SongSpec {
  const s = verseChorus(16, 16);
  return {
    name: 'speed-4min-120',
    meter: '4/4',
    bpmAt: () => 120,
    sections: [
      ...s,
      { label: 'chorus', group: 'B', bars: 16 },
      { label: 'chorus', group: 'B', bars: 8 },
      { label: 'outro', group: 'O', bars: 4 },
    ],
    drums: true,
    swing: 0,
    humanize: 0.008,
    seed: 11,
    instruments: pop,
  };
}
