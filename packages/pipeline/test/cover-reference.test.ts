import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withCoverArt } from '../src/cover-reference.js';

describe("a Suno song's cover art as a style reference", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-cover-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cover = join(dir, 'cover.jpeg');
  writeFileSync(cover, 'jpeg bytes');

  it('comes after the user’s own references, as a style reference', () => {
    const artist = { path: join(dir, 'artist.png'), role: 'character' };
    expect(withCoverArt([artist], { coverImagePath: cover })).toEqual({
      refs: [artist, { path: cover, role: 'style' }],
      cover,
    });
    expect(withCoverArt(undefined, { coverImagePath: cover }).refs).toEqual([{ path: cover, role: 'style' }]);
  });

  it('is left out when the source had none, the file is gone or not a picture, or the user gave it already', () => {
    expect(withCoverArt(undefined, {})).toEqual({ refs: [] });
    expect(withCoverArt(undefined, { coverImagePath: join(dir, 'gone.jpg') })).toEqual({ refs: [] });
    const txt = join(dir, 'cover.txt');
    writeFileSync(txt, 'x');
    expect(withCoverArt(undefined, { coverImagePath: txt })).toEqual({ refs: [] });
    const mine = [{ path: cover }];
    expect(withCoverArt(mine, { coverImagePath: cover })).toEqual({ refs: mine });
  });
});
