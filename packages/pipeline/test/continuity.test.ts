import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { continuityOf, DRIFT_THRESHOLD } from '../src/continuity.js';

// Real ffmpeg on tiny pictures: a keyframe, a clip that starts from it, and one that went elsewhere.
describe('continuity heuristic (clip first frames vs keyframe)', () => {
  let dir: string;
  const still = (name: string, src: string) =>
    runFfmpeg(['-f', 'lavfi', '-i', src, '-frames:v', '1', join(dir, name)]).then(() => join(dir, name));
  const clip = (name: string, src: string) =>
    runFfmpeg(['-f', 'lavfi', '-i', src, '-t', '1', '-pix_fmt', 'yuv420p', join(dir, name)]).then(() =>
      join(dir, name),
    );
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bf-continuity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a clip that starts from its keyframe and flags one that drifted', async () => {
    const key = await still('key.png', 'testsrc2=size=640x360:rate=1');
    const same = await continuityOf(key, await clip('same.mp4', 'testsrc2=size=320x180:rate=8'));
    expect(same.drifted).toBe(false);
    expect(same.distance).toBeLessThan(0.15);
    const other = await continuityOf(key, await clip('other.mp4', 'color=c=0x2040c0:size=320x180:rate=8'));
    expect(other.drifted).toBe(true);
    expect(other.distance).toBeGreaterThan(DRIFT_THRESHOLD);
    expect(other.threshold).toBe(DRIFT_THRESHOLD);
  });
});
