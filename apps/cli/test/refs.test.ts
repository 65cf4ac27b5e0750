import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { parseRefs } from '../src/commands/make.js';

describe('make --ref', () => {
  it('reads [role=]image, repeatable; a missing or non-image file is a one-line input error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-refs-'));
    const artist = join(dir, 'artist.jpg');
    const cover = join(dir, 'cover.png');
    writeFileSync(artist, 'x');
    writeFileSync(cover, 'x');
    expect(parseRefs([`character=${artist}`, cover])).toEqual([
      { path: artist, role: 'character' },
      { path: cover },
    ]);
    expect(parseRefs()).toEqual([]);
    expect(() => parseRefs([join(dir, 'nope.png')])).toThrow(InputError);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => parseRefs([join(dir, 'notes.txt')])).toThrow(/PNG, JPEG or WebP/);
  });
});
