import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Decision, EvaluationReport, InputError, Timeline } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRender, evaluateVideo, PLOT_HEIGHT, PLOT_LAYOUT, PLOT_WIDTH } from '../src/index.js';
import { calmSource, energeticSource, makeSong, makeVideo, type SongSection } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-eval-e2e-'));
const fps = 30;
const song = join(dir, 'song.wav');
// 120 BPM, alternating calm and loud sections of 4 s (8 beats).
const sections: SongSection[] = [0, 1, 2, 3].map((i) => ({
  start: i * 4,
  end: i * 4 + 4,
  loud: i % 2 === 1,
}));
const matched = join(dir, 'matched.mp4');
const swapped = join(dir, 'swapped.mp4');

/** Shots of 2 s (4 beats) cut on beats: calm pictures in calm sections and energetic ones in loud, or swapped. */
function shots(match: boolean) {
  return Array.from({ length: 8 }, (_, i) => {
    const loud = sections[Math.floor(i / 2)]!.loud;
    const energetic = match ? loud : !loud;
    return { source: energetic ? energeticSource(i, fps) : calmSource(i, fps), frames: 60 };
  });
}

beforeAll(async () => {
  await makeSong(song, { durationSec: 16, bpm: 120, sections });
  await Promise.all([
    makeVideo(matched, shots(true), { fps, songPath: song }),
    makeVideo(swapped, shots(false), { fps, songPath: song }),
  ]);
});

describe('evaluateVideo', () => {
  it('scores calm pictures in calm sections and energetic ones in loud sections above the swapped edit', async () => {
    const decisions: Decision[] = [];
    const out = join(dir, 'out-matched');
    const good = await evaluateVideo(
      matched,
      { songPath: song, outDir: out, vision: false, round: 0 },
      { decisions: { record: (d) => void decisions.push({ ...d, at: d.at ?? '' }) } },
    );
    const bad = await evaluateVideo(swapped, { songPath: song, vision: false });
    const g = good.report;
    const b = bad.report;
    expect(good.analysis.bpm).toBeCloseTo(120, 0);
    expect(g.analysisSource).toBe('audio');
    expect(g.metrics.cutCount).toBe(7);
    expect(g.metrics.cutsOnBeatShare).toBe(1);
    expect(b.metrics.cutsOnBeatShare).toBe(1);
    expect(g.metrics.moodEnergyCorrelation).toBeGreaterThan(0.7);
    expect(b.metrics.moodEnergyCorrelation).toBeLessThan(-0.7);
    expect(g.metrics.motionEnergyCorrelation).toBeGreaterThan(0.5);
    expect(b.metrics.motionEnergyCorrelation).toBeLessThan(-0.3);
    expect(g.score).toBeGreaterThan(b.score + 0.2);
    expect(g.passed).toBe(true);
    expect(b.passed).toBe(false);
    expect(b.issues.map((i) => i.kind)).toContain('shot-too-calm');
    expect(b.issues.map((i) => i.kind)).toContain('motion-against-music');
    // Shots measured: energetic ones are brighter, warmer, busier.
    const loudShot = g.shots!.find((s) => s.startSec >= 4 && s.endSec <= 8)!;
    const calmShot = g.shots!.find((s) => s.endSec <= 4)!;
    expect(loudShot.motion).toBeGreaterThan(5 * calmShot.motion);
    expect(loudShot.warmth).toBeGreaterThan(calmShot.warmth);
    expect(loudShot.musicEnergy!).toBeGreaterThan(calmShot.musicEnergy!);
    // The report on disk is the same, valid report; the plot is a PNG of the documented size.
    const onDisk = EvaluationReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(onDisk.score).toBe(g.score);
    expect(onDisk.plotPath).toBe(join(out, 'plot.png'));
    expect(g.round).toBe(0);
    const png = await probeMedia(join(out, 'plot.png'));
    expect(png.video).toMatchObject({ width: PLOT_WIDTH, height: PLOT_HEIGHT });
    // A green tick (cut on a beat) in the top strip at the first cut (2 s of 16).
    const { stdout } = await runFfmpeg(
      ['-i', join(out, 'plot.png'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { binary: true },
    );
    const x = Math.round((2 / g.metrics.videoDurationSec!) * (PLOT_WIDTH - 1));
    const o = (PLOT_LAYOUT.cutStrip[0] + 5) * PLOT_WIDTH * 3 + x * 3;
    expect([stdout[o], stdout[o + 1], stdout[o + 2]]).toEqual([80, 220, 100]);
    expect(g.summary).toMatch(/^Score 0\.\d\d — passed/);
    expect(g.summary).toMatch(/100% on beats/);
    expect(decisions.some((d) => d.role === 'evaluator' && /passed: score/.test(d.summary))).toBe(true);
  });

  it('lets thresholds decide passing, and fails a render with black frames', async () => {
    const strict = await evaluateVideo(matched, {
      songPath: song,
      vision: false,
      analyze: 'fallback',
      thresholds: { minScore: 0.99 },
    });
    expect(strict.report.passed).toBe(false);
    expect(strict.report.analysisSource).toBe('fallback');
    expect(strict.report.thresholds?.minScore).toBe(0.99);

    const blackened = join(dir, 'black.mp4');
    const segs = shots(true);
    segs[3] = { source: 'color=c=black:s=160x90:r=30', frames: 60 };
    await makeVideo(blackened, segs, { fps, songPath: song });
    const timeline = Timeline.parse({
      version: 1,
      fps,
      width: 160,
      height: 90,
      durationFrames: 480,
      audio: { src: song, durationSec: 16 },
      items: segs.map((_, i) => ({
        id: `item${i + 1}`,
        shotId: `s${i + 1}`,
        src: `clip${i + 1}.mp4`,
        startFrame: i * 60,
        durationFrames: 60,
        clipDurationSec: 2,
      })),
    });
    // The pipeline's entry: the timeline names the shots, so the broken one can be regenerated.
    const r = await evaluateRender(
      { videoPath: blackened, songPath: song, analysis: strict.analysis, timeline },
      { env: {} },
    );
    expect(r.analysisSource).toBe('given');
    expect(r.metrics.blackFrameShare).toBeCloseTo(60 / 480, 2);
    expect(r.issues.find((i) => i.kind === 'black-frames')?.message).toMatch(
      /13% of frames are black \(6\.0–8\.0 s\)/,
    );
    expect(r.passed).toBe(false);
    expect(r.shots!.find((s) => s.startSec === 6)?.blackShare).toBe(1);
    expect(r.issues.find((i) => i.kind === 'shot-black')).toMatchObject({
      atSec: 6,
      shotId: 's4',
      message: 'shot s4 at 6.0 s is 100% black',
    });
  });

  it('refuses input that is not a video or not audio with a one-line InputError', async () => {
    const notVideo = join(dir, 'notes.txt');
    writeFileSync(notVideo, 'hello');
    await expect(evaluateVideo(notVideo, { songPath: song })).rejects.toThrow(InputError);
    await expect(evaluateVideo(join(dir, 'missing.mp4'), { songPath: song })).rejects.toThrow(
      /missing\.mp4: no such file \(the video\)/,
    );
    await expect(evaluateVideo(notVideo, { songPath: song })).rejects.toThrow(
      /notes\.txt is not a readable media file/,
    );
    await expect(evaluateVideo(matched, { songPath: dir })).rejects.toThrow(/is not a file \(the song\)/);
    await expect(evaluateVideo(matched, { songPath: notVideo })).rejects.toThrow(InputError);
    expect(existsSync(join(dir, 'out-none'))).toBe(false);
  });
});
