// The benches' truth reader: a wrong tick here is a wrong "truth" for every tracker scored on the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMidiMap, tappedGrid } from '../bench/midi-map.ts';

const track = (events: number[]) => {
  const len = events.length;
  return [0x4d, 0x54, 0x72, 0x6b, len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...events];
};

/** Format 1, 96 ticks a quarter: a conductor track, then one note track. */
function midiFile(conductor: number[], notes: number[]): string {
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 0, 96];
  const bytes = Uint8Array.from([...header, ...track(conductor), ...track(notes)]);
  const path = join(mkdtempSync(join(tmpdir(), 'midi-map-')), 'song.mid');
  writeFileSync(path, bytes);
  return path;
}

const END = [0x00, 0xff, 0x2f, 0x00];
// Four quarter notes, a note-on and its note-off (velocity 0) each, one quarter apart.
const FOUR_QUARTERS = [
  ...[0x00, 0x90, 60, 100, 0x60, 0x90, 60, 0],
  ...[0x00, 0x90, 62, 100, 0x60, 0x90, 62, 0],
  ...[0x00, 0x90, 64, 100, 0x60, 0x90, 64, 0],
  ...[0x00, 0x90, 65, 100, 0x60, 0x90, 65, 0],
  ...END,
];

describe('readMidiMap', () => {
  it('keeps the ticks of the events after a sysex message (a GM reset before the tempo)', () => {
    // GM System On (F0 05 7E 7F 09 01 F7), then 130 bpm (461 538 µs a quarter), both at tick 0.
    const path = midiFile(
      [0x00, 0xf0, 0x05, 0x7e, 0x7f, 0x09, 0x01, 0xf7, 0x00, 0xff, 0x51, 0x03, 0x07, 0x0a, 0xe2, ...END],
      [0x00, 0xf0, 0x05, 0x7e, 0x7f, 0x09, 0x01, 0xf7, ...FOUR_QUARTERS],
    );
    const map = readMidiMap(path);
    expect(map.tempos).toEqual([[0, 461_538]]);
    expect(map.noteTicks).toEqual([0, 96, 192, 288]);
    const beats = tappedGrid(map).beats;
    expect(beats[1]).toBeCloseTo(60 / 130, 3);
  });

  it('reads a file with no sysex the same way', () => {
    const path = midiFile([0x00, 0xff, 0x51, 0x03, 0x07, 0x0a, 0xe2, ...END], FOUR_QUARTERS);
    const map = readMidiMap(path);
    expect(map.tempos).toEqual([[0, 461_538]]);
    expect(map.noteTicks).toEqual([0, 96, 192, 288]);
  });
});
