import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Timeline } from '@beatframe/core';
import { countFrames, probeMedia } from '@beatframe/media';
import { buildTimeline } from '@beatframe/timeline';
import { makeTestProject } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import createRenderer, { splitFrames } from '../src/index.js';

let dir: string;
let timeline: Timeline;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-chunked-'));
  const p = await makeTestProject(dir, {
    durationSec: 3,
    clipCount: 2,
    clipSec: 3,
    sectionSec: 1.5,
    width: 160,
    height: 90,
  });
  const t = await buildTimeline(
    { ...p, options: { aspect: '16:9', resolution: '720p', fps: 30, captions: true, titleCard: true } },
    { motionAnalysis: false },
  );
  // The logic under test is chunking, not pixels: a small frame keeps it quick.
  timeline = { ...t, width: 320, height: 180 };
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderer-chunked', () => {
  it('splits frames into contiguous inclusive ranges', () => {
    expect(splitFrames(90, 3)).toEqual([
      [0, 29],
      [30, 59],
      [60, 89],
    ]);
    expect(splitFrames(100, 3)).toEqual([
      [0, 33],
      [34, 67],
      [68, 99],
    ]);
    expect(splitFrames(20, 4)).toEqual([[0, 19]]);
  });

  it('renders chunks in parallel and joins them to the full length with the song', async () => {
    const out = join(dir, 'chunked.mp4');
    const result = await createRenderer({ cacheDir: join(dir, 'cache'), chunks: 3, jobs: 2 }).render(
      timeline,
      out,
      {
        logger: silentLogger(),
      },
    );
    const info = await probeMedia(out);
    expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 320, height: 180 });
    expect(info.audio?.codec).toBe('aac');
    expect(await countFrames(out)).toBe(timeline.durationFrames);
    expect(Math.abs(info.durationSec - 3)).toBeLessThanOrEqual(1 / 30);
    expect(result.frames).toBe(90);
  }, 240_000);
});
