import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import {
  benchmarkSuite,
  demoSong,
  encodeWav,
  type RenderedSong,
  renderSong,
  type SongSpec,
  writeDemoSong,
} from '../src/index.js';

const SR = 22050;

/** Squared output of a one-pole filter on the mono mix: 'low' below the cutoff, 'high' above it. */
function bandPower(
  song: RenderedSong,
  band: 'low' | 'high',
  cutoff = band === 'low' ? 150 : 5000,
): Float64Array {
  const out = new Float64Array(song.left.length);
  const a = Math.exp((-2 * Math.PI * cutoff) / song.sampleRate);
  let lp = 0;
  for (let i = 0; i < out.length; i++) {
    const x = (song.left[i]! + song.right[i]!) / 2;
    lp = a * lp + (1 - a) * x;
    const y = band === 'low' ? lp : x - lp;
    out[i] = y * y;
  }
  return out;
}

function meanPower(p: Float64Array, sr: number, t0: number, t1: number): number {
  const a = Math.max(0, Math.round(t0 * sr));
  const b = Math.min(p.length, Math.round(t1 * sr));
  let s = 0;
  for (let i = a; i < b; i++) s += p[i]!;
  return s / Math.max(1, b - a);
}

/** How much the band's power jumps at `t`: the next `win` seconds against the previous `win`. */
function rise(p: Float64Array, sr: number, t: number, win = 0.03): number {
  return meanPower(p, sr, t, t + win) / (meanPower(p, sr, t - win, t) + 1e-12);
}

