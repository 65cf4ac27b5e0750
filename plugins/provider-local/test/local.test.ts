import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClipRequest, VideoProvider } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { describe, expect, it } from 'vitest';
import { createLocalProvider } from '../src/index.js';
import { coloursIn, ffmpegArgs, lookFor } from '../src/look.js';
import { localJobFiles, lookOfJob } from '../src/provider.js';

const workDir = mkdtempSync(join(tmpdir(), 'bf-local-'));
const out = mkdtempSync(join(tmpdir(), 'bf-local-out-'));
// These tests are about the abstract generator, which is no longer the default model.
const base: ClipRequest = { prompt: 'x', seconds: 2, size: '320x180', model: 'motion-graphics-v1' };

async function render(p: VideoProvider, req: ClipRequest, name: string): Promise<string> {
  const ctx = recordingContext();
  const ref = await p.submit(req, ctx);
  expect((await pollUntilSettled(p, ref, ctx)).state).toBe('done');
  return (await p.download(ref, join(out, `${name}.mp4`), ctx)).path;
}

/** Frames as tiny RGB thumbnails: enough to measure colour and motion. */
async function frames(path: string): Promise<Buffer[]> {
  const { stdout } = await runFfmpeg(
    ['-i', path, '-vf', 'scale=16:9', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    {
      binary: true,
    },
  );
  const size = 16 * 9 * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) =>
    stdout.subarray(i * size, (i + 1) * size),
  );
}

function meanChannel(fs: Buffer[], ch: 0 | 1 | 2): number {
  let sum = 0;
  let n = 0;
  for (const f of fs) {
    for (let i = ch; i < f.length; i += 3) {
      sum += f[i]!;
      n++;
    }
  }
  return sum / n;
}

function motion(fs: Buffer[]): number {
  let sum = 0;
  for (let k = 1; k < fs.length; k++)
    for (let i = 0; i < fs[k]!.length; i++) sum += Math.abs(fs[k]![i]! - fs[k - 1]![i]!);
  return sum / ((fs.length - 1) * fs[0]!.length);
}

describe('the look follows the words and the music', () => {
  it('finds colour words, in order, and hex colours', () => {
    expect(coloursIn('A red sky over a blue sea, #00ff00 grass')).toEqual(['e0202c', '1e5bff', '00ff00']);
  });

  it('shade words darken or lighten the colour after them', () => {
    const [deep] = coloursIn('deep blue');
    const [pale] = coloursIn('pale blue');
    const lum = (hex: string) => [0, 2, 4].reduce((a, i) => a + Number.parseInt(hex.slice(i, i + 2), 16), 0);
    expect(lum(deep!)).toBeLessThan(lum('1e5bff'));
    expect(lum(pale!)).toBeGreaterThan(lum('1e5bff'));
  });

  it('a chorus hits harder than a bridge at the same energy', () => {
    const at = (section: string) =>
      lookFor({ ...base, prompt: 'city lights', music: { bpm: 120, energy: 0.8, section } }, { fps: 30 })
        .style;
    expect(at('chorus')).toBe('strobe');
    expect(at('bridge')).toBe('pulse');
  });

  it('calm and quiet music drifts; aggressive and loud music strobes; the tempo is kept', () => {
    const calm = lookFor(
      { ...base, prompt: 'calm dreamy haze', music: { bpm: 70, energy: 0.1 } },
      { fps: 30 },
    );
    const loud = lookFor(
      { ...base, prompt: 'aggressive explosive drop', music: { bpm: 174, energy: 0.95 } },
      { fps: 30 },
    );
    expect(calm.style).toBe('drift');
    expect(loud.style).toBe('strobe');
    expect(loud.speed).toBeGreaterThan(calm.speed);
    expect(calm.bpm).toBe(70);
    expect(loud.bpm).toBe(174);
  });

  it('is deterministic for one shot and differs from shot to shot', () => {
    const a = lookFor({ ...base, prompt: 'neon city', shotId: 's1' }, { fps: 30 });
    expect(lookFor({ ...base, prompt: 'neon city', shotId: 's1' }, { fps: 30 })).toEqual(a);
    const others = ['s2', 's3', 's4', 's5'].map((id) =>
      lookFor({ ...base, prompt: 'neon city', shotId: id }, { fps: 30 }),
    );
    expect(new Set([a, ...others].map((l) => l.seed)).size).toBe(5);
    expect(new Set([a, ...others].map((l) => `${l.gradient}/${l.speed}`)).size).toBeGreaterThan(1);
  });
});

describe('every style renders at every aspect', () => {
  const prompts = {
    drift: ['calm dreamy haze', 0.1],
    organic: ['mysterious forest growth', 0.5],
    pulse: ['neon city', 0.5],
    strobe: ['aggressive explosive drop', 0.95],
  } as const;
  for (const size of ['360x640', '640x360', '320x320']) {
    it(size, async () => {
      for (const [style, [prompt, energy]] of Object.entries(prompts)) {
        const look = lookFor({ prompt, seconds: 1, size, music: { bpm: 128, energy } }, { fps: 10 });
        expect(look.style).toBe(style);
        const file = join(out, `${style}-${size}.mp4`);
        await runFfmpeg(ffmpegArgs(look, file));
        const [w, h] = size.split('x').map(Number);
        expect((await probeMedia(file)).video).toMatchObject({
          width: w,
          height: h,
          codec: 'h264',
          pixFmt: 'yuv420p',
        });
      }
    });
  }
});

