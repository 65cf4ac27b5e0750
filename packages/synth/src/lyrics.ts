import type { Lyrics } from '@beatframe/core';
import type { SongTruth } from './arrange.js';

function stamp(sec: number): string {
  const cs = Math.round(sec * 100);
  const m = Math.floor(cs / 6000);
  const s = (cs % 6000) / 100;
  return `[${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}]`;
}

/** The song's lyric lines, one per lead phrase that has text, timed to the phrase. */
export function songLyrics(truth: SongTruth): Lyrics {
  const lines = truth.phrases
    .filter((p) => p.text)
    .map((p) => ({
      text: p.text!,
      start: round3(p.start),
      end: round3(p.end),
      section: truth.sections[p.section]?.label,
    }));
  return { lines, timing: 'line', source: 'lrc' };
}

/**
 * An LRC file: one `[mm:ss.xx] text` line per lead phrase; an empty timed line ends a block of lyrics
 * when the next line is more than a phrase away (so captions clear during instrumental parts).
 */
export function lyricsLrc(truth: SongTruth): string {
  const phrases = truth.phrases.filter((p) => p.text);
  const out = [
    `[ti:${truth.title}]`,
    `[ar:${truth.artist}]`,
    `[length:${stamp(truth.durationSec).slice(1, 6)}]`,
  ];
  phrases.forEach((p, i) => {
    out.push(`${stamp(p.start)}${p.text}`);
    const next = phrases[i + 1];
    const barSec = (truth.downbeats[1] ?? truth.durationSec) - (truth.downbeats[0] ?? 0);
    if (!next || next.start - p.end > barSec * 1.5) out.push(stamp(p.end + 0.25));
  });
  return `${out.join('\n')}\n`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
