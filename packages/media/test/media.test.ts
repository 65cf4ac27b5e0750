import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { grabFrames, probeMedia, runFfmpeg } from '../src/index.js';

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

describe('grabFrames', () => {
  it('writes each still from its own position in one process, and falls back per still when one fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-grab-'));
    const video = join(dir, 'v.mp4');
    // Black for the first second, white after: each still shows where it was taken.
    await runFfmpeg([
      '-y',
      '-v',
      'error',
      '-filter_complex',
      'color=c=black:s=160x90:r=10:d=1[a];color=c=white:s=160x90:r=10:d=1[b];[a][b]concat=n=2:v=1',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const grabs = [0.3, 1.5].map((atSec, i) => ({ atSec, dest: join(dir, 'frames', `f-${i}.jpg`) }));
    expect(await grabFrames(video, grabs)).toEqual(grabs.map((g) => g.dest));
    const luma = async (path: string) => {
      const info = await probeMedia(path);
      expect(info.video?.width).toBe(320);
      const raw = await runFfmpegCapture(path);
      return raw.reduce((a, b) => a + b, 0) / raw.length;
    };
    expect(await luma(grabs[0]!.dest)).toBeLessThan(40);
    expect(await luma(grabs[1]!.dest)).toBeGreaterThan(200);
    expect(readdirSync(join(dir, 'frames')).sort()).toEqual(['f-0.jpg', 'f-1.jpg']);

    // A position past the end fails the single process; the still that can be read is still written.
    const late = [
      { atSec: 0.5, dest: join(dir, 'late', 'a.jpg') },
      { atSec: 60, dest: join(dir, 'late', 'b.jpg') },
    ];
    expect(await grabFrames(video, late)).toEqual([late[0]!.dest]);
    expect(readdirSync(join(dir, 'late'))).toEqual(['a.jpg']);
  });
});

/** A still's grey pixels, 8x8. */
function runFfmpegCapture(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-v', 'error', '-i', path, '-vf', 'scale=8:8', '-pix_fmt', 'gray', '-f', 'rawvideo', '-'],
      { encoding: 'buffer' },
      (err, out) => (err ? reject(err) : resolve(new Uint8Array(out))),
    );
  });
}
