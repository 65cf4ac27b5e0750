import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { probeMedia, runFfmpeg } from '../src/index.js';

describe('media', () => {
  it('probes a real video with sound, and reports progress while encoding it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-media-'));
    const out = join(dir, 'x.mp4');
    const times: number[] = [];
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=25:duration=2',
        '-f',
        'lavfi',
        '-i',
        'sine=f=440:d=2',
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-shortest',
        out,
      ],
      { onTime: (t) => times.push(t) },
    );
    const info = await probeMedia(out);
    expect(info.video).toMatchObject({ codec: 'h264', width: 320, height: 240, rotation: 0 });
    expect(info.video!.fps).toBeCloseTo(25, 3);
    expect(info.audio?.codec).toBe('aac');
    expect(info.durationSec).toBeGreaterThan(1.9);
    expect(times.length).toBeGreaterThan(0);
  });

  it('rejects a file that is not media with an InputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-media-'));
    const bad = join(dir, 'notes.mp3');
    writeFileSync(bad, 'this is text, not audio');
    await expect(probeMedia(bad)).rejects.toBeInstanceOf(InputError);
  });

  it('surfaces ffmpeg failures with the tail of its stderr', async () => {
    await expect(runFfmpeg(['-i', '/nonexistent/file.wav', '/tmp/never.wav'])).rejects.toThrow(
      /ffmpeg failed/,
    );
  });
});
