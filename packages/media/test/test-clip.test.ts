import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeMedia } from '../src/probe.js';
import { makeTestClip } from '../src/test-clip.js';

describe('makeTestClip', () => {
  it('makes real clips, with sound when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-media-clip-'));
    const silent = await probeMedia(
      (await makeTestClip(join(dir, 'a.mp4'), { width: 160, height: 90, fps: 8, durationSec: 1 })).path,
    );
    expect(silent.video).toMatchObject({ width: 160, height: 90 });
    expect(silent.audio).toBeUndefined();
    const clip = await makeTestClip(join(dir, 'b.mp4'), {
      width: 160,
      height: 90,
      fps: 8,
      durationSec: 1,
      toneHz: 440,
      motion: true,
    });
    expect(clip.hasAudio).toBe(true);
    expect((await probeMedia(clip.path)).audio).toBeDefined();
  });
});
