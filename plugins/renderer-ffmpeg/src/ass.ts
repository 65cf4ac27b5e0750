import type { Caption, TextCard, Timeline } from '@beatframe/core';
import { assColour, escapeAssText } from './escape.js';

/**
 * Title cards, section cards and lyric captions as an ASS script for libass (ffmpeg's `ass`
 * filter). libass shapes and wraps the text, so lyrics need no filter-graph escaping at all, and the
 * current word is highlighted exactly: one event per word interval, the word recoloured inline.
 */
export interface AssResult {
  script: string;
  events: number;
  notes: string[];
}

/**
 * Event time for a timeline frame: half a frame early, in centiseconds, so the frame itself is the
 * first one libass shows it on (exact for frame rates below 100).
 */
export function assTime(frame: number, fps: number): string {
  const cs = Math.max(0, Math.round(((frame - 0.5) * 100) / fps));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(c).padStart(2, '0')}`;
}

interface Span {
  from: number;
  to: number;
}

/** Where each timed word sits in the caption text (in order); null for words not found. */
export function locateWords(text: string, words: string[]): Array<Span | null> {
  const lower = text.toLowerCase();
  let cursor = 0;
  return words.map((w) => {
    const needle = w.trim().toLowerCase();
    if (!needle) return null;
    const at = lower.indexOf(needle, cursor);
    if (at < 0) return null;
    cursor = at + needle.length;
    return { from: at, to: cursor };
  });
}

export function buildAss(timeline: Timeline): AssResult {
  const { width: W, height: H, fps } = timeline;
  const notes: string[] = [];
  const base = Math.min(W, H);
  const colour = (css: string, fallback: string, what: string) => {
    const c = assColour(css);
    if (!c) notes.push(`${what} colour "${css}" is not #rrggbb; used ${fallback}`);
    return c ?? (assColour(fallback) as string);
  };
  const captionColour = colour(timeline.style.captionColor, '#ffffff', 'caption');
  const accent = colour(timeline.style.accent, '#ffcc00', 'accent');
  const font = timeline.style.fontFamily.replace(/,/g, ' ');
  const shadow = Math.max(1, Math.round(H / 360));
  // Sizes and places follow the Remotion composition: title centred, section cards top-left,
  // captions bottom-centre on a translucent box (BorderStyle 3: the outline becomes the box).
  const style = (
    name: string,
    size: number,
    primary: string,
    align: number,
    margins: [number, number, number],
    box = false,
    outline = Math.max(1, Math.round(H / 300)),
  ) =>
    `Style: ${name},${font},${size},${primary},${primary},${box ? '&H73000000' : '&H60000000'},&H80000000,1,0,0,0,100,100,0,0,${box ? 3 : 1},${box ? Math.max(2, Math.round(H * 0.012)) : outline},${box ? 0 : shadow},${align},${margins.join(',')},1`;
  const side = Math.round(W * 0.07);

  const lines: string[] = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${W}`,
    `PlayResY: ${H}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: TV.709',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    // A lyric video's lines: large and in the middle, outlined and shadowed instead of boxed.
    timeline.style.captionLayout === 'lyric'
      ? style(
          'Caption',
          Math.round(base * 0.1),
          captionColour,
          5,
          [side, side, 0],
          false,
          Math.round(H / 160),
        )
      : style(
          'Caption',
          Math.round(base * 0.055),
          captionColour,
          2,
          [side, side, Math.round(H * 0.08)],
          true,
        ),
    style('Title', Math.round(H * 0.09), '&H00FFFFFF', 5, [side, side, 0]),
    style('Section', Math.round(H * 0.05), '&H00FFFFFF', 7, [
      Math.round(H * 0.05),
      side,
      Math.round(H * 0.05),
    ]),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  let events = 0;
  const event = (layer: number, from: number, to: number, styleName: string, text: string) => {
    if (to <= from) return;
    lines.push(`Dialogue: ${layer},${assTime(from, fps)},${assTime(to, fps)},${styleName},,0,0,0,,${text}`);
    events++;
  };

  for (const card of timeline.cards) addCard(card);
  for (const cap of timeline.captions) addCaption(cap);
  return { script: `${lines.join('\n')}\n`, events, notes };

  function addCard(card: TextCard) {
    const frames = card.endFrame - card.startFrame;
    if (frames <= 0) {
      notes.push(`${card.kind} card "${card.text}" has no duration; left out`);
      return;
    }
    const edge = Math.max(1, Math.min(Math.round(fps * 0.4), Math.floor(frames / 3)));
    const fadeMs = Math.round((edge / fps) * 1000);
    // Fades in and out, rising 2 % of the height as it appears (the composition eases; this is linear).
    const rise = Math.round(H * 0.02);
    const [x, y] = card.kind === 'title' ? [W / 2, H / 2] : [Math.round(H * 0.05), Math.round(H * 0.05)];
    const move = `\\move(${x},${y + rise},${x},${y},0,${2 * fadeMs})`;
    let text = `{\\fad(${fadeMs},${fadeMs})${move}}${escapeAssText(card.text)}`;
    if (card.subtitle)
      text += `\\N{\\fs${Math.round(H * 0.045)}\\b0\\c${accent}&}${escapeAssText(card.subtitle)}`;
    event(2, card.startFrame, card.endFrame, card.kind === 'title' ? 'Title' : 'Section', text);
  }

  function addCaption(cap: Caption) {
    if (cap.endFrame <= cap.startFrame) {
      notes.push(`caption "${cap.text}" has no duration; left out`);
      return;
    }
    const words = (cap.words ?? []).filter((w) => w.text.trim());
    if (words.length === 0) {
      event(
        1,
        cap.startFrame,
        cap.endFrame,
        'Caption',
        `{\\fad(${Math.round((4 / fps) * 1000)},0)}${escapeAssText(cap.text)}`,
      );
      return;
    }
    const spans = locateWords(
      cap.text,
      words.map((w) => w.text),
    );
    const missing = words.filter((_, i) => !spans[i]).map((w) => w.text);
    if (missing.length)
      notes.push(
        `caption "${cap.text}": timed words not found in its text, not highlighted: ${missing.join(' ')}`,
      );
    // Word i is lit from its start until its end (or the next word's start when its end is missing).
    const lit = words.map((w, i) => {
      const next = words[i + 1];
      const end = w.endFrame > w.startFrame ? w.endFrame : (next?.startFrame ?? cap.endFrame);
      return {
        from: Math.max(cap.startFrame, w.startFrame),
        to: Math.min(cap.endFrame, end),
        span: spans[i],
      };
    });
    const cuts = new Set<number>([cap.startFrame, cap.endFrame]);
    for (const l of lit) {
      if (l.from < cap.endFrame) cuts.add(l.from);
      if (l.to > cap.startFrame) cuts.add(l.to);
    }
    const points = [...cuts].filter((f) => f >= cap.startFrame && f <= cap.endFrame).sort((a, b) => a - b);
    const stretches: Array<{ from: number; to: number; text: string }> = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const from = points[i]!;
      const to = points[i + 1]!;
      // The latest word whose interval covers this stretch is the current one.
      const current = [...lit].reverse().find((l) => l.span && l.from <= from && l.to >= to && l.to > l.from);
      // Words not sung yet are dimmed, as in the composition.
      const sung = Math.min(
        cap.text.length,
        ...lit.filter((l) => l.span && l.from > from).map((l) => l.span!.from),
      );
      const text = lineText(cap.text, current?.span ?? undefined, sung);
      const prev = stretches[stretches.length - 1];
      if (prev && prev.text === text && prev.to === from) prev.to = to;
      else stretches.push({ from, to, text });
    }
    // Fades in over 4 frames, like the composition; only the first stretch carries the fade.
    const fadeIn = `{\\fad(${Math.round((4 / fps) * 1000)},0)}`;
    stretches.forEach((s, i) => {
      event(1, s.from, s.to, 'Caption', i === 0 ? fadeIn + s.text : s.text);
    });
  }

  function lineText(text: string, current: Span | undefined, sung: number): string {
    const head = text.slice(0, sung);
    const lit = current
      ? `${escapeAssText(head.slice(0, current.from))}{\\c${accent}&}${escapeAssText(head.slice(current.from, current.to))}{\\c${captionColour}&}${escapeAssText(head.slice(current.to))}`
      : escapeAssText(head);
    const rest = text.slice(sung);
    // Words not sung yet at 60 % (alpha &H66&), as in the composition.
    return rest ? `${lit}{\\alpha&H66&}${escapeAssText(rest)}` : lit;
  }
}
