import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visualizerBox } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { runFfmpeg, visualizerFilter } from '../src/index.js';

describe('visualizerFilter', () => {
  it('draws the wave in time with the song: a tone starting at 8 s shows from frame 240 of 300', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-viz-'));
    const song = join(dir, 'song.wav');
    // 8 s of silence, then 2 s of a loud tone, at 44.1 kHz (not a multiple of the frame rate's samples).
    await runFfmpeg([
      ...['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono:d=8'],
      ...['-f', 'lavfi', '-i', 'sine=f=220:r=44100:d=2'],
      ...['-filter_complex', '[0:a][1:a]concat=n=2:v=0:a=1,volume=8[a]', '-map', '[a]', song],
    ]);
    const [W, H, fps, frames] = [320, 180, 30, 300];
    const graph = visualizerFilter({
      visualizer: { kind: 'wave', color: '#ffffff' },
      width: W,
      height: H,
      fps,
      frames,
      audio: '1:a',
      video: '0:v',
      out: 'v',
    });
    const { stdout } = await runFfmpeg(
      [
        ...['-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}:r=${fps}:d=10`, '-i', song],
        ...['-filter_complex', `${graph};[v]format=gray[g]`, '-map', '[g]'],
        ...['-f', 'rawvideo', 'pipe:1'],
      ],
      { binary: true },
    );
    const box = visualizerBox('wave', W, H);
    const lit = (f: number) => {
      let sum = 0;
      for (let y = box.y; y < box.y + box.h; y++)
        for (let x = box.x; x < box.x + box.w; x++) sum += stdout[f * W * H + y * W + x]!;
      return sum / (box.w * box.h);
    };
    expect(stdout.length).toBe(frames * W * H);
    // The tone starts at frame 240: dark before (a frame of slack), drawn from there to the end.
    for (const f of [0, 120, 230, 238]) expect(lit(f)).toBeLessThan(2);
    for (const f of [242, 260, 299]) expect(lit(f)).toBeGreaterThan(5);
  });
});
