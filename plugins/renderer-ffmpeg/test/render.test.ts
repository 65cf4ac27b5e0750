// Over 400 lines because it is one suite: every timeline feature the ffmpeg renderer draws, checked in the pixels.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Decision, InputError, silentLogger, type Timeline } from '@beatframe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFfmpegRenderer } from '../src/index.js';
import { decodeFrames, decodePcm, makeClip, makeSong, probeStreams, topLevelBoxes } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-renderer-ffmpeg-'));
const FPS = 30;

beforeAll(async () => {
  await Promise.all([
    makeClip(join(dir, 'red.mp4'), { colour: 'red', seconds: 2 }),
    makeClip(join(dir, 'green.mp4'), { colour: 'lime', seconds: 2, size: '320x240', fps: 30 }),
    makeClip(join(dir, 'blue.mp4'), { colour: 'blue', seconds: 3, audio: true }),
    makeClip(join(dir, 'gray.mp4'), { colour: 'gray', seconds: 4 }),
    makeSong(join(dir, 'song.wav'), 4),
  ]);
}, 60_000);

function timeline(partial: Partial<Timeline>): Timeline {
  return {
    version: 1,
    fps: FPS,
    width: 320,
    height: 180,
    durationFrames: 120,
    audio: { src: 'song.wav', durationSec: 4 },
    items: [],
    cards: [],
    captions: [],
    beatFrames: [],
    style: { fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' },
    ...partial,
  };
}

function item(id: string, src: string, startFrame: number, durationFrames: number, extra: object = {}) {
  return {
    id,
    src,
    startFrame,
    durationFrames,
    clipStartSec: 0,
    clipDurationSec: 2,
    playbackRate: 1,
    loop: false,
    effects: [],
    ...extra,
  };
}

function sink() {
  const decisions: Array<Omit<Decision, 'at'>> = [];
  return { decisions, record: (d: Omit<Decision, 'at'>) => void decisions.push(d) };
}

const near = (got: number[], want: number[], tol = 24) => got.every((g, i) => Math.abs(g - want[i]!) <= tol);

describe('renderer-ffmpeg', () => {
  it('renders cuts and a crossfade on the exact frames, as H.264/AAC with fast start and the song untouched', async () => {
    const out = join(dir, 'basic.mp4');
    const progress: number[] = [];
    const decisions = sink();
    const res = await createFfmpegRenderer().render(
      timeline({
        items: [
          item('a', 'red.mp4', 0, 40),
          item('b', 'green.mp4', 40, 50),
          item('c', 'blue.mp4', 80, 40, {
            clipDurationSec: 3,
            transitionIn: { kind: 'fade', durationFrames: 10 },
          }),
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir, decisions, onProgress: (p) => progress.push(p) },
    );
    expect(res).toMatchObject({ path: out, frames: 120, width: 320, height: 180 });
    expect(res.unsupported).toBeUndefined();

    const p = await probeStreams(out);
    expect(p.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 320, height: 180, frames: 120 });
    expect(p.video.fps).toBe('30/1');
    expect(p.audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 2 });
    expect(Math.abs(p.durationSec - 4)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(p.audio.durationSec - 4)).toBeLessThanOrEqual(1 / FPS);
    const boxes = await topLevelBoxes(out);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

    // Cut at 40 (red → green), blend over [80, 90) (green → blue).
    const f = await decodeFrames(out);
    const px = (n: number) => f.pixel(n, 16, 9);
    expect(near(px(39), [255, 0, 0])).toBe(true);
    expect(near(px(40), [0, 255, 0])).toBe(true);
    expect(near(px(80), [0, 255, 0])).toBe(true);
    expect(near(px(85), [0, 128, 128], 40)).toBe(true);
    expect(near(px(90), [0, 0, 255])).toBe(true);
    expect(near(px(119), [0, 0, 255])).toBe(true);

    // The sound is the song: same samples at the same times (within AAC's loss), no shift.
    const rate = 44100;
    const src = await decodePcm(join(dir, 'song.wav'), rate, 2);
    const got = await decodePcm(out, rate, 2);
    const from = 1 * rate * 2;
    const len = rate * 2; // one second, interleaved stereo
    const err = (lag: number) => {
      let e = 0;
      let s = 0;
      for (let i = from; i < from + len; i++) {
        const d = got[i + lag * 2]! - src[i]!;
        e += d * d;
        s += src[i]! * src[i]!;
      }
      return e / s;
    };
    expect(err(0)).toBeLessThan(0.01);
    expect(err(1)).toBeGreaterThan(err(0));
    expect(err(-1)).toBeGreaterThan(err(0));

    expect(progress.at(-1)).toBe(1);
    expect(progress.every((x, i) => i === 0 || x >= progress[i - 1]!)).toBe(true);
    expect(decisions.decisions.some((d) => /320x240/.test(d.summary))).toBe(true);
  });

  it('draws cards and captions with quotes, colons, commas, %, braces and backslashes, lighting the current word', async () => {
    const out = join(dir, 'captions.mp4');
    const text = `It's 100% "true": a, b; {x} [y] \\N done`;
    // A working folder whose name needs filter-graph escaping (the ASS file lives there).
    const workDir = join(dir, "wörk dir, it's: [odd];");
    const res = await createFfmpegRenderer().render(
      timeline({
        durationFrames: 60,
        audio: { src: 'song.wav', durationSec: 4 },
        items: [item('g', 'gray.mp4', 0, 60, { clipDurationSec: 4 })],
        cards: [
          {
            kind: 'title',
            text: 'Song: "T\'itle" 50%',
            subtitle: 'Artist, {x}',
            startFrame: 0,
            endFrame: 10,
          },
        ],
        captions: [
          {
            text,
            startFrame: 20,
            endFrame: 50,
            words: [
              { text: 'true', startFrame: 30, endFrame: 40 },
              { text: 'done', startFrame: 40, endFrame: 50 },
            ],
          },
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir, workDir },
    );
    expect(res.frames).toBe(60);
    expect(res.unsupported).toBeUndefined();
    const W = 320;
    const H = 180;
    const f = await decodeFrames(out, { w: W, h: H });
    const count = (n: number, y0: number, y1: number, test: (p: [number, number, number]) => boolean) => {
      let c = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < W; x++) if (test(f.pixel(n, x, y))) c++;
      return c;
    };
    const yellow = ([r, g, b]: [number, number, number]) => r > 180 && g > 150 && b < 90;
    const white = ([r, g, b]: [number, number, number]) => r > 220 && g > 220 && b > 220;
    const bottom = [Math.floor(H * 0.6), H] as const;
    expect(count(5, 0, H, white)).toBeGreaterThan(20); // title
    expect(count(15, 0, H, white)).toBe(0); // nothing between title and caption
    expect(count(19, ...bottom, white)).toBe(0); // caption not before its first frame
    const light = ([r, g, b]: [number, number, number]) => r > 170 && g > 170 && b > 170;
    expect(count(19, ...bottom, light)).toBe(0);
    expect(count(24, ...bottom, light)).toBeGreaterThan(20); // in after a 4-frame fade, unsung words dimmed
    // Sung words at full white, words still to come dimmed: more white once "true" has been sung.
    expect(count(45, ...bottom, white)).toBeGreaterThan(count(24, ...bottom, white) + 20);
    expect(count(29, ...bottom, yellow)).toBe(0); // no word lit yet
    expect(count(30, ...bottom, yellow)).toBeGreaterThan(3); // "true" lit on its first frame
    expect(count(49, ...bottom, yellow)).toBeGreaterThan(3); // "done"
    expect(count(50, ...bottom, white)).toBe(0); // caption gone on its end frame
  });

  it('loops or holds clips shorter than their slot, slows them, and normalises size, rotation and frame rate', async () => {
    await Promise.all([
      makeClip(join(dir, 'short.mp4'), { colour: 'red', seconds: 1 }),
      makeClip(join(dir, 'rotated.mp4'), { colour: 'yellow', seconds: 2, size: '160x90', rotate: 90 }),
      makeClip(join(dir, 'vfr.mp4'), { colour: 'white', seconds: 2, vfr: true }),
    ]);
    const decisions = sink();
    const out = join(dir, 'fill.mp4');
    const res = await createFfmpegRenderer().render(
      timeline({
        items: [
          item('hold', 'short.mp4', 0, 45, { clipDurationSec: 1 }),
          item('loop', 'short.mp4', 45, 45, { clipDurationSec: 1, clipStartSec: 0.5, loop: true }),
          item('slow', 'rotated.mp4', 90, 15, { playbackRate: 0.5 }),
          item('vfr', 'vfr.mp4', 105, 15),
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir, decisions },
    );
    expect(res.frames).toBe(120);
    const p = await probeStreams(out);
    expect(p.video).toMatchObject({ width: 320, height: 180, frames: 120 });
    const summaries = decisions.decisions.map((d) => d.summary).join('\n');
    expect(summaries).toMatch(/item hold: .*last frame is held/);
    expect(summaries).toMatch(/item loop: clip part from 0.5 s looped 3 times/);
    expect(summaries).toMatch(/rotated 90/);
    expect(summaries).toMatch(/variable frame rate/);
    const f = await decodeFrames(out);
    expect(near(f.pixel(44, 16, 9), [255, 0, 0])).toBe(true); // held
    expect(near(f.pixel(100, 16, 9), [255, 255, 0])).toBe(true);
    expect(near(f.pixel(110, 16, 9), [255, 255, 255])).toBe(true);
  });

  it('pulses zoom and flashes on the beat frames', async () => {
    await makeClip(join(dir, 'framed.mp4'), {
      colour: 'blue',
      seconds: 2,
      size: '320x180',
      fps: 30,
      border: { colour: 'white', px: 4 },
    });
    const out = join(dir, 'effects.mp4');
    await createFfmpegRenderer().render(
      timeline({
        durationFrames: 60,
        items: [
          item('z', 'framed.mp4', 0, 30, { effects: [{ kind: 'zoomPulse', frames: [10], strength: 1 }] }),
          item('f', 'blue.mp4', 30, 30, {
            clipDurationSec: 3,
            effects: [{ kind: 'flash', frames: [40], strength: 1 }],
          }),
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir },
    );
    const f = await decodeFrames(out, { w: 320, h: 180 });
    const corner = (n: number) => f.pixel(n, 1, 1);
    expect(near(corner(9), [255, 255, 255], 40)).toBe(true); // border visible before the beat
    expect(near(corner(10), [0, 0, 255], 60)).toBe(true); // zoomed past the border on the beat
    expect(near(corner(25), [255, 255, 255], 40)).toBe(true); // back after the pulse
    const luma = (n: number) => f.pixel(n, 160, 90).reduce((a, b) => a + b, 0);
    expect(luma(40)).toBeGreaterThan(luma(39) + 100);
    expect(Math.abs(luma(50) - luma(39))).toBeLessThan(30);
  });

  it('draws the visualizer from the song in its shared box: bars across passes, a ring that swells on the beat', async () => {
    // Translucent bars (VISUALIZER_OPACITY) over a red clip are a little less blue than pure magenta.
    const magenta = (r: number, g: number, b: number) => r > 180 && g < 90 && b > 150;
    const count = (f: Awaited<ReturnType<typeof decodeFrames>>, n: number, y0: number, y1: number) => {
      let c = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < 320; x++) if (magenta(...f.pixel(n, x, y))) c++;
      return c;
    };
    const bars = join(dir, 'viz-bars.mp4');
    const decisions = sink();
    await createFfmpegRenderer({ maxItemsPerPass: 1 }).render(
      timeline({
        durationFrames: 60,
        items: [item('a', 'gray.mp4', 0, 30, { clipDurationSec: 4 }), item('b', 'red.mp4', 30, 30)],
        visualizer: { kind: 'bars', color: '#ff00ff' },
      }),
      bars,
      { logger: silentLogger(), baseDir: dir, decisions },
    );
    const fb = await decodeFrames(bars, { w: 320, h: 180 });
    // visualizerBox('bars', 320, 180): x 80…240, y 168…176, a slim strip.
    for (const n of [5, 45]) {
      expect(count(fb, n, 168, 176)).toBeGreaterThan(30);
      expect(count(fb, n, 0, 160)).toBe(0);
    }
    expect(decisions.decisions.some((d) => /bars visualizer drawn from the song/.test(d.summary))).toBe(true);

    const pulse = join(dir, 'viz-pulse.mp4');
    await createFfmpegRenderer().render(
      timeline({
        durationFrames: 60,
        items: [item('a', 'gray.mp4', 0, 60, { clipDurationSec: 4 })],
        beatFrames: [20, 40],
        visualizer: { kind: 'pulse', color: '#ff00ff' },
      }),
      pulse,
      { logger: silentLogger(), baseDir: dir },
    );
    const fp = await decodeFrames(pulse, { w: 320, h: 180 });
    // The ring's leftmost lit pixel on the middle row: further out on the beat than just before it.
    const left = (n: number) => {
      for (let x = 0; x < 160; x++) if (magenta(...fp.pixel(n, x, 90))) return x;
      return 160;
    };
    expect(left(19)).toBeLessThan(160);
    expect(left(20)).toBeLessThan(left(19) - 5);
    expect(left(39)).toBeGreaterThan(left(20) + 5);
  });

  it('flashes between shots: the old holds to the middle, white peaks there, the new one follows', async () => {
    const out = join(dir, 'flash.mp4');
    const res = await createFfmpegRenderer().render(
      timeline({
        durationFrames: 60,
        items: [
          item('r', 'red.mp4', 0, 40),
          item('b', 'blue.mp4', 30, 30, {
            clipDurationSec: 3,
            transitionIn: { kind: 'flash', durationFrames: 10 },
          }),
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir },
    );
    expect(res.frames).toBe(60);
    const f = await decodeFrames(out);
    const px = (n: number) => f.pixel(n, 16, 9);
    expect(near(px(29), [255, 0, 0])).toBe(true);
    expect(near(px(32), [255, 102, 102], 30)).toBe(true); // red under 40 % white
    expect(near(px(35), [255, 255, 255])).toBe(true); // the peak: pure white
    expect(near(px(38), [102, 102, 255], 30)).toBe(true); // blue under 40 % white
    expect(near(px(40), [0, 0, 255])).toBe(true);
  });

  it('zooms into a shot, then cuts to one pulsed on its first frame: the scaled frames still join', async () => {
    const out = join(dir, 'zoomcut.mp4');
    const res = await createFfmpegRenderer().render(
      timeline({
        durationFrames: 60,
        items: [
          item('r', 'red.mp4', 0, 30),
          item('b', 'blue.mp4', 20, 25, {
            clipDurationSec: 3,
            transitionIn: { kind: 'zoom', durationFrames: 10 },
          }),
          // Pulsed at its first frame: scaled (SAR rounding and all) before concat first sees it.
          item('r2', 'red.mp4', 45, 15, { effects: [{ kind: 'zoomPulse', frames: [45], strength: 1 }] }),
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir },
    );
    expect(res.frames).toBe(60);
    const f = await decodeFrames(out);
    expect(f.frames).toHaveLength(60);
    const px = (n: number) => f.pixel(n, 16, 9);
    expect(near(px(10), [255, 0, 0])).toBe(true);
    expect(near(px(35), [0, 0, 255])).toBe(true);
    expect(near(px(50), [255, 0, 0])).toBe(true);
  });

  it('rejects a missing clip, a silent song and a malformed timeline with one-line input errors', async () => {
    const r = createFfmpegRenderer();
    const ctx = { logger: silentLogger(), baseDir: dir };
    await expect(
      r.render(timeline({ items: [item('x', 'nope.mp4', 0, 120)] }), join(dir, 'x.mp4'), ctx),
    ).rejects.toThrow(InputError);
    await expect(
      r.render(timeline({ items: [item('x', 'nope.mp4', 0, 120)] }), join(dir, 'x.mp4'), ctx),
    ).rejects.toThrow(/clip for timeline item x is missing: .*nope\.mp4/);
    await expect(
      r.render(timeline({ audio: { src: 'red.mp4', durationSec: 2 } }), join(dir, 'x.mp4'), ctx),
    ).rejects.toThrow(/the song has no audio track/);
    await expect(r.render({ ...timeline({}), fps: -1 } as Timeline, join(dir, 'x.mp4'), ctx)).rejects.toThrow(
      /invalid timeline: .*fps/,
    );
    expect(existsSync(join(dir, 'x.mp4'))).toBe(false);
  });

  it('renders a long timeline in passes joined without re-encoding, frame-exact, with text across the joins', async () => {
    const out = join(dir, 'passes.mp4');
    const progress: number[] = [];
    const res = await createFfmpegRenderer({ maxItemsPerPass: 1 }).render(
      timeline({
        items: [
          item('a', 'red.mp4', 0, 40),
          item('b', 'green.mp4', 40, 50),
          item('c', 'blue.mp4', 80, 20, {
            clipDurationSec: 3,
            transitionIn: { kind: 'fade', durationFrames: 10 },
          }),
          item('d', 'gray.mp4', 100, 20, { clipDurationSec: 4 }),
        ],
        captions: [
          {
            text: 'over the join',
            startFrame: 30,
            endFrame: 110,
            words: [{ text: 'join', startFrame: 38, endFrame: 104 }],
          },
        ],
      }),
      out,
      { logger: silentLogger(), baseDir: dir, concurrency: 2, onProgress: (p) => progress.push(p) },
    );
    expect(res.frames).toBe(120);
    const p = await probeStreams(out);
    expect(p.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', frames: 120 });
    expect(Math.abs(p.durationSec - 4)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(p.audio.durationSec - 4)).toBeLessThanOrEqual(1 / FPS);
    expect((await topLevelBoxes(out)).slice(0, 2)).toEqual(['ftyp', 'moov']);
    const f = await decodeFrames(out, { w: 320, h: 180 });
    const px = (n: number) => f.pixel(n, 160, 40);
    expect(near(px(39), [255, 0, 0])).toBe(true);
    expect(near(px(40), [0, 255, 0])).toBe(true);
    expect(near(px(85), [0, 128, 128], 40)).toBe(true);
    expect(near(px(99), [0, 0, 255])).toBe(true);
    expect(near(px(100), [128, 128, 128])).toBe(true);
    // The lit word runs across both joins (frames 40 and 100) without a gap.
    const lit = (n: number) => {
      let c = 0;
      for (let y = 120; y < 180; y++)
        for (let x = 0; x < 320; x++) {
          const [r, g, b] = f.pixel(n, x, y);
          if (r > 180 && g > 150 && b < 90) c++;
        }
      return c;
    };
    expect(lit(37)).toBe(0);
    for (const n of [38, 39, 40, 99, 100, 103]) expect(lit(n)).toBeGreaterThan(3);
    expect(lit(104)).toBe(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('says so when the timeline asks for a font that is not installed', async () => {
    const res = await createFfmpegRenderer().render(
      timeline({
        durationFrames: 15,
        items: [item('g', 'gray.mp4', 0, 15, { clipDurationSec: 4 })],
        captions: [{ text: 'hello', startFrame: 0, endFrame: 15 }],
        style: { fontFamily: 'No Such Font Family 123', accent: '#ffcc00', captionColor: '#ffffff' },
      }),
      join(dir, 'font.mp4'),
      { logger: silentLogger(), baseDir: dir },
    );
    expect(res.unsupported).toEqual([
      expect.stringMatching(/font "No Such Font Family 123" is not installed; text is drawn in /),
    ]);
  });

  it('keeps the song in place when it and the timeline disagree: cut with the picture, or followed by silence', async () => {
    const decisions = sink();
    const longer = join(dir, 'longer.mp4');
    await createFfmpegRenderer().render(
      timeline({
        durationFrames: 150,
        items: [item('g', 'gray.mp4', 0, 150, { clipDurationSec: 4, loop: true })],
      }),
      longer,
      { logger: silentLogger(), baseDir: dir, decisions },
    );
    const p = await probeStreams(longer);
    expect(p.video.frames).toBe(150);
    expect(Math.abs(p.audio.durationSec - 5)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs(p.durationSec - 5)).toBeLessThanOrEqual(1 / FPS);
    expect(decisions.decisions.map((d) => d.summary).join('\n')).toMatch(
      /shorter than the timeline .* silence/,
    );
    const pcm = await decodePcm(longer, 44100, 2);
    const tail = pcm.subarray(Math.round(4.2 * 44100) * 2, Math.round(4.9 * 44100) * 2);
    expect(Math.max(...tail.map(Math.abs))).toBeLessThan(1e-3);

    const shorter = join(dir, 'shorter.mp4');
    await createFfmpegRenderer().render(
      timeline({ durationFrames: 45, items: [item('g', 'gray.mp4', 0, 45, { clipDurationSec: 4 })] }),
      shorter,
      { logger: silentLogger(), baseDir: dir, decisions },
    );
    const q = await probeStreams(shorter);
    expect(q.video.frames).toBe(45);
    expect(Math.abs(q.audio.durationSec - 1.5)).toBeLessThanOrEqual(1 / FPS);
    expect(decisions.decisions.map((d) => d.summary).join('\n')).toMatch(/longer than the timeline/);
  });

  it.each([
    ['in one pass', 1, 24],
    ['in parallel passes', 2, 1],
  ])('stops when cancelled %s and leaves no output behind', async (_, concurrency, maxItemsPerPass) => {
    const ac = new AbortController();
    const out = join(dir, `cancelled-${concurrency}.mp4`);
    const work = join(dir, `work-cancel-${concurrency}`);
    const p = createFfmpegRenderer({ maxItemsPerPass }).render(
      timeline({
        durationFrames: 3000,
        items: [
          item('a', 'gray.mp4', 0, 1500, { loop: true, clipDurationSec: 4 }),
          item('b', 'gray.mp4', 1500, 1500, { loop: true, clipDurationSec: 4 }),
        ],
      }),
      out,
      {
        logger: silentLogger(),
        baseDir: dir,
        signal: ac.signal,
        workDir: work,
        concurrency,
        // Stopped once encoding has begun, so the passes' temporary files exist and must go.
        onProgress: (_, step) => {
          if (step === 'encode') ac.abort();
        },
      },
    );
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith(`.cancelled-${concurrency}`))).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
  });
});
