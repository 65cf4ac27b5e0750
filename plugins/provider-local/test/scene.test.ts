import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClipRequest } from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { createLocalProvider, sceneFor } from '../src/index.js';
import { SCENE_MODEL, sceneOfJob } from '../src/provider.js';
import { drawFrame } from '../src/scene/frame.js';
import { buildStage } from '../src/scene/paint.js';
import { renderScene, sceneEncoderArgs } from '../src/scene/render.js';
import type { SceneSpec } from '../src/scene/spec.js';

const out = mkdtempSync(join(tmpdir(), 'bf-scene-'));
const workDir = mkdtempSync(join(tmpdir(), 'bf-scene-jobs-'));
const small = (prompt: string, extra: Partial<ClipRequest> = {}): ClipRequest => ({
  prompt,
  seconds: 1,
  size: '320x180',
  ...extra,
});

/** One frame drawn straight onto a canvas (no ffmpeg), as RGBA. */
function still(spec: SceneSpec, n = 10): Uint8Array {
  const c = createCanvas(spec.width, spec.height);
  const g = c.getContext('2d', { alpha: false });
  drawFrame(g, spec, buildStage(spec), n);
  return new Uint8Array(c.data());
}

function meanLuma(px: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < px.length; i += 4) sum += 0.2126 * px[i]! + 0.7152 * px[i + 1]! + 0.0722 * px[i + 2]!;
  return sum / (px.length / 4);
}

