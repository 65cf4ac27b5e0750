import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Timeline } from '@beatframe/core';
import { countFrames, probeMedia, runProcess } from '@beatframe/media';
import { buildTimeline } from '@beatframe/timeline';
import { makeTestProject } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import createRenderer from '../src/index.js';

let dir: string;
let timeline: Timeline;

/** Top-level MP4 boxes in file order. */
async function topLevelBoxes(path: string): Promise<string[]> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  const boxes: string[] = [];
  let pos = 0;
  const head = Buffer.alloc(16);
  while (pos < size) {
    await fh.read(head, 0, 16, pos);
    let len = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (len === 1) len = Number(head.readBigUInt64BE(8));
    if (len === 0) len = size - pos;
    boxes.push(type);
    pos += len;
  }
  await fh.close();
  return boxes;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-remotion-'));
  const p = await makeTestProject(dir, {
    durationSec: 3,
    clipCount: 2,
    clipSec: 3,
    sectionSec: 1.5,
    width: 320,
    height: 180,
  });
  timeline = await buildTimeline({
    ...p,
    options: { aspect: '16:9', resolution: '720p', fps: 30, captions: true, titleCard: true },
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderer-remotion', () => {
  it('renders a 720p timeline on Chromium: H.264 yuv420p + AAC, the song length, fast start', async () => {
    expect(timeline.items.some((i) => i.transitionIn)).toBe(true);
    expect(timeline.captions.length).toBeGreaterThan(0);
    const out = join(dir, 'out.mp4');
    const progress: number[] = [];
    const steps: string[] = [];
    const result = await createRenderer({ cacheDir: join(dir, 'cache') }).render(timeline, out, {
      logger: silentLogger(),
      onProgress: (p, label) => {
        progress.push(p);
        const step = label?.replace(/:.*/, '');
        if (step && steps.at(-1) !== step) steps.push(step);
      },
    });
    const info = await probeMedia(out);
    expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 1280, height: 720 });
    expect(info.audio?.codec).toBe('aac');
    expect(Math.abs(info.durationSec - 3)).toBeLessThanOrEqual(1 / 30);
    expect(await countFrames(out)).toBe(timeline.durationFrames);
    const boxes = await topLevelBoxes(out);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    expect(result).toMatchObject({ path: out, frames: 90, width: 1280, height: 720 });
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((p) => p > 0.2 && p < 0.9)).toBe(true);
    // The bar moves and says what it is doing from the first second: no silent start before the frames.
    expect(steps).toEqual(['bundle', 'clips', 'browser', 'overlays', 'encode']);
    expect(progress.filter((p) => p > 0 && p <= 0.1).length).toBeGreaterThanOrEqual(3);
    // The song is the soundtrack as it was: same rate, same length as the video.
    expect(info.audio?.sampleRate).toBe(44100);
    const { stdout: a } = await runProcess('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=duration',
      '-of',
      'csv=p=0',
      out,
    ]);
    expect(Math.abs(Number(a.toString().trim()) - 3)).toBeLessThanOrEqual(1 / 30 + 0.025);
  }, 240_000);

  it('draws the same picture in hybrid and browser modes', async () => {
    // With a bars visualizer: the browser draws it with visualizeAudio, the hybrid with ffmpeg, in one box.
    const small: Timeline = {
      ...timeline,
      width: 320,
      height: 180,
      visualizer: { kind: 'bars', color: '#ff64b4' },
    };
    const cacheDir = join(dir, 'cache');
    const hybrid = join(dir, 'hybrid.mp4');
    const browser = join(dir, 'browser.mp4');
    await createRenderer({ cacheDir, mode: 'hybrid' }).render(small, hybrid, { logger: silentLogger() });
    await createRenderer({ cacheDir, mode: 'browser' }).render(small, browser, { logger: silentLogger() });
    // The overlays Chromium drew are cached beside the bundle: a second render draws none of them again.
    const overlays = async () => {
      const folder = (await readdir(cacheDir)).find((f) => /^bundle-.*-overlays$/.test(f));
      expect(folder).toBeDefined();
      const files = (await readdir(join(cacheDir, folder!))).filter((f) => f.endsWith('.png')).sort();
      return Promise.all(files.map(async (f) => `${f} ${(await stat(join(cacheDir, folder!, f))).mtimeMs}`));
    };
    const before = await overlays();
    expect(before.length).toBeGreaterThan(10);
    const again = join(dir, 'hybrid-again.mp4');
    await createRenderer({ cacheDir, mode: 'hybrid' }).render(small, again, { logger: silentLogger() });
    expect(await overlays()).toEqual(before);
    const { stderr: same } = await runProcess('ffmpeg', [
      ...['-hide_banner', '-i', hybrid, '-i', again, '-lavfi', '[0:v][1:v]ssim', '-f', 'null', '-'],
    ]);
    expect(Number(/SSIM Y:([\d.]+)/.exec(same)?.[1])).toBeGreaterThan(0.995);
    const { stderr } = await runProcess('ffmpeg', [
      '-hide_banner',
      '-i',
      hybrid,
      '-i',
      browser,
      '-lavfi',
      '[0:v][1:v]ssim',
      '-f',
      'null',
      '-',
    ]);
    const ssim = Number(/SSIM Y:([\d.]+)/.exec(stderr)?.[1]);
    // visualizerBox('bars', 320, 180) is y 168…176, a slim strip of 3-px bars (the test song lights a few):
    // over eight frames, more pink there than in a band of the same height above it, in both.
    for (const video of [hybrid, browser]) {
      const { stdout: raw } = await runProcess('ffmpeg', [
        ...['-v', 'error', '-ss', '1', '-t', '1.6', '-i', video, '-vf', 'fps=5'],
        ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      ]);
      // #ff64b4 at the bars' 70 % opacity over anything from black to white.
      const pink = (y0: number, y1: number) => {
        let c = 0;
        for (let f = 0; f + 320 * 180 * 3 <= raw.length; f += 320 * 180 * 3)
          for (let i = f + y0 * 320 * 3; i < f + y1 * 320 * 3; i += 3) {
            const [r, g, b] = [raw[i]!, raw[i + 1]!, raw[i + 2]!];
            if (r > 170 && r - g > 90 && g > 55 && g < 160 && b > 110 && b < 220) c++;
          }
        return c;
      };
      expect(pink(168, 176), video).toBeGreaterThan(pink(152, 160) + 20);
    }
    // Same frames, same overlays; what differs is the browser path's JPEG step and encoder noise.
    expect(ssim).toBeGreaterThan(0.93);
  }, 240_000);

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    const run = createRenderer({ cacheDir: join(dir, 'cache') }).render(
      timeline,
      join(dir, 'cancelled.mp4'),
      {
        logger: silentLogger(),
        signal: ac.signal,
        onProgress: (p) => {
          if (p > 0.1) ac.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(/cancel/);
  }, 120_000);
});
