import type { TempoPoint } from './spec.js';

export interface TempoMapEntry {
  bar: number;
  /** Counted beat index where this point takes effect. */
  beat: number;
  /** Seconds. */
  time: number;
  bpm: number;
  /** true: the tempo ramped linearly (per beat) from the previous entry to this one. */
  ramp: boolean;
}

/**
 * Maps a continuous beat position to seconds. Tempo is piecewise constant, or linear in beats over ramps,
 * so times are exact (closed form), not accumulated.
 */
export class TempoClock {
  readonly entries: TempoMapEntry[];

  constructor(points: TempoPoint[], beatsPerBar: number) {
    const entries: TempoMapEntry[] = [];
    for (const [i, p] of points.entries()) {
      const beat = p.bar * beatsPerBar;
      const time = i === 0 ? 0 : segmentTime(entries[i - 1]!, p.bpm, Boolean(p.ramp), beat);
      entries.push({ bar: p.bar, beat, time, bpm: p.bpm, ramp: i > 0 && Boolean(p.ramp) });
    }
    this.entries = entries;
  }

  /** Seconds at (fractional) beat `b`. */
  timeAt(b: number): number {
    const i = this.segmentIndex(b);
    const e = this.entries[i]!;
    const next = this.entries[i + 1];
    if (next?.ramp) {
      const bpm = rampBpm(e, next, b);
      return e.time + rampSeconds(e.bpm, bpm, b - e.beat);
    }
    return e.time + ((b - e.beat) * 60) / e.bpm;
  }

  /** Instantaneous tempo at beat `b`. */
  bpmAt(b: number): number {
    const i = this.segmentIndex(b);
    const e = this.entries[i]!;
    const next = this.entries[i + 1];
    return next?.ramp ? rampBpm(e, next, b) : e.bpm;
  }

  private segmentIndex(b: number): number {
    let i = 0;
    while (i + 1 < this.entries.length && this.entries[i + 1]!.beat <= b) i++;
    return i;
  }
}

function rampBpm(a: TempoMapEntry, b: { beat: number; bpm: number }, at: number): number {
  return a.bpm + ((b.bpm - a.bpm) * (at - a.beat)) / (b.beat - a.beat);
}

/** ∫ 60 / bpm(x) dx over `beats` beats when bpm goes linearly from bpm0 to bpm1. */
function rampSeconds(bpm0: number, bpm1: number, beats: number): number {
  if (Math.abs(bpm1 - bpm0) < 1e-9) return (beats * 60) / bpm0;
  const k = (bpm1 - bpm0) / beats;
  return (60 / k) * Math.log(bpm1 / bpm0);
}

function segmentTime(prev: TempoMapEntry, bpm: number, ramp: boolean, beat: number): number {
  const beats = beat - prev.beat;
  return prev.time + (ramp ? rampSeconds(prev.bpm, bpm, beats) : (beats * 60) / prev.bpm);
}