describe('the prompt picks the scene', () => {
  it("reads the demo's theme: a coast at night with a city across the water, a car driving", () => {
    const s = sceneFor(small('a night drive along a neon coastline, city lights pulsing like waves'), {
      fps: 30,
    });
    expect(s).toMatchObject({ setting: 'coast', time: 'night', ground: 'water', extraLayer: 'far-skyline' });
    expect(s.subjects).toContain('car');
    expect(s.matched).toEqual(expect.arrayContaining(['setting:coast', 'time:night', 'subject:car']));
  });

  it('borrows a far layer only from an outdoor place, and leaves vehicles out of a room', () => {
    const street = sceneFor(small('a street shining with reflections, a paper boat, a window close by'), {
      fps: 30,
    });
    expect(street).toMatchObject({ setting: 'street', subjects: ['boat'] });
    expect(street.extraLayer).toBeUndefined();
    const inside = sceneFor(small('close-up of the driver inside the car, against the window'), { fps: 30 });
    expect(inside).toMatchObject({ setting: 'room', subjects: ['figure'] });
  });

  it('lights a loud shot brighter than a quiet one of the same prompt and hour', () => {
    const prompt = 'the highway along the coast at night, headlights streaming past';
    const quiet = sceneFor(small(prompt, { music: { bpm: 120, energy: 0.3 } }), { fps: 30 });
    const loud = sceneFor(small(prompt, { music: { bpm: 120, energy: 0.95 } }), { fps: 30 });
    expect(quiet.lift).toBeUndefined();
    expect(loud.lift).toBeGreaterThan(0.9);
    expect(meanLuma(still(loud))).toBeGreaterThan(meanLuma(still(quiet)) * 1.2);
  });

  it('keeps every element of a rainy-city theme: the setting, the weather and a paper boat', () => {
    const s = sceneFor(small('a paper boat drifting through a rainy city'), { fps: 30 });
    expect(s).toMatchObject({ setting: 'city', weather: ['rain'], subjects: ['boat'] });
    expect(s.modifiers).toContain('paper');
  });

  it('varies framing, horizon, mirror and grade between shots of one theme, the same for the same request', () => {
    const theme = 'a night drive along a neon coastline, city lights pulsing like waves';
    const specs = Array.from({ length: 12 }, (_, i) =>
      sceneFor(small(theme, { shotId: `s${i + 1}` }), { fps: 30 }),
    );
    const kinds = (f: (s: SceneSpec) => unknown) => new Set(specs.map(f)).size;
    expect(kinds((s) => s.framing)).toBeGreaterThanOrEqual(2);
    expect(kinds((s) => s.horizonShift)).toBeGreaterThanOrEqual(4);
    expect(kinds((s) => s.mirror)).toBe(2);
    expect(kinds((s) => s.hueShift)).toBeGreaterThanOrEqual(4);
    expect(kinds((s) => s.shot)).toBeGreaterThanOrEqual(4);
    // Neighbours never share a sky: each lights it with the next accent.
    for (let i = 1; i < specs.length; i++) expect(specs[i]!.tint).not.toBe(specs[i - 1]!.tint);
    // The theme stays: every shot is the same coast at night.
    expect(kinds((s) => `${s.setting}/${s.time}`)).toBe(1);
    expect(sceneFor(small(theme, { shotId: 's3' }), { fps: 30 })).toEqual(specs[2]);
    // The prompt's framing word wins over the seed; colour words keep their hue.
    const close = sceneFor(small(`close-up of ${theme}`, { shotId: 's1' }), { fps: 30 });
    expect(close.shot).toBe('close');
    expect(close.framing).toBe(1.2);
    expect(close.matched).toContain('framing:close');
    for (let i = 0; i < 8; i++)
      expect(
        Math.abs(sceneFor(small('a red car in a city', { shotId: `r${i}` }), { fps: 30 }).hueShift),
      ).toBeLessThanOrEqual(12);
    // Different framings draw different pictures.
    const a = still({ ...specs[0]!, width: 160, height: 90, framing: 1 });
    const b = still({ ...specs[0]!, width: 160, height: 90, framing: 1.3 });
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
    expect(diff / a.length).toBeGreaterThan(2);
  });

  it('draws 720p frames at 3/4 size for the encoder to scale up; small frames at their size', () => {
    const hd = sceneFor(small('rain over a city', { size: '1280x720' }), { fps: 30 });
    const args = sceneEncoderArgs(hd, 'out.mp4').join(' ');
    expect(args).toContain('-s 960x540');
    expect(args).toMatch(/-vf scale=1280:720:flags=bicubic/);
    expect(sceneEncoderArgs(sceneFor(small('rain'), { fps: 30 }), 'o.mp4').join(' ')).toContain('-s 320x180');
  });

  it('names time, weather, subjects and camera moves from the words', () => {
    const s = sceneFor(small('aerial shot of mountains at dawn, birds, light fog'), { fps: 30 });
    expect(s).toMatchObject({ setting: 'mountains', time: 'dawn', camera: 'aerial', subjects: ['birds'] });
    expect(s.weather).toContain('fog');
    expect(sceneFor(small('a desert highway at sunset'), { fps: 30 })).toMatchObject({
      setting: 'desert',
      ground: 'road',
      time: 'sunset',
    });
  });

  it('falls back to an abstract scene for unknown words, and says so', () => {
    const s = sceneFor(small('quixotic ineffable zeugma'), { fps: 30 });
    expect(s.setting).toBe('abstract');
    expect(s.matched).toEqual([]);
    expect(s.fallback).toEqual(expect.arrayContaining(['setting:abstract']));
  });

  it('prompt colours come first in the accents; music without a tempo still pulses gently', () => {
    const s = sceneFor(small('a city in teal and gold'), { fps: 30 });
    expect(s.accents.slice(0, 2)).toEqual(['0f9d9a', 'e8b830']);
    expect(s.bpm).toBe(0);
    expect(sceneFor(small('a city', { music: { bpm: 128, energy: 0.9 } }), { fps: 30 })).toMatchObject({
      bpm: 128,
      energy: 0.9,
    });
  });
});

