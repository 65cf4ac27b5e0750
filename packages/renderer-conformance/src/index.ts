/**
 * The suite every renderer plugin runs against itself (as every provider runs `@beatframe/provider-conformance`):
 * a two-second timeline of two clips over a click-and-tone song, rendered once, then checked for what the
 * pipeline and players rely on: H.264 yuv420p with AAC, fast start (moov before mdat), the timeline's length to a
 * frame, the song's own samples at the same times, and an `unsupported` that is absent or names what was left out.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Renderer, type RenderResult, silentLogger, type Timeline } from '@beatframe/core';
import { countFrames, probeMedia, runFfmpeg } from '@beatframe/media';
import { buildTimeline } from '@beatframe/timeline';
import { makeTestProject } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface RendererConformanceOptions {
  /** The renderer's name in the test titles. */
  name: string;
  /** A renderer set up for the test (a cache folder under `dir`, say). */
  create(dir: string): Renderer;
  /** The song's length, seconds (default 2: the suite stays cheap). */
  durationSec?: number;
  /** How long the one render may take, ms (default 240 000: Chromium on two busy cores). */
  timeoutMs?: number;
}

const FPS = 30;
const RATE = 44_100;

/** Top-level MP4 boxes in file order (fast start = moov before mdat). */
export async function topLevelBoxes(path: string): Promise<string[]> {
  const buf = await readFile(path);
  const boxes: string[] = [];
  let o = 0;
  while (o + 8 <= buf.length) {
    let size = buf.readUInt32BE(o);
    const type = buf.toString('latin1', o + 4, o + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(o + 8));
    if (size === 0) size = buf.length - o;
    boxes.push(type);
    o += size;
  }
  return boxes;
}

/** Decoded stereo samples at 44.1 kHz, interleaved. */
async function pcm(path: string): Promise<Float32Array> {
  const { stdout } = await runFfmpeg(
    ['-v', 'error', '-i', path, '-vn', '-f', 'f32le', '-ar', String(RATE), '-ac', '2', 'pipe:1'],
    { binary: true },
  );
  const copy = new Uint8Array(stdout);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

export function runRendererConformance(opts: RendererConformanceOptions): void {
  const durationSec = opts.durationSec ?? 2;
  let dir: string;
  let timeline: Timeline;
  let songPath: string;
  let out: string;
  let result: RenderResult;

  describe(`${opts.name}: renderer conformance`, () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `bf-renderer-conformance-${opts.name}-`));
      const p = await makeTestProject(dir, {
        durationSec,
        clipCount: 2,
        clipSec: durationSec,
        sectionSec: durationSec / 2,
        width: 160,
        height: 90,
      });
      songPath = p.song.audioPath;
      const t = await buildTimeline(
        {
          ...p,
          options: { aspect: '16:9', resolution: '720p', fps: FPS, captions: false, titleCard: false },
        },
        { motionAnalysis: false },
      );
      // What is checked is the file, not the pixels: a small frame keeps the render cheap.
      timeline = { ...t, width: 320, height: 180 };
      out = join(dir, 'out.mp4');
      result = await opts.create(join(dir, 'renderer')).render(timeline, out, {
        logger: silentLogger(),
        baseDir: dir,
        workDir: join(dir, 'work'),
      });
    }, opts.timeoutMs ?? 240_000);

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('writes H.264 yuv420p with AAC, at the timeline size', async () => {
      const info = await probeMedia(out);
      expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 320, height: 180 });
      expect(info.audio?.codec).toBe('aac');
      expect(result).toMatchObject({ path: out, width: 320, height: 180 });
    });

    it('starts fast: the moov box comes before the media data', async () => {
      const boxes = await topLevelBoxes(out);
      expect(boxes).toContain('moov');
      expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    });

    it("lasts the timeline's length, to a frame", async () => {
      expect(Math.abs((await countFrames(out)) - timeline.durationFrames)).toBeLessThanOrEqual(1);
      expect(Math.abs(result.frames - timeline.durationFrames)).toBeLessThanOrEqual(1);
      expect(
        Math.abs((await probeMedia(out)).durationSec - timeline.durationFrames / FPS),
      ).toBeLessThanOrEqual(1 / FPS + 0.03);
    });

    it("keeps the song's audio untouched: the same samples at the same times (within AAC's loss)", async () => {
      const src = await pcm(songPath);
      const got = await pcm(out);
      const from = Math.floor(0.5 * RATE) * 2;
      const len = Math.floor(0.5 * RATE) * 2;
      const err = (lag: number) => {
        let e = 0;
        let s = 0;
        for (let i = from; i < from + len; i++) {
          const d = (got[i + lag * 2] ?? 0) - (src[i] ?? 0);
          e += d * d;
          s += (src[i] ?? 0) ** 2;
        }
        return e / s;
      };
      expect(err(0)).toBeLessThan(0.02);
      // No shift: a sample earlier or later fits worse.
      expect(err(1)).toBeGreaterThan(err(0));
      expect(err(-1)).toBeGreaterThan(err(0));
    });

    it('is honest about what it left out: `unsupported` is absent or names each thing in words', () => {
      if (result.unsupported === undefined) return;
      expect(result.unsupported.length).toBeGreaterThan(0);
      for (const what of result.unsupported) expect(what.trim().length).toBeGreaterThan(3);
    });
  });
}
