import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepVersion, listVersions, restoreVersion, versionVideo } from '../src/versions.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-versions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('versions of the delivered cut', () => {
  const render = join(dir, 'video-r0.mp4');
  const out = join(dir, 'video.mp4');
  const thumb = join(dir, 'thumbnail.jpg');

  it('keeps each delivered render once, marks the newest current, and restores an older one', async () => {
    writeFileSync(render, 'first cut');
    writeFileSync(out, 'first cut');
    writeFileSync(thumb, 'thumb 1');
    const v1 = await keepVersion(dir, out, thumb, { renderPath: render, score: 0.6, round: 0 });
    // The deliver stage run again after a crash (same render) adds nothing.
    const again = await keepVersion(dir, out, thumb, { renderPath: render });
    expect(again.n).toBe(v1.n);

    writeFileSync(render, 'second, longer cut');
    utimesSync(render, new Date(), new Date(Date.now() + 5000));
    writeFileSync(out, 'second, longer cut');
    writeFileSync(thumb, 'thumb 2');
    const v2 = await keepVersion(dir, out, thumb, { renderPath: render, score: 0.8 });
    expect(v2.n).toBe(2);
    const index = await listVersions(dir);
    expect(index.versions.map((v) => [v.n, v.score])).toEqual([
      [1, 0.6],
      [2, 0.8],
    ]);
    expect(index.current).toBe(2);

    await restoreVersion(dir, 1, out, thumb);
    expect(readFileSync(out, 'utf8')).toBe('first cut');
    expect(readFileSync(thumb, 'utf8')).toBe('thumb 1');
    expect((await listVersions(dir)).current).toBe(1);
    // Restoring never loses the other versions.
    expect(readFileSync(versionVideo(dir, 2), 'utf8')).toBe('second, longer cut');
    await expect(restoreVersion(dir, 7, out, thumb)).rejects.toThrow(/no version 7; there are v1, v2/);
  });
});
