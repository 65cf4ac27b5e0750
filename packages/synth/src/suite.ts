import type { SectionSpec, SongSpec } from './spec.js';

export interface BenchmarkSong {
  /** File-name-safe id, e.g. "steady-128". */
  name: string;
  /** What the song tests. */
  description: string;
  spec: SongSpec;
}

/** Repeats the A/B pair `times` times, with an intro and an outro: repeated groups make sections scoreable. */
function abab(a: SectionSpec, b: SectionSpec, times: number, extra: SectionSpec[] = []): SectionSpec[] {
  const body: SectionSpec[] = [];
  for (let i = 0; i < times; i++) body.push({ ...a }, { ...b });
  return [
    { label: 'intro', bars: 2, group: 'intro' },
    ...body,
    ...extra,
    { label: 'outro', bars: 2, group: 'outro' },
  ];
}

const V = (bars: number): SectionSpec => ({ label: 'verse', bars, group: 'A' });
const C = (bars: number): SectionSpec => ({ label: 'chorus', bars, group: 'B' });

/**
 * Varied songs for beat, downbeat, meter and section benchmarks. Each has repeated sections (A B A B…),
 * and most last 30–60 s so a whole suite renders and analyses quickly.
 */
export function benchmarkSuite(): BenchmarkSong[] {
  return [
    {
      name: 'steady-090',
      description: 'steady 4/4 at 90 bpm, pop groove, C major',
      spec: { title: 'Steady 90', seed: 11, tempo: 90, key: 'C major', sections: abab(V(4), C(4), 2) },
    },
    {
      name: 'steady-128',
      description: 'steady 4/4 at 128 bpm, four-on-the-floor, F minor',
      spec: {
        title: 'Steady 128',
        seed: 12,
        tempo: 128,
        key: 'F minor',
        groove: 'four-on-the-floor',
        sections: abab(V(8), C(8), 2),
      },
    },
    {
      name: 'steady-170',
      description: 'steady 4/4 at 170 bpm, rock groove, E minor (octave errors likely)',
      spec: {
        title: 'Steady 170',
        seed: 13,
        tempo: 170,
        key: 'E minor',
        groove: 'rock',
        sections: abab(V(8), C(8), 2),
      },
    },
    {
      name: 'ramp-100-130',
      description: 'tempo glides linearly from 100 to 130 bpm over the first 18 bars, then holds',
      spec: {
        title: 'Ramp 100 to 130',
        seed: 14,
        tempo: [
          { bar: 0, bpm: 100 },
          { bar: 18, bpm: 130, ramp: true },
        ],
        key: 'G major',
        sections: abab(V(4), C(4), 3),
      },
    },
    {
      name: 'jump-96-132',
      description: 'sudden tempo change from 96 to 132 bpm at bar 14 (a chorus start)',
      spec: {
        title: 'Jump 96 to 132',
        seed: 15,
        tempo: [
          { bar: 0, bpm: 96 },
          { bar: 14, bpm: 132 },
        ],
        key: 'D minor',
        sections: abab(V(4), C(4), 3),
      },
    },
    {
      name: 'swing-064',
      description: 'swung eighths (ratio 0.64) in 4/4 at 104 bpm: off-beats late, beats on time',
      spec: {
        title: 'Swing 0.64',
        seed: 16,
        tempo: 104,
        swing: 0.64,
        key: 'D dorian',
        groove: 'rock',
        sections: abab(V(4), C(4), 2),
      },
    },
    {
      name: 'waltz-3-4',
      description: '3/4 waltz at 138 bpm (3 quarter-note beats per bar), G major',
      spec: {
        title: 'Waltz',
        seed: 17,
        tempo: 138,
        meter: '3/4',
        key: 'G major',
        sections: abab(V(8), C(8), 2),
      },
    },
    {
      name: 'six-eight',
      description: '6/8 at 66 dotted-quarter bpm: 2 beats per bar, 3 eighths per beat, A minor',
      spec: {
        title: 'Six Eight',
        seed: 18,
        tempo: 66,
        meter: '6/8',
        key: 'A minor',
        sections: abab(V(4), C(4), 2),
      },
    },
    {
      name: 'ambient-076',
      description: 'sparse ambient song at 76 bpm: long pads, weak drums',
      spec: {
        title: 'Ambient',
        seed: 19,
        tempo: 76,
        key: 'Eb major',
        groove: 'ambient',
        sections: abab(
          { label: 'verse', bars: 4, group: 'A', intensity: 0.35 },
          { label: 'chorus', bars: 4, group: 'B', intensity: 0.6 },
          2,
        ),
      },
    },
    {
      name: 'syncopated-112',
      description: 'syncopated kicks and 16th hats at 112 bpm, B minor',
      spec: {
        title: 'Syncopated',
        seed: 20,
        tempo: 112,
        key: 'B minor',
        groove: 'syncopated',
        sections: abab(V(4), C(4), 2),
      },
    },
    {
      name: 'abacab-120',
      description: 'A B A B C B form with a half-time bridge (C) at 120 bpm',
      spec: {
        title: 'Bridge Form',
        seed: 21,
        tempo: 120,
        key: 'E major',
        sections: abab(V(4), C(4), 2, [
          { label: 'bridge', bars: 4, group: 'C' },
          { label: 'chorus', bars: 4, group: 'B' },
        ]),
      },
    },
  ];
}
