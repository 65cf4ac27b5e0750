import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { parseLrc, parseLyricsText, parseSunoAlignedLyrics, readLyricsFile } from '../src/index.js';

describe('lyrics parsers', () => {
  it('parses LRC with metadata, offset, repeated time tags, section tags and enhanced word times', () => {
    const lrc = [
      '[ti:Neon Tide]',
      '[ar:Someone]',
      '[offset:+500]',
      '[Verse 1]',
      '[00:10.50]City lights are calling',
      '[00:14.00]<00:14.00>Under <00:14.60>the <00:15.10>neon',
      '[Chorus]',
      '[00:20.00][01:00.00]Ride the tide',
      '[00:24.00]',
    ].join('\n');
    const l = parseLrc(lrc);
    expect(l.timing).toBe('word');
    expect(l.source).toBe('lrc');
    expect(l.lines.map((x) => [x.text, x.start, x.section])).toEqual([
      ['City lights are calling', 10, 'Verse 1'],
      ['Under the neon', 13.5, 'Verse 1'],
      ['Ride the tide', 19.5, 'Chorus'],
      ['Ride the tide', 59.5, 'Chorus'],
    ]);
    expect(l.lines[0]?.end).toBe(13.5);
    // The empty line at 24 s ends the first chorus line.
    expect(l.lines[2]?.end).toBe(23.5);
    expect(l.lines[1]?.words?.map((w) => [w.text, w.start, w.end])).toEqual([
      ['Under', 13.5, 14.1],
      ['the', 14.1, 14.6],
      ['neon', 14.6, 19.5],
    ]);
  });

  it('refuses LRC without any timed line', () => {
    expect(() => parseLrc('just words\nmore words')).toThrow(InputError);
  });

  it('parses plain text with section tags', () => {
    const l = parseLyricsText('[Verse]\nline one\n\nline two\n[Chorus]\nhook line\n');
    expect(l.timing).toBe('none');
    expect(l.lines).toEqual([
      { text: 'line one', section: 'Verse' },
      { text: 'line two', section: 'Verse' },
      { text: 'hook line', section: 'Chorus' },
    ]);
  });

  it("parses Suno's aligned words into timed lines with sections", () => {
    const aligned = {
      aligned_words: [
        { word: '[Verse]\nCity ', start_s: 1.2, end_s: 1.5, success: true, p_align: 0.9 },
        { word: 'lights\n', start_s: 1.5, end_s: 2.0, success: true, p_align: 0.9 },
        { word: 'calling ', start_s: 2.2, end_s: 2.8, success: true, p_align: 0.8 },
        { word: 'me\n\n[Chorus]\n', start_s: 2.8, end_s: 3.1, success: true, p_align: 0.8 },
        { word: 'Ride ', start_s: 5, end_s: 5.4, success: true, p_align: 0.9 },
      ],
      waveform_data: [],
      hoot_cer: 0.1,
      is_streamed: false,
    };
    const l = parseSunoAlignedLyrics(JSON.stringify(aligned));
    expect(l.timing).toBe('word');
    expect(l.lines.map((x) => [x.text, x.start, x.end, x.section])).toEqual([
      ['City lights', 1.2, 2.0, 'Verse'],
      ['calling me', 2.2, 3.1, 'Verse'],
      ['Ride', 5, 5.4, 'Chorus'],
    ]);
    expect(parseSunoAlignedLyrics(aligned.aligned_words).lines).toHaveLength(3);
    expect(() => parseSunoAlignedLyrics('{"nope":1}')).toThrow(/aligned_words/);
    expect(() => parseSunoAlignedLyrics('not json')).toThrow(/not valid JSON/);
  });

  it('reads lyric files by extension and content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-lyrics-'));
    writeFileSync(join(dir, 'a.lrc'), '[00:01.00]hello');
    writeFileSync(join(dir, 'b.txt'), '[00:02.00]timed text file');
    writeFileSync(join(dir, 'c.txt'), 'plain');
    writeFileSync(join(dir, 'd.json'), JSON.stringify([{ word: 'hi', start_s: 1, end_s: 2 }]));
    expect((await readLyricsFile(join(dir, 'a.lrc'))).timing).toBe('line');
    expect((await readLyricsFile(join(dir, 'b.txt'))).lines[0]?.start).toBe(2);
    expect((await readLyricsFile(join(dir, 'c.txt'))).timing).toBe('none');
    expect((await readLyricsFile(join(dir, 'd.json'))).source).toBe('suno-aligned');
    await expect(readLyricsFile(join(dir, 'missing.lrc'))).rejects.toThrow(/no such lyrics file/);
  });
});
