import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError, type LyricLine, Lyrics, type LyricWord } from '@beatframe/core';

/** "[Chorus]", "[Verse 2]", "(Bridge)" on a line of its own: a section tag, not a sung line. */
const SECTION_TAG = /^\s*[[(]\s*([A-Za-z][A-Za-z0-9 \-_']*?)\s*[\])]\s*$/;
const TIME_TAG = /\[(\d{1,3}):(\d{1,2}(?:[.:]\d{1,3})?)\]/g;
const WORD_TAG = /<(\d{1,3}):(\d{1,2}(?:[.:]\d{1,3})?)>/g;
const META_TAG = /^\s*\[([a-z]+):(.*)\]\s*$/i;

function seconds(min: string, sec: string): number {
  return Number(min) * 60 + Number(sec.replace(':', '.'));
}

/**
 * Parses LRC lyrics: `[mm:ss.xx]line` (several time tags per line allowed), enhanced LRC word times
 * `<mm:ss.xx>word`, `[offset:±ms]`, and section tags on their own lines.
 */
export function parseLrc(text: string): Lyrics {
  let offset = 0;
  let section: string | undefined;
  const lines: LyricLine[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const times = [...raw.matchAll(TIME_TAG)].map((m) => seconds(m[1] as string, m[2] as string));
    const body = raw.replace(TIME_TAG, '').trim();
    if (times.length === 0) {
      const meta = META_TAG.exec(raw);
      if (meta && meta[1]?.toLowerCase() === 'offset') offset = Number(meta[2]) / 1000 || 0;
      else if (!meta) {
        const tag = SECTION_TAG.exec(body);
        if (tag) section = tag[1];
      }
      continue;
    }
    const tag = SECTION_TAG.exec(body);
    if (tag) {
      section = tag[1];
      continue;
    }
    const words: LyricWord[] = [];
    const marks = [...body.matchAll(WORD_TAG)];
    marks.forEach((m, i) => {
      const from = (m.index ?? 0) + m[0].length;
      const to = marks[i + 1]?.index ?? body.length;
      const word = body.slice(from, to).trim();
      const start = Math.max(0, seconds(m[1] as string, m[2] as string) - offset);
      if (word) words.push({ text: word, start, end: start });
    });
    // Each word ends where the next begins (the last one at the next line).
    for (let i = 0; i + 1 < words.length; i++)
      (words[i] as LyricWord).end = (words[i + 1] as LyricWord).start;
    const clean = body.replace(WORD_TAG, '').replace(/\s+/g, ' ').trim();
    // A positive [offset] makes the lyrics appear sooner.
    for (const t of times)
      lines.push({
        text: clean,
        start: Math.max(0, t - offset),
        ...(words.length ? { words } : {}),
        ...(section ? { section } : {}),
      });
  }
  if (lines.length === 0)
    throw new InputError('the LRC lyrics contain no timed lines', { code: 'BAD_LYRICS' });
  lines.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LyricLine;
    const next = lines[i + 1];
    if (next?.start !== undefined) line.end = next.start;
    const last = line.words?.at(-1);
    if (last && line.end !== undefined && last.end <= last.start) last.end = line.end;
  }
  // Empty timed lines only mark where the previous line ends.
  const sung = lines.filter((l) => l.text.length > 0);
  const timing = sung.some((l) => l.words?.length) ? 'word' : 'line';
  return Lyrics.parse({ lines: sung, timing, source: 'lrc' });
}

/** Plain lyrics: one sung line per text line, "[Chorus]"-style tags name the section of the lines after them. */
export function parseLyricsText(text: string): Lyrics {
  let section: string | undefined;
  const lines: LyricLine[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const tag = SECTION_TAG.exec(line);
    if (tag) {
      section = tag[1];
      continue;
    }
    lines.push({ text: line, ...(section ? { section } : {}) });
  }
  return Lyrics.parse({ lines, timing: 'none', source: 'text' });
}

interface AlignedWord {
  word: string;
  start_s: number;
  end_s: number;
  success?: boolean;
  p_align?: number;
}

/**
 * Suno's aligned lyrics (the `aligned_words` of its alignment endpoint, as relayed by suno-api's
 * `/api/get_aligned_lyrics`): words with `start_s`/`end_s`, where a word may carry "\n" line breaks and
 * "[Verse]"-style tags. Accepts the array itself, `{ aligned_words }`, or its JSON text.
 */
export function parseSunoAlignedLyrics(input: unknown): Lyrics {
  let data = input;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new InputError('the aligned lyrics are not valid JSON', { code: 'BAD_LYRICS' });
    }
  }
  const words = (Array.isArray(data) ? data : (data as { aligned_words?: unknown })?.aligned_words) as
    | AlignedWord[]
    | undefined;
  if (!Array.isArray(words))
    throw new InputError('the aligned lyrics have no aligned_words list', { code: 'BAD_LYRICS' });
  const lines: LyricLine[] = [];
  let section: string | undefined;
  let current: LyricWord[] = [];
  const flush = () => {
    if (current.length === 0) return;
    lines.push({
      text: current.map((w) => w.text).join(' '),
      start: (current[0] as LyricWord).start,
      end: (current.at(-1) as LyricWord).end,
      words: current,
      ...(section ? { section } : {}),
    });
    current = [];
  };
  for (const w of words) {
    if (typeof w?.word !== 'string' || !Number.isFinite(w.start_s) || !Number.isFinite(w.end_s))
      throw new InputError('an aligned lyrics word lacks word/start_s/end_s', { code: 'BAD_LYRICS' });
    const pieces = w.word.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) flush();
      // Tags may share a piece with words: "[Chorus] Hold".
      let text = piece;
      for (const m of piece.matchAll(/\[([^\]]+)\]/g)) {
        flush();
        section = (m[1] as string).trim();
        text = text.replace(m[0], '');
      }
      text = text.trim();
      if (text) current.push({ text, start: Math.max(0, w.start_s), end: Math.max(w.start_s, w.end_s, 0) });
    });
  }
  flush();
  return Lyrics.parse({ lines, timing: 'word', source: 'suno-aligned' });
}

/** Reads a lyrics file: `.lrc` (or text with LRC time tags), `.json` (Suno aligned), anything else plain text. */
export async function readLyricsFile(path: string): Promise<Lyrics> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new InputError(`${path}: no such lyrics file`, { code: 'NOT_FOUND' });
  });
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return parseSunoAlignedLyrics(text);
  if (ext === '.lrc' || /^\s*\[\d{1,3}:\d{1,2}/m.test(text)) return parseLrc(text);
  return parseLyricsText(text);
}
