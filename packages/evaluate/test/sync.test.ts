import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import type { AudioAnalysis } from '@beatframe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAudio,
  evaluateVideo,
  fallbackAnalysis,
  nearestBeatDelta,
  onBeatChance,
  onBeatShare,
  onBeatWindow,
} from '../src/index.js';
import { rng } from '../src/stats.js';
import { makeSong, makeVideo, variedSource } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-eval-sync-'));
const fps = 30;
const bpm = 120;
const song = join(dir, 'song.wav');

let analysis: AudioAnalysis;

beforeAll(async () => {
  await makeSong(song, { durationSec: 16, bpm, firstBeatSec: 0.25 });
  // Analysed once by @beatframe/audio and given to each evaluation of this song.
  analysis = await analyzeAudio(song);
});

describe('on-beat share and chance', () => {
  it('computes the chance analytically, matching cuts thrown at random', () => {
    const beats = Array.from({ length: 40 }, (_, i) => 0.3 + i * 0.5);
    const w = onBeatWindow(30);
    expect(w).toBe(0.05);
    expect(onBeatWindow(10)).toBeCloseTo(0.1);
    const chance = onBeatChance(beats, w, 0, 20);
    // 40 windows of 0.1 s over 20 s.
    expect(chance).toBeCloseTo(0.2, 3);
    const r = rng(7);
    const cuts = Array.from({ length: 20000 }, () => r() * 20);
    expect(onBeatShare(cuts, beats, w)).toBeCloseTo(chance, 2);
    // Overlapping windows are not counted twice.
    expect(onBeatChance([1, 1.01], 0.05, 0, 2)).toBeCloseTo(0.11 / 2, 6);
    expect(nearestBeatDelta(beats, 0.82)).toBeCloseTo(0.02, 6);
    expect(nearestBeatDelta(beats, 0.27)).toBeCloseTo(-0.03, 6);
  });

  it('finds the tempo and beat grid of a click track with the fallback analysis', async () => {
    const audio = (await decodeAudio(song))!;
    const a = fallbackAnalysis(audio);
    expect(a.bpm).toBeCloseTo(bpm, 0);
    expect(a.beats.length).toBeGreaterThanOrEqual(31);
    for (const b of a.beats)
      expect(
        Math.abs(
          nearestBeatDelta(
            [...Array(40).keys()].map((i) => 0.25 + i * 0.5),
            b,
          )!,
        ),
      ).toBeLessThan(0.012);
  });

  it('scores cuts on beats near 1 and cuts at random times near chance', async () => {
    const beatVideo = join(dir, 'beat.mp4');
    const randVideo = join(dir, 'random.mp4');
    // Beat cuts: shots of 1, 2, 3 or 4 beats (15 frames each at 30 fps), starting on the first beat.
    const r = rng(3);
    const beatLens = [8]; // 0.25 s lead-in up to the first beat… (7.5 frames → 8)
    while (beatLens.reduce((a, b) => a + b, 0) < 15.5 * fps) beatLens.push(15 * (1 + Math.floor(r() * 4)));
    const randLens: number[] = [];
    while (randLens.reduce((a, b) => a + b, 0) < 15.5 * fps) randLens.push(8 + Math.floor(r() * 30));
    await Promise.all([
      makeVideo(
        beatVideo,
        beatLens.map((frames, i) => ({ source: variedSource(i, fps), frames })),
        { fps, songPath: song },
      ),
      makeVideo(
        randVideo,
        randLens.map((frames, i) => ({ source: variedSource(i, fps), frames })),
        { fps, songPath: song },
      ),
    ]);
    const beat = (await evaluateVideo(beatVideo, { songPath: song, vision: false, analysis })).report;
    const rand = (await evaluateVideo(randVideo, { songPath: song, vision: false, analysis })).report;
    expect(beat.metrics.cutCount).toBe(beatLens.length - 1);
    expect(beat.metrics.cutsOnBeatShare).toBeGreaterThanOrEqual(0.9);
    expect(rand.metrics.cutCount).toBeGreaterThanOrEqual(randLens.length - 2);
    const chance = rand.metrics.cutsOnBeatChance!;
    expect(chance).toBeGreaterThan(0.15);
    expect(chance).toBeLessThan(0.25);
    // ~20 random cuts: the share's standard deviation around chance is about 0.09.
    expect(Math.abs(rand.metrics.cutsOnBeatShare! - chance)).toBeLessThan(0.2);
    expect(beat.components!.beat).toBeGreaterThan(0.85);
    expect(rand.components!.beat).toBeLessThan(0.25);
    expect(beat.score).toBeGreaterThan(rand.score);
    expect(rand.issues.map((i) => i.kind)).toContain('cuts-off-beat');
  });
});