describe('rendered audio', () => {
  it('puts a low-frequency onset at every kick the truth lists, and none on the grid without one', () => {
    const song = renderSong(benchmarkSuite().find((b) => b.name === 'steady-090')!.spec, { sampleRate: SR });
    const low = bandPower(song, 'low');
    const kicks = song.truth.hits.kick;
    expect(kicks.length).toBeGreaterThan(40);
    for (const t of kicks) expect(rise(low, SR, t), `kick at ${t}`).toBeGreaterThan(10);
    // Every eighth-note grid point with no kick near it: the bass and pads move there, but nothing thumps.
    const eighths = song.truth.beats.flatMap((b) => [b, b + 60 / 90 / 2]);
    const drums = song.truth.sections.filter((s) => s.label === 'verse' || s.label === 'chorus');
    const empty = eighths.filter(
      (t) => drums.some((s) => t > s.start + 0.05 && t < s.end) && !kicks.some((k) => Math.abs(k - t) < 0.05),
    );
    expect(empty.length).toBeGreaterThan(40);
    for (const t of empty) expect(rise(low, SR, t), `no kick at ${t}`).toBeLessThan(10);
  });

  it('swing delays the off-beat hi-hats in the audio, not only in the truth', () => {
    const spec: SongSpec = {
      title: 'swing',
      seed: 5,
      tempo: 100,
      groove: 'rock',
      swing: 0.66,
      sections: [{ label: 'chorus', bars: 4, group: 'A' }],
    };
    const song = renderSong(spec, { sampleRate: SR });
    const high = bandPower(song, 'high');
    const period = 0.6;
    let swungSum = 0;
    let straightSum = 0;
    for (let b = 1; b < 15; b++) {
      const t = b * period;
      const swung = rise(high, SR, t + 0.66 * period, 0.01);
      const straight = rise(high, SR, t + 0.5 * period, 0.01);
      expect(swung, `off-beat after beat ${b}`).toBeGreaterThan(straight);
      swungSum += swung;
      straightSum += straight;
    }
    expect(swungSum).toBeGreaterThan(3 * straightSum);
  });

  it('renders repeated sections sample-identically, different sections audibly differently', () => {
    const song = renderSong(demoSong(), { sampleRate: SR });
    const [intro, v1, c1, v2, c2, bridge] = song.truth.sections;
    const slice = (s: { start: number; end: number }, fromBar: number, ch = song.left) => {
      const bar = (s.end - s.start) / 4;
      return ch.subarray(Math.round((s.start + fromBar * bar) * SR), Math.round(s.end * SR) - 1);
    };
    // Skip the first two bars: the previous section's reverb and delay tails still ring there.
    for (const [a, b] of [
      [v1!, v2!],
      [c1!, c2!],
    ] as const) {
      const x = slice(a, 2);
      const y = slice(b, 2);
      let diff = 0;
      let energy = 0;
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
        energy += x[i]! * x[i]!;
      }
      expect(energy).toBeGreaterThan(0);
      expect(diff).toBeLessThan(1e-3);
    }
    const rms = (s: { start: number; end: number }) => {
      const x = slice(s, 0);
      let e = 0;
      for (const v of x) e += v * v;
      return 10 * Math.log10(e / x.length);
    };
    expect(rms(c1!)).toBeGreaterThan(rms(v1!) + 3);
    expect(rms(v1!)).toBeGreaterThan(rms(intro!) + 3);
    expect(Math.abs(rms(bridge!) - rms(c1!))).toBeGreaterThan(2);
    // The chorus is brighter than the verse (more of its energy above ~1.5 kHz), the bridge darker.
    const all = bandPower(song, 'high', 1);
    const bright = bandPower(song, 'high', 1500);
    const share = (s: { start: number; end: number }) =>
      meanPower(bright, SR, s.start, s.end) / meanPower(all, SR, s.start, s.end);
    expect(share(c1!)).toBeGreaterThan(share(v1!) * 1.1);
    expect(share(bridge!)).toBeLessThan(share(v1!) * 0.9);
    // The intro has no drums: no kick-like low thumps on its beats, unlike the verse.
    const low = bandPower(song, 'low');
    const thumps = (s: { start: number; end: number }) =>
      song.truth.beats.filter((b) => b >= s.start + 0.1 && b < s.end - 0.1 && rise(low, SR, b) > 10).length;
    expect(thumps(intro!)).toBe(0);
    expect(thumps(v1!)).toBeGreaterThanOrEqual(6);
  });

  it('is deterministic: the same spec renders the same samples, another seed does not', () => {
    const spec: SongSpec = { title: 'd', seed: 9, tempo: 130, sections: [{ label: 'chorus', bars: 2 }] };
    const a = renderSong(spec, { sampleRate: 16000 });
    const b = renderSong(spec, { sampleRate: 16000 });
    const c = renderSong({ ...spec, seed: 10 }, { sampleRate: 16000 });
    expect(Buffer.from(encodeWav(a))).toEqual(Buffer.from(encodeWav(b)));
    expect(Buffer.from(encodeWav(c))).not.toEqual(Buffer.from(encodeWav(a)));
    expect(a.left.length).toBe(Math.round(a.truth.durationSec * 16000));
  });

  it('writes the demo song: a WAV ffmpeg reads back sample-exactly, an LRC, a truth file; then skips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-synth-'));
    const first = await writeDemoSong(dir);
    expect(first.skipped).toBe(false);
    const info = await probeMedia(first.wavPath);
    const truth = JSON.parse(readFileSync(first.truthPath, 'utf8'));
    expect(info.audio).toMatchObject({ codec: 'pcm_s16le', channels: 2, sampleRate: 44100 });
    expect(Math.abs(info.durationSec - truth.durationSec)).toBeLessThan(0.001);
    expect(truth.specDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(truth.beats.length).toBe(144);
    expect(readFileSync(first.lrcPath, 'utf8')).toMatch(/^\[00:08\.14\]Streetlights/m);

    // ffmpeg's decode of our file equals our own PCM, sample for sample.
    const raw = join(dir, 'x.raw');
    await runFfmpeg(['-i', first.wavPath, '-f', 's16le', '-acodec', 'pcm_s16le', raw]);
    const ours = readFileSync(first.wavPath).subarray(44);
    expect(Buffer.compare(readFileSync(raw), ours)).toBe(0);

    const mtime = statSync(first.wavPath).mtimeMs;
    const second = await writeDemoSong(dir);
    expect(second.skipped).toBe(true);
    expect(statSync(first.wavPath).mtimeMs).toBe(mtime);
  });
});
