import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioAnalysis } from '@beatframe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cli-analyze-'));
const song = join(dir, 'clicks.wav');
const bad = join(dir, 'notes.mp3');

beforeAll(() => {
  // 12 s of a 120 bpm click track with an accent every fourth beat.
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    "aevalsrc='0.8*sin(2*PI*1000*t)*exp(-60*mod(t,0.5))*(1+2*lt(mod(t,2),0.5))/3':s=22050:d=12",
    song,
  ]);
  writeFileSync(bad, 'not audio at all '.repeat(40));
});

describe('beatframe analyze', () => {
  it('prints the analysis JSON for one file', async () => {
    const t = io();
    expect(await main(['analyze', song], t.io)).toBe(0);
    const a = AudioAnalysis.parse(JSON.parse(t.out.join('')));
    expect(a.bpm).toBeGreaterThan(115);
    expect(a.bpm).toBeLessThan(125);
    expect(a.beats.length).toBeGreaterThan(18);
  });

  it('explains its tempo, meter and sections on stderr with --explain, the JSON unchanged on stdout', async () => {
    const t = io();
    expect(await main(['analyze', song, '--explain'], t.io)).toBe(0);
    expect(AudioAnalysis.parse(JSON.parse(t.out.join(''))).bpm).toBeGreaterThan(115);
    const err = t.err.join('');
    expect(err).toMatch(/^clicks\.wav: tempo 1\d\d\.\d bpm .* via comb \d+\.\d/m);
    expect(err).toMatch(/^clicks\.wav: meter \d\/\d/m);
    expect(err).toMatch(/^clicks\.wav: sections: /m);
    expect(err).toMatch(
      /^clicks\.wav: cut grid: (tempo 1\d\d\.\d bpm at confidence .*: cuts on the beats|runner-up tempo)/m,
    );
    // Without the flag, nothing but the JSON.
    const quiet = io();
    expect(await main(['analyze', song], quiet.io)).toBe(0);
    expect(quiet.err.join('')).not.toContain('tempo');
  });

  it('writes DIR/<name>.analysis.json per file and exits 2 when one file is bad', async () => {
    const out = join(dir, 'out');
    const t = io();
    expect(await main(['analyze', bad, song, '--out', out], t.io)).toBe(2);
    const a = AudioAnalysis.parse(JSON.parse(readFileSync(join(out, 'clicks.analysis.json'), 'utf8')));
    expect(a.beats.length).toBeGreaterThan(18);
    const err = t.err.join('');
    expect(err).toContain(`beatframe: ${bad} is not decodable audio\n`);
    expect(err).toContain('beatframe: 1 of 2 files could not be analysed\n');
  });

  it('analyses several files two at a time, each result the same as on its own', async () => {
    const out = join(dir, 'batch');
    const copies = ['a', 'b', 'c'].map((name) => {
      const path = join(dir, `${name}.wav`);
      copyFileSync(song, path);
      return path;
    });
    const t = io();
    expect(await main(['analyze', ...copies, '--out', out], t.io)).toBe(0);
    const alone = io();
    expect(await main(['analyze', song], alone.io)).toBe(0);
    for (const name of ['a', 'b', 'c'])
      expect(JSON.parse(readFileSync(join(out, `${name}.analysis.json`), 'utf8'))).toEqual(
        JSON.parse(alone.out.join('')),
      );
    expect(t.err.join('').match(/ bpm \d\/\d, \d+ beats, \d+ sections \([\d.]+ s\) → /g)).toHaveLength(3);
  });

  it('tracks the beats at the tempo given with --bpm, and refuses a tempo nobody taps before decoding', async () => {
    // The click track at 120 read at its half, 60, because the user says so: every other click, accents kept.
    const t = io();
    expect(await main(['analyze', song, '--bpm', '60', '--explain'], t.io)).toBe(0);
    const a = AudioAnalysis.parse(JSON.parse(t.out.join('')));
    expect(a.bpm).toBeGreaterThan(58);
    expect(a.bpm).toBeLessThan(62);
    const onClicks = a.beats.filter((b) => Math.abs(b * 2 - Math.round(b * 2)) * 0.5 < 0.04);
    expect(onClicks.length).toBe(a.beats.length);
    expect(t.err.join('')).toMatch(/^clicks\.wav: tempo 60\.\d bpm .*tempo given: 60/m);
    // A tempo given roughly (the musician's guess, 5 % slow) keeps its level but follows the music's own.
    const rough = io();
    expect(await main(['analyze', song, '--bpm', '114'], rough.io)).toBe(0);
    expect(AudioAnalysis.parse(JSON.parse(rough.out.join(''))).bpm).toBeCloseTo(120, 0);
    for (const bad of ['fast', '0', '900', '']) {
      const e = io();
      expect(await main(['analyze', song, '--bpm', bad], e.io)).toBe(2);
      expect(e.err.join('')).toBe(`beatframe: --bpm must be the song's tempo, 30–300 BPM, not ${bad}\n`);
      expect(e.out.join('')).toBe('');
    }
  });

  it('one bad file is a one-line error with exit 2', async () => {
    const t = io();
    expect(await main(['analyze', join(dir, 'missing.wav')], t.io)).toBe(2);
    expect(t.err.join('')).toBe(`beatframe: ${join(dir, 'missing.wav')}: no such file\n`);
  });
});