describe('the setting changes the picture', () => {
  it('night is darker than day', () => {
    const day = meanLuma(still(sceneFor(small('a city skyline at noon'), { fps: 30 })));
    const night = meanLuma(still(sceneFor(small('a city skyline at midnight'), { fps: 30 })));
    expect(day).toBeGreaterThan(night + 40);
  });

  it('rain draws streaks: bright thin marks that move from frame to frame', () => {
    const dry = sceneFor(small('a city street at night', { seed: 7 }), { fps: 30 });
    const wet = { ...dry, weather: ['rain' as const] };
    const a = still(dry, 10);
    const b = still(wet, 10);
    const c = still(wet, 11);
    let brighter = 0;
    let moved = 0;
    for (let i = 0; i < a.length; i += 4) {
      if (b[i + 2]! > a[i + 2]! + 20) brighter++;
      if (Math.abs(c[i + 2]! - b[i + 2]!) > 20) moved++;
    }
    const px = a.length / 4;
    expect(brighter / px).toBeGreaterThan(0.01);
    expect(moved / px).toBeGreaterThan(0.01);
  });

  it('snow whitens the frame; underwater is blue; a sunset desert is warm', () => {
    const mean = (px: Uint8Array, ch: number) => {
      let s = 0;
      for (let i = ch; i < px.length; i += 4) s += px[i]!;
      return s / (px.length / 4);
    };
    const sea = still(sceneFor(small('underwater with light rays'), { fps: 30 }));
    expect(mean(sea, 2)).toBeGreaterThan(mean(sea, 0) + 40);
    const desert = still(sceneFor(small('a desert at sunset'), { fps: 30 }));
    expect(mean(desert, 0)).toBeGreaterThan(mean(desert, 2) + 30);
  });
});

describe('scene clips', () => {
  it('the same request renders a byte-identical clip', async () => {
    const s = sceneFor(small('a paper boat drifting through a rainy city', { shotId: 'd1' }), { fps: 15 });
    await renderScene(s, join(out, 'a.mp4'));
    await renderScene(s, join(out, 'b.mp4'));
    expect(readFileSync(join(out, 'a.mp4')).equals(readFileSync(join(out, 'b.mp4')))).toBe(true);
  });

  it('renders a half-second clip, a 4000-character prompt, an empty one, unknown words and a one-colour palette, at 9:16 and 1:1', async () => {
    const cases: Array<[string, string, number, string[]?]> = [
      ['', '180x320', 0.5],
      ['snow in a forest at night '.repeat(160).slice(0, 4000), '320x320', 1],
      ['quixotic ineffable zeugma, all in red', '320x180', 0.5, ['#ff0000']],
    ];
    for (const [prompt, size, seconds, palette] of cases) {
      const s = sceneFor(
        { prompt, size, seconds, ...(palette ? { music: { bpm: 0, energy: 0.5, palette } } : {}) },
        { fps: 15 },
      );
      const file = join(out, `edge-${size}.mp4`);
      await renderScene(s, file);
      const [w, h] = size.split('x').map(Number);
      const info = await probeMedia(file);
      expect(info.video).toMatchObject({ width: w, height: h, codec: 'h264', pixFmt: 'yuv420p' });
      expect(info.durationSec).toBeCloseTo(seconds, 1);
    }
  });

  it('is the default model of the provider, logs what it matched, and snaps a 60-s request', async () => {
    const p = createLocalProvider({ workDir, fps: 15 });
    expect(p.capabilities.models[0]).toBe(SCENE_MODEL);
    const ctx = recordingContext();
    const ref = await p.submit(small('a dancer in a neon room', { shotId: 'sh-3', seconds: 0.5 }), ctx);
    expect(ref.model).toBe(SCENE_MODEL);
    expect(sceneOfJob(ref)).toMatchObject({ setting: 'room', subjects: ['dancer'] });
    const d = ctx.recorded.find((r) => r.role === 'provider-local');
    expect(d).toMatchObject({ shotId: 'sh-3', summary: expect.stringContaining('matched setting:room') });
    expect((await pollUntilSettled(p, ref, ctx)).state).toBe('done');
    const clip = await p.download(ref, join(out, 'room.mp4'), ctx);
    expect(clip).toMatchObject({ width: 320, height: 180, model: SCENE_MODEL });
    expect(clip.durationSec).toBeCloseTo(1, 0);

    const again = await p.submit(small('a dancer in a neon room', { shotId: 'sh-3', seconds: 0.5 }), ctx);
    expect(again.jobId).toBe(ref.jobId);
    const long = await p.submit(small('space with planets', { seconds: 60 }), ctx);
    expect(long.seconds).toBe(12);
    await p.cancel!(long, ctx);
  });

  it('an unknown model is a one-line error', async () => {
    const p = createLocalProvider({ workDir, fps: 15 });
    await expect(p.submit(small('a city', { model: 'veo-9' }), recordingContext())).rejects.toThrow(
      /^local has no model 'veo-9' \(it has scene-v1, motion-graphics-v1\)$/,
    );
  });
});