describe('the audio stream against the song', () => {
  const segs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ source: variedSource(i, fps), frames: 60 }));

  it('detects a delayed soundtrack and how late it is', async () => {
    const late = join(dir, 'late.mp4');
    const early = join(dir, 'early.mp4');
    await Promise.all([
      makeVideo(late, segs, { fps, songPath: song, audioDelaySec: 0.25 }),
      makeVideo(early, segs, { fps, songPath: song, audioDelaySec: -0.12 }),
    ]);
    const a = (await evaluateVideo(late, { songPath: song, vision: false, analysis })).report;
    expect(a.metrics.audioOffsetSec).toBeCloseTo(0.25, 1);
    expect(Math.abs(a.metrics.audioOffsetSec! - 0.25)).toBeLessThan(0.012);
    expect(a.issues.find((i) => i.kind === 'audio-offset')?.message).toMatch(/late by 2[45]\d ms/);
    expect(a.passed).toBe(false);
    // Beats are checked in video time: the delayed music moves the beats with it.
    expect(a.beats![0]).toBeCloseTo(0.5, 1);
    const b = (await evaluateVideo(early, { songPath: song, vision: false, analysis })).report;
    expect(Math.abs(b.metrics.audioOffsetSec! + 0.12)).toBeLessThan(0.012);
  });

  it('reports a soundtrack shorter than the song, and one that is not the song', async () => {
    const short = join(dir, 'short.mp4');
    await makeVideo(short, segs, { fps, songPath: song });
    const r = (await evaluateVideo(short, { songPath: song, vision: false, analysis })).report;
    // 8 × 2 s of video = 16 s: the song is 16 s.
    expect(Math.abs(r.metrics.audioDurationDiffSec!)).toBeLessThan(0.1);
    expect(Math.abs(r.metrics.audioOffsetSec!)).toBeLessThan(0.01);
    expect(r.issues.map((i) => i.kind)).not.toContain('duration-mismatch');

    const trimmed = join(dir, 'trimmed.mp4');
    await makeVideo(trimmed, segs, { fps, songPath: song, audioTrimSec: 3 });
    const t = (await evaluateVideo(trimmed, { songPath: song, vision: false, analysis })).report;
    expect(t.metrics.audioDurationDiffSec).toBeCloseTo(-3, 1);
    expect(t.issues.find((i) => i.kind === 'duration-mismatch')?.message).toMatch(/3\.0\d s shorter/);
    expect(t.passed).toBe(false);

    const silent = join(dir, 'silent.mp4');
    await makeVideo(silent, segs, { fps });
    const n = (await evaluateVideo(silent, { songPath: song, vision: false, analysis })).report;
    expect(n.issues.find((i) => i.kind === 'no-audio')).toMatchObject({ severity: 'error' });
    expect(n.passed).toBe(false);
    expect(n.metrics.audioOffsetSec).toBeUndefined();
    expect(n.metrics.cutCount).toBe(7);

    const other = join(dir, 'other.wav');
    await makeSong(other, { durationSec: 16, bpm: 93, firstBeatSec: 0.1, padHz: 147 });
    const o = (await evaluateVideo(short, { songPath: other, vision: false, analyze: 'fallback' })).report;
    expect(o.issues.map((i) => i.kind)).toContain('audio-mismatch');
  });
});