describe('provider-local clips', () => {
  const p = createLocalProvider({ workDir, fps: 15 });

  it('a red prompt makes a red clip, a blue prompt a blue one', async () => {
    const red = await frames(await render(p, { ...base, prompt: 'red and crimson and scarlet' }, 'red'));
    const blue = await frames(await render(p, { ...base, prompt: 'blue and navy and azure' }, 'blue'));
    expect(meanChannel(red, 0)).toBeGreaterThan(meanChannel(red, 2) + 20);
    expect(meanChannel(blue, 2)).toBeGreaterThan(meanChannel(blue, 0) + 20);
  });

  it('energetic shots move far more than calm ones', async () => {
    const calm = await frames(
      await render(p, { ...base, prompt: 'calm dreamy blue', music: { bpm: 70, energy: 0.1 } }, 'calm'),
    );
    const wild = await frames(
      await render(
        p,
        { ...base, prompt: 'aggressive strobing red', music: { bpm: 160, energy: 0.95 } },
        'wild',
      ),
    );
    expect(motion(wild)).toBeGreaterThan(3 * motion(calm));
  });

  it('pulses on the tempo: frames on the beat are brighter than frames between beats', async () => {
    // 120 bpm: a beat every 0.5 s; at 15 fps, frame n sits at phase (n / 15 mod 0.5) / 0.5 of its beat.
    const fs = await frames(
      await render(
        p,
        { ...base, prompt: 'neon pink and cyan shapes', seconds: 4, music: { bpm: 120, energy: 0.6 } },
        'beat',
      ),
    );
    const luma = (f: Buffer) => f.reduce((a, v) => a + v, 0) / f.length;
    const on: number[] = [];
    const off: number[] = [];
    fs.forEach((f, n) => {
      const phase = ((n / 15) % 0.5) / 0.5;
      if (phase < 0.15) on.push(luma(f));
      else if (phase > 0.5) off.push(luma(f));
    });
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(mean(on)).toBeGreaterThan(mean(off) + 5);
  });

  it('re-renders a job whose render process died, from the stored reference alone', async () => {
    const ctx = recordingContext();
    const ref = await p.submit({ ...base, prompt: 'orange pulse, died mid-render', seconds: 3 }, ctx);
    const files = localJobFiles(workDir, ref.jobId);
    const pid = Number(readFileSync(files.pid, 'utf8'));
    process.kill(-pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(files.final)).toBe(false);
    const restarted = createLocalProvider({ workDir, fps: 15 });
    const stored = JSON.parse(JSON.stringify(ref));
    expect(lookOfJob(stored)).toEqual(lookOfJob(ref));
    expect((await pollUntilSettled(restarted, stored, ctx)).state).toBe('done');
    const clip = await restarted.download(stored, join(out, 'revived.mp4'), ctx);
    expect(clip.durationSec).toBeCloseTo(3, 0);
  });

  it('a reference image lends its colours when the prompt names none', async () => {
    const still = join(out, 'orange.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=0xff8000:s=64x36', '-frames:v', '1', still]);
    const ctx = recordingContext();
    const ref = await p.submit({ ...base, prompt: 'shapes', imagePath: still }, ctx);
    // Within a step or two of 0xff8000 (the image goes through YUV on its way).
    const near = (hex: string) => {
      const n = Number.parseInt(hex.slice(2), 16);
      return (
        Math.abs(((n >> 16) & 255) - 0xff) + Math.abs(((n >> 8) & 255) - 0x80) + Math.abs((n & 255) - 0) < 8
      );
    };
    expect(lookOfJob(ref).palette.filter(near)).toHaveLength(1);
    const named = await p.submit({ ...base, prompt: 'blue and teal and navy', imagePath: still }, ctx);
    expect(lookOfJob(named).palette.filter(near)).toHaveLength(0);
    await p.cancel!(ref, ctx);
    await p.cancel!(named, ctx);
  });

  it('records what it chose as a decision, and costs nothing', async () => {
    const ctx = recordingContext();
    const ref = await p.submit({ ...base, prompt: 'gold and teal, dreamy', shotId: 'shot-7' }, ctx);
    expect(ctx.recorded.find((d) => d.role === 'provider-local')?.shotId).toBe('shot-7');
    expect(p.capabilities.usdFor(ref)).toBe(0);
    // Generated here, done in seconds: polled every 500 ms; generated, not the user's own clips.
    expect(p.capabilities.pollIntervalMs).toBe(500);
    expect(p.capabilities.userClips).toBeUndefined();
    await p.cancel!(ref, ctx);
  });
});

describe('provider-local status', () => {
  it('is configured when ffmpeg runs, and says how to fix it when it does not', () => {
    const p = createLocalProvider({ workDir });
    expect(p.status(recordingContext()).configured).toBe(true);
    const broken = p.status({ ...recordingContext(), env: { BEATFRAME_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(broken).toMatchObject({ configured: false, hint: expect.stringContaining('BEATFRAME_FFMPEG') });
  });
});

describe('provider-local after a reboot', () => {
  it('does not mistake an unrelated process with the old pid for its render', async () => {
    const p = createLocalProvider({ workDir, fps: 15 });
    const ctx = recordingContext();
    const ref = await p.submit({ ...base, prompt: 'violet haze, stale pid', seconds: 1 }, ctx);
    const files = localJobFiles(workDir, ref.jobId);
    await pollUntilSettled(p, ref, ctx);
    rmSync(files.final);
    rmSync(files.status);
    // This test process is alive but is not ffmpeg rendering the job: the render must start again.
    writeFileSync(files.pid, String(process.pid));
    expect((await p.poll(ref, ctx)).state).toBe('queued');
    expect((await pollUntilSettled(p, ref, ctx)).state).toBe('done');
  });
});
