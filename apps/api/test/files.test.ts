import { describe, expect, it } from 'vitest';
import { pathInside } from '../src/files.js';
import { parseRange } from '../src/index.js';

describe('parseRange', () => {
  it('reads the forms of a byte range and refuses what cannot be served', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=0-9, 20-29', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('items=0-9', 100)).toBeUndefined();
    expect(parseRange('bytes=abc', 100)).toBeUndefined();
  });
});

describe('pathInside', () => {
  it('keeps URL paths inside the root', () => {
    expect(pathInside('/srv/web', '/style.css')).toBe('/srv/web/style.css');
    expect(pathInside('/srv/web', '/a/b.js')).toBe('/srv/web/a/b.js');
    expect(pathInside('/srv/web', '/../etc/passwd')).toBe('/srv/web/etc/passwd');
    expect(pathInside('/srv/web', '/..%2f..%2fetc%2fpasswd')).toBe('/srv/web/etc/passwd');
    expect(pathInside('/srv/web', '/%00')).toBeUndefined();
    expect(pathInside('/srv/web', '/%E0%A4%A')).toBeUndefined();
  });
});
