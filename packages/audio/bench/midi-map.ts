/**
 * Reads the timing skeleton of a Standard MIDI File: ticks per quarter, the tempo map, the time
 * signatures and the first/last note. Ground truth for rendered MIDI comes from here, never from the
 * analyser under test.
 */
import { readFileSync } from 'node:fs';

export interface MidiMap {
  division: number;
  /** [tick, microseconds per quarter], sorted, starting at tick 0. */
  tempos: Array<[number, number]>;
  /** [tick, numerator, denominator]. */
  timeSigs: Array<[number, number, number]>;
  firstNoteTick: number;
  lastNoteTick: number;
  /** Ticks of every note-on, sorted (drums included). */
  noteTicks: number[];
}

export function readMidiMap(path: string): MidiMap {
  const b = readFileSync(path);
  if (b.toString('latin1', 0, 4) !== 'MThd') throw new Error(`${path}: not a MIDI file`);
  const division = b.readUInt16BE(12);
  if (division & 0x8000) throw new Error(`${path}: SMPTE time division is not supported`);
  const tracks = b.readUInt16BE(10);
  const tempos: Array<[number, number]> = [];
  const timeSigs: Array<[number, number, number]> = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  const noteTicks: number[] = [];
  let p = 14;
  for (let t = 0; t < tracks && p + 8 <= b.length; t++) {
    const len = b.readUInt32BE(p + 4);
    const end = p + 8 + len;
    let q = p + 8;
    let tick = 0;
    let status = 0;
    const vlq = () => {
      let v = 0;
      for (;;) {
        const c = b[q++] as number;
        v = (v << 7) | (c & 0x7f);
        if (!(c & 0x80)) return v;
      }
    };
    while (q < end) {
      tick += vlq();
      let s = b[q] as number;
      if (s & 0x80) q++;
      else s = status;
      if (s === 0xff) {
        const type = b[q++] as number;
        const l = vlq();
        if (type === 0x51) tempos.push([tick, b.readUIntBE(q, 3)]);
        if (type === 0x58) timeSigs.push([tick, b[q] as number, 2 ** (b[q + 1] as number)]);
        q += l;
      } else if (s === 0xf0 || s === 0xf7) {
        // The length first: `q += vlq()` would add it to q as it was before vlq() moved past the length.
        const l = vlq();
        q += l;
      } else {
        status = s;
        const kind = s & 0xf0;
        const d1 = b[q] as number;
        const d2 = b[q + 1] as number;
        q += kind === 0xc0 || kind === 0xd0 ? 1 : 2;
        if (kind === 0x90 && d2 > 0) {
          first = Math.min(first, tick);
          last = Math.max(last, tick);
          noteTicks.push(tick);
        }
        void d1;
      }
    }
    p = end;
  }
  tempos.sort((x, y) => x[0] - y[0]);
  if (!tempos.length || (tempos[0] as [number, number])[0] > 0) tempos.unshift([0, 500_000]);
  timeSigs.sort((x, y) => x[0] - y[0]);
  return {
    division,
    tempos,
    timeSigs,
    firstNoteTick: Number.isFinite(first) ? first : 0,
    lastNoteTick: last,
    noteTicks: noteTicks.sort((x, y) => x - y),
  };
}

/** Seconds at a tick, through the tempo map. */
export function tickToSec(map: MidiMap, tick: number): number {
  let sec = 0;
  let prevTick = 0;
  let uspq = 500_000;
  for (const [t, u] of map.tempos) {
    if (t >= tick) break;
    sec += ((t - prevTick) * uspq) / map.division / 1e6;
    prevTick = t;
    uspq = u;
  }
  return sec + ((tick - prevTick) * uspq) / map.division / 1e6;
}

/**
 * Beats and downbeats a listener taps: quarters in x/4, dotted quarters in compound x/8 (6/8, 9/8,
 * 12/8), from the first bar holding a note to the bar holding the last one.
 */
export function tappedGrid(
  map: MidiMap,
  /** Overrides for files whose ticks do not mean quarters (mma counts eighths as beats in 6/8). */
  grid?: { beatTicks: number; beatsPerBar: number },
): { beats: number[]; downbeats: number[]; beatsPerBar: number } {
  const [, num, den] = map.timeSigs[0] ?? [0, 4, 4];
  const compound = den === 8 && num % 3 === 0 && num > 3;
  const beatTicks = grid?.beatTicks ?? (compound ? (map.division * 3) / 2 : (map.division * 4) / den);
  const beatsPerBar = grid?.beatsPerBar ?? (compound ? num / 3 : num);
  const barTicks = beatTicks * beatsPerBar;
  const startBar = Math.floor(map.firstNoteTick / barTicks);
  const endTick = map.lastNoteTick + beatTicks;
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let k = startBar * beatsPerBar; k * beatTicks <= endTick; k++) {
    const s = Math.round(tickToSec(map, k * beatTicks) * 1000) / 1000;
    beats.push(s);
    if (k % beatsPerBar === 0) downbeats.push(s);
  }
  return { beats, downbeats, beatsPerBar };
}
