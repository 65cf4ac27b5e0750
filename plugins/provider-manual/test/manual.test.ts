import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError, ProviderError } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { recordingContext } from '@beatframe/provider-conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { findShotClip } from '../src/folder.js';
import { createManualProvider, planManualClips, replaceShotClip } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-manual-'));
const out = mkdtempSync(join(tmpdir(), 'bf-manual-out-'));
const clip = (name: string, size = '160x90', extra: string[] = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']) =>
  runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10:duration=1`, ...extra, join(dir, name)]);

beforeAll(async () => {
  await clip('intro.mp4');
  await clip('02-verse.mp4');
  await clip('03_chorus.mp4');
  await clip('odd.webm', '317x239', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8']);
  writeFileSync(join(dir, 'clips.json'), JSON.stringify({ bridge: 'odd.webm', '3': '02-verse.mp4' }));
});

describe('finding a shot’s clip', () => {
  it('by mapping, then by shot id, then by 1-based number', () => {
    expect(findShotClip(dir, { shotId: 'bridge' })).toBe(join(dir, 'odd.webm'));
    expect(findShotClip(dir, { shotId: 'intro', shotIndex: 5 })).toBe(join(dir, 'intro.mp4'));
    expect(findShotClip(dir, { shotId: 'verse-1', shotIndex: 1 })).toBe(join(dir, '02-verse.mp4'));
    // clips.json's "3" wins over 03_chorus.mp4
    expect(findShotClip(dir, { shotIndex: 2 })).toBe(join(dir, '02-verse.mp4'));
    expect(findShotClip(dir, { shotId: 'outro', shotIndex: 9 })).toBeUndefined();
  });

  it('lists every shot that has no clip, at once', () => {
    const plan = planManualClips(dir, [
      { id: 'intro', index: 0 },
      { id: 'v', index: 1 },
      { id: 'outro', index: 7 },
      { id: 'end', index: 8 },
    ]);
    expect(Object.keys(plan.found)).toEqual(['intro', 'v']);
    expect(plan.missing).toEqual(['outro', 'end']);
  });
});

describe('provider-manual', () => {
  const p = createManualProvider({ dir });
  const ctx = recordingContext({});

  it("declares its clips as the user's own, polled quickly (capabilities the pipeline reads, not its name)", () => {
    expect(createManualProvider().capabilities).toMatchObject({ userClips: true, pollIntervalMs: 500 });
  });

  it('a shot without a clip is a one-line error saying what to add', async () => {
    const err = await p
      .submit({ prompt: 'x', seconds: 2, size: '1280x720', shotId: 'outro', shotIndex: 6 }, ctx)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('fatal');
    expect(err.message).toBe(
      `no clip for shot outro in ${dir}: add outro.mp4, 07-<anything>.mp4, an entry in clips.json`,
    );
  });

  it('without a folder it is not configured, and says which variable to set', async () => {
    const bare = createManualProvider();
    expect(bare.status({ ...ctx, env: {} })).toMatchObject({
      configured: false,
      hint: expect.stringContaining('BEATFRAME_MANUAL_DIR'),
    });
    await expect(
      bare.submit({ prompt: 'x', seconds: 2, size: '1280x720', shotId: 'intro' }, { ...ctx, env: {} }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(bare.status({ ...ctx, env: { BEATFRAME_MANUAL_DIR: dir } }).configured).toBe(true);
  });

  it('copies an H.264 clip as it is, and converts an odd-sized VP9 WebM to even-sized H.264', async () => {
    const a = await p.submit({ prompt: 'x', seconds: 4, size: '1280x720', shotId: 'intro' }, ctx);
    const ca = await p.download(a, join(out, 'intro.mp4'), ctx);
    expect(readFileSync(ca.path).equals(readFileSync(join(dir, 'intro.mp4')))).toBe(true);
    expect(ca).toMatchObject({ width: 160, height: 90, shotId: 'intro', provider: 'manual', costUsd: 0 });

    const b = await p.submit({ prompt: 'x', seconds: 4, size: '1280x720', shotId: 'bridge' }, ctx);
    const cb = await p.download(b, join(out, 'bridge.mp4'), ctx);
    const info = await probeMedia(cb.path);
    expect(info.video).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 316, height: 238 });
  });

  it('replaceShotClip puts your file in place of a shot’s clip', async () => {
    const mine = join(out, 'mine.mov');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=240x100:rate=10:duration=1',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      mine,
    ]);
    const { path } = await replaceShotClip(dir, 'bridge', mine);
    expect(path).toBe(join(dir, 'bridge.mov'));
    expect(JSON.parse(readFileSync(join(dir, 'clips.json'), 'utf8')).bridge).toBe('bridge.mov');
    const ref = await p.submit({ prompt: 'x', seconds: 4, size: '1280x720', shotId: 'bridge' }, ctx);
    expect((await p.download(ref, join(out, 'bridge2.mp4'), ctx)).width).toBe(240);
    const notVideo = join(out, 'notes.mp4');
    writeFileSync(notVideo, 'not a video');
    await expect(replaceShotClip(dir, 'intro', notVideo)).rejects.toBeInstanceOf(InputError);
  });
});
