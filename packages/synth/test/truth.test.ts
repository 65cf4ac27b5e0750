import { InputError } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import {
  arrangeSong,
  benchmarkSuite,
  demoLyricsLrc,
  demoSong,
  type SongSpec,
  TempoClock,
} from '../src/index.js';

const base: SongSpec = {
  title: 't',
  seed: 3,
  tempo: 120,
  sections: [
    { label: 'verse', bars: 4, group: 'A' },
    { label: 'chorus', bars: 4, group: 'B' },
  ],
};

describe('ground truth', () => {
  it('steady tempo: beat count × period = duration, downbeats every bar', () => {
    for (const bpm of [90, 128, 170]) {
      const { truth } = arrangeSong({ ...base, tempo: bpm });
      const period = 60 / bpm;
      expect(truth.beats).toHaveLength(32);
      expect(truth.beats.length * period).toBeCloseTo(truth.durationSec, 9);
      for (const [i, b] of truth.beats.entries()) expect(b).toBeCloseTo(i * period, 9);
      expect(truth.downbeats).toEqual(truth.beats.filter((_, i) => i % 4 === 0));
      expect(truth.bpm).toBe(bpm);
      expect(truth.sections.map((s) => [s.label, s.group])).toEqual([
        ['verse', 'A'],
        ['chorus', 'B'],
      ]);
      expect(truth.sections[0]!.end).toBeCloseTo(16 * period, 9);
    }
  });

  it('a linear ramp matches numeric integration of the tempo curve, and a jump changes the period at once', () => {
    const clock = new TempoClock(
      [
        { bar: 0, bpm: 100 },
        { bar: 4, bpm: 130, ramp: true },
      ],
      4,
    );
    // Integrate 60/bpm(b) db in small steps: the closed form must agree.
    let t = 0;
    const steps = 160_000;
    for (let i = 0; i < steps; i++) t += 60 / clock.bpmAt(((i + 0.5) * 16) / steps) / (steps / 16);
    expect(clock.timeAt(16)).toBeCloseTo(t, 6);
    expect(clock.bpmAt(8)).toBeCloseTo(115, 9);
    expect(clock.timeAt(20) - clock.timeAt(16)).toBeCloseTo((4 * 60) / 130, 9);

    const ramp = arrangeSong(benchmarkSuite().find((b) => b.name === 'ramp-100-130')!.spec).truth;
    const ibis = ramp.beats.slice(1).map((b, i) => b - ramp.beats[i]!);
    for (let i = 1; i < 18 * 4; i++) expect(ibis[i]!).toBeLessThan(ibis[i - 1]!);
    expect(60 / ibis[0]!).toBeCloseTo(100, 0);
    expect(60 / ibis[ibis.length - 1]!).toBeCloseTo(130, 6);

    const jump = arrangeSong(benchmarkSuite().find((b) => b.name === 'jump-96-132')!.spec).truth;
    const j = jump.beats.slice(1).map((b, i) => b - jump.beats[i]!);
    expect(j[14 * 4 - 1]!).toBeCloseTo(60 / 96, 9);
    expect(j[14 * 4]!).toBeCloseTo(60 / 132, 9);
    expect(jump.tempoMap.map((e) => [e.bar, e.bpm, e.ramp])).toEqual([
      [0, 96, false],
      [14, 132, false],
    ]);
  });

  it('counts 6/8 in dotted quarters (2 beats per bar) and 3/4 in quarters', () => {
    const six = arrangeSong({ ...base, meter: '6/8', tempo: 60 }).truth;
    expect(six.meter).toEqual({ beatsPerBar: 2, beatUnit: 8, timeSignature: '6/8', subdivision: 3 });
    expect(six.beats).toHaveLength(16);
    expect(six.beats[1]).toBeCloseTo(1, 9);
    expect(six.downbeats).toHaveLength(8);
    // Hats on every eighth: three per counted beat.
    const hatsInBeat = six.hits.hat.filter((t) => t >= 4 && t < 5 - 1e-9);
    expect(hatsInBeat.map((t) => t - 4)).toEqual([0, 1 / 3, 2 / 3].map((x) => expect.closeTo(x, 9)));

    const waltz = arrangeSong({ ...base, meter: '3/4' }).truth;
    expect(waltz.meter.beatsPerBar).toBe(3);
    expect(waltz.beats).toHaveLength(24);
    expect(waltz.downbeats).toEqual(waltz.beats.filter((_, i) => i % 3 === 0));
  });

  it('swing moves the off-beat eighths and leaves the beats alone', () => {
    const straight = arrangeSong({ ...base, groove: 'rock' }).truth;
    const swung = arrangeSong({ ...base, groove: 'rock', swing: 0.64 }).truth;
    expect(swung.beats).toEqual(straight.beats);
    const period = 0.5;
    const offbeats = (hits: number[]) =>
      hits.map((t) => (t / period) % 1).filter((f) => f > 0.01 && f < 0.99);
    expect(offbeats(straight.hits.hat).every((f) => Math.abs(f - 0.5) < 1e-9)).toBe(true);
    const sw = offbeats(swung.hits.hat);
    expect(sw.length).toBeGreaterThan(20);
    expect(sw.every((f) => Math.abs(f - 0.64) < 1e-9)).toBe(true);
    expect(swung.swing).toBe(0.64);
  });

  it('repeated groups reuse their material; different groups differ', () => {
    const { events, truth } = arrangeSong(demoSong());
    const rel = (si: number, inst: string) =>
      events
        .filter((e) => e.section === si && e.inst === inst)
        .map((e) => `${(e.start - truth.sections[si]!.start).toFixed(6)}:${e.midi}`);
    for (const inst of ['kick', 'snare', 'hat', 'bass', 'pad', 'lead'])
      expect(rel(3, inst)).toEqual(rel(1, inst));
    expect(rel(4, 'lead')).toEqual(rel(2, 'lead'));
    expect(rel(2, 'pad')).not.toEqual(rel(1, 'pad'));
    expect(rel(5, 'pad')).not.toEqual(rel(1, 'pad'));
    // Intro: pads only; chorus: the full kit, arp and lead.
    expect(new Set(events.filter((e) => e.section === 0).map((e) => e.inst))).toEqual(new Set(['pad']));
    expect(new Set(events.filter((e) => e.section === 2).map((e) => e.inst))).toEqual(
      new Set(['kick', 'snare', 'clap', 'hat', 'openhat', 'bass', 'pad', 'pluck', 'lead']),
    );
  });

  it('the demo song is a ~70 s 4/4 song with the planned form and timed lyrics', () => {
    const { truth } = arrangeSong(demoSong());
    expect(truth.durationSec).toBeGreaterThan(64);
    expect(truth.durationSec).toBeLessThan(80);
    expect(truth.bpm).toBeGreaterThanOrEqual(112);
    expect(truth.bpm).toBeLessThanOrEqual(124);
    expect(truth.sections.map((s) => s.label)).toEqual([
      'intro',
      'verse',
      'chorus',
      'verse',
      'chorus',
      'bridge',
      'chorus',
      'outro',
    ]);
    const lrc = demoLyricsLrc();
    const lines = [...lrc.matchAll(/^\[(\d\d):(\d\d\.\d\d)\](.*)$/gm)].map((m) => ({
      t: Number(m[1]) * 60 + Number(m[2]),
      text: m[3]!,
    }));
    const sung = lines.filter((l) => l.text);
    expect(sung).toHaveLength(12);
    expect(lrc).toContain('[ti:Neon Tide]');
    for (const l of sung) {
      const phrase = truth.phrases.find((p) => Math.abs(p.start - l.t) < 0.006);
      expect(phrase?.text).toBe(l.text);
    }
    // Times increase; a blank line clears the caption before the instrumental bridge.
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.t).toBeGreaterThan(lines[i - 1]!.t);
    const bridge = truth.sections[5]!;
    expect(lines.some((l) => !l.text && l.t < bridge.start + 1 && l.t > bridge.start - 3)).toBe(true);
  });

  it('the benchmark suite is varied and every song has repeated sections', () => {
    const suite = benchmarkSuite();
    expect(suite.length).toBeGreaterThanOrEqual(8);
    expect(suite.length).toBeLessThanOrEqual(12);
    expect(new Set(suite.map((s) => s.name)).size).toBe(suite.length);
    const meters = new Set<string>();
    for (const { name, spec } of suite) {
      const { truth } = arrangeSong(spec);
      meters.add(truth.meter.timeSignature);
      expect(truth.durationSec, name).toBeGreaterThan(25);
      expect(truth.durationSec, name).toBeLessThan(90);
      const groups = truth.sections.map((s) => s.group);
      expect(
        groups.some((g, i) => groups.indexOf(g) !== i),
        name,
      ).toBe(true);
      for (let i = 1; i < truth.sections.length; i++) {
        expect(truth.sections[i]!.start, name).toBeCloseTo(truth.sections[i - 1]!.end, 9);
      }
      expect(truth.sections.at(-1)!.end).toBeCloseTo(truth.durationSec, 9);
    }
    expect(meters).toEqual(new Set(['4/4', '3/4', '6/8']));
    expect(suite.some((s) => (s.spec.swing ?? 0.5) > 0.6)).toBe(true);
  });

  it('rejects bad specs with one-line input errors', () => {
    const bad: Array<[Partial<SongSpec>, RegExp]> = [
      [{ meter: '5/8' }, /x\/8 meters must be compound/],
      [{ meter: 'waltz' }, /not a time signature/],
      [{ tempo: 0 }, /out of range/],
      [{ key: 'H minor' }, /not a key/],
      [{ swing: 0.9 }, /swing/],
      [{ meter: '6/8', swing: 0.6 }, /simple meters only/],
      [{ sections: [] }, /at least one section/],
      [{ sections: [{ label: 'verse', bars: 0 }] }, /bars must be a whole number/],
      [{ sections: [{ label: 'hook' as 'verse', bars: 2 }] }, /unknown label "hook"/],
      [
        {
          tempo: [
            { bar: 0, bpm: 100 },
            { bar: 99, bpm: 120 },
          ],
        },
        /past the song's end/,
      ],
    ];
    for (const [patch, msg] of bad) {
      let err: unknown;
      try {
        arrangeSong({ ...base, ...patch });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(patch)).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
