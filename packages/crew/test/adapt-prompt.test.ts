import { type PromptStyle, type Shot, type Storyboard, silentLogger } from '@beatframe/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { cutToFit } from '../src/adapt-prompt.js';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { adaptPrompt, continuesPrevious, sheetText, shotPromptOf } from '../src/index.js';
import { markContinuous } from '../src/prompting.js';
import { POP_SONG, planInput } from './fixtures.js';

const ctx = () => ({ logger: silentLogger(), decisions: memoryDecisions() });

const VEO_LIKE: PromptStyle = {
  maxChars: 4096,
  maxWords: 200,
  cameraTerms: true,
  negative: 'field',
  audio: { cue: 'Audio: only the quiet ambient sound of the place.', avoid: ['music', 'dialogue'] },
  order: ['subject', 'setting', 'camera', 'mood', 'style', 'motif', 'audio'],
  form: 'prose',
};
const RUNWAY_LIKE: PromptStyle = {
  maxChars: 1000,
  maxWords: 90,
  cameraTerms: true,
  negative: 'none',
  order: ['subject', 'camera', 'mood', 'setting', 'style', 'motif'],
  form: 'prose',
};
const SD_TAGS: PromptStyle = {
  maxChars: 2000,
  maxWords: 60,
  cameraTerms: false,
  negative: 'inline',
  order: ['subject', 'setting', 'style', 'mood', 'motif'],
  form: 'tags',
};
const PROSE_INLINE: PromptStyle = { ...RUNWAY_LIKE, negative: 'inline', maxWords: 400 };
const STYLE_FIRST: PromptStyle = { ...RUNWAY_LIKE, order: ['style', 'subject', 'camera'], maxWords: 400 };

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('adaptPrompt: the crew prompt in each model idiom', () => {
  let board: Storyboard;
  let shots: Shot[];
  let sheet: string;
  beforeAll(async () => {
    const input = planInput(
      POP_SONG,
      { maxPromptChars: 1000, imageToVideo: true },
      {
        song: { styleTags: [] },
        options: { theme: 'a young woman walking home through a rainy city at night' },
      },
    );
    const crew = heuristicCrew();
    board = await crew.plan(input, ctx());
    board = { ...board, styleBible: { ...board.styleBible, avoid: ['text', 'watermarks'] } };
    shots = await crew.writePrompts(board, input, ctx());
    sheet = sheetText(board.styleBible.characters.find((c) => c.sheet)!);
  });

  test('takes the heuristic prompt apart: sheet, labelled parts, avoid list', () => {
    const s = shots.find((x) => x.prompt?.includes(sheet))!;
    const sp = shotPromptOf(s.prompt!, board.styleBible);
    expect(sp.sheets).toEqual([sheet]);
    expect(sp.parts.map((p) => p.kind)).toContain('camera');
    expect(sp.parts.map((p) => p.kind)).toContain('style');
    expect(sp.parts[0]!.kind).toBe('subject');
    expect(sp.avoid).toEqual(['text', 'watermarks']);
    expect(sp.parts.some((p) => p.text.includes(sheet))).toBe(false);
  });

  for (const [name, style] of [
    ['veo-like', VEO_LIKE],
    ['runway-like', RUNWAY_LIKE],
    ['sd-tags', SD_TAGS],
    ['style-first', STYLE_FIRST],
    ['prose-inline', PROSE_INLINE],
  ] as const)
    test(`${name}: limits held, sheet verbatim, camera and negatives per model`, () => {
      for (const s of shots) {
        const a = adaptPrompt(shotPromptOf(s.prompt!, board.styleBible), style);
        expect(a.prompt.length, s.id).toBeLessThanOrEqual(style.maxChars);
        if (s.prompt!.includes(sheet)) {
          expect(a.prompt.startsWith(sheet) || style.order[0] === 'style', s.id).toBe(true);
          expect(a.prompt, s.id).toContain(sheet);
        } else expect(words(a.prompt), s.id).toBeLessThanOrEqual(style.maxWords!);
        // Camera language only where the model follows it.
        expect(/camera:/i.test(a.prompt), s.id).toBe(style.cameraTerms && !a.dropped.includes('camera'));
        if (!style.cameraTerms) expect(a.omitted).toContain('camera');
        // What to avoid: the model's own field, inline, or nowhere; never "Avoid:" beside a field.
        if (style.negative === 'field') {
          expect(a.negativePrompt).toBe('text, watermarks, music, dialogue');
          expect(a.prompt).not.toMatch(/avoid:/i);
          expect(a.prompt).toContain('Audio: only the quiet ambient sound of the place.');
        } else expect(a.negativePrompt).toBeUndefined();
        if (style.negative === 'none') expect(a.prompt).not.toMatch(/avoid|watermark/i);
        if (style.negative === 'inline' && style.form === 'prose')
          expect(a.prompt).toMatch(/Avoid: text, watermarks\.$/);
        if (style.form === 'tags') {
          expect(a.prompt.replace(sheet, '')).not.toMatch(/\. |style:|mood:/i);
          // A tag list has no "avoid": naming the words would draw them.
          expect(a.prompt).not.toMatch(/watermarks/);
        }
      }
    });

  test('the order of the model: style first for one, subject first for another', () => {
    const s = shots.find((x) => x.prompt?.includes('Style:'))!;
    const sp = shotPromptOf(s.prompt!, board.styleBible);
    expect(adaptPrompt(sp, STYLE_FIRST).prompt.startsWith('Style:') || sp.sheets.length > 0).toBe(true);
    const bare = { ...sp, sheets: [] };
    expect(adaptPrompt(bare, STYLE_FIRST).prompt.startsWith('Style:')).toBe(true);
    expect(adaptPrompt(bare, VEO_LIKE).prompt.startsWith(sp.parts[0]!.text)).toBe(true);
  });

  test('a limit that cannot hold the sheet and the rest: the sheet stays verbatim, style words go, and it says so', () => {
    const s = shots.find((x) => x.prompt?.includes(sheet))!;
    const tight: PromptStyle = { ...RUNWAY_LIKE, maxChars: sheet.length + 60, maxWords: 1000 };
    const a = adaptPrompt(shotPromptOf(s.prompt!, board.styleBible), tight);
    expect(a.prompt).toContain(sheet);
    expect(a.prompt.length).toBeLessThanOrEqual(tight.maxChars);
    expect(a.dropped).toContain('style');
    expect(a.notes.join(' ')).toMatch(/kept the character sheet verbatim/);
    // Cut on a word boundary: the prompt's last word is a whole word of the original.
    const last = a.prompt
      .split(' ')
      .pop()!
      .replace(/[.,;:]+$/, '');
    expect(s.prompt!.split(/\s+/).map((w) => w.replace(/[.,;:]+$/, ''))).toContain(last);
    // A limit shorter than the sheet itself: cut, and said out loud.
    const tiny = adaptPrompt(shotPromptOf(s.prompt!, board.styleBible), { ...tight, maxChars: 40 });
    expect(tiny.prompt.length).toBeLessThanOrEqual(40);
    expect(tiny.notes.join(' ')).toMatch(/longer than the 40/);
  });

  test('cutToFit cuts on word boundaries within both limits', () => {
    expect(cutToFit('one two three four', 9)).toBe('one two');
    expect(cutToFit('one two three four', 100, 3)).toBe('one two three');
    expect(cutToFit('one, two, three', 9)).toBe('one, two');
  });

  test('deterministic: the same prompt gives the same request (a resumed job asks the same)', () => {
    for (const s of shots.slice(0, 4))
      expect(adaptPrompt(shotPromptOf(s.prompt!, board.styleBible), RUNWAY_LIKE)).toEqual(
        adaptPrompt(shotPromptOf(s.prompt!, board.styleBible), RUNWAY_LIKE),
      );
  });
});

describe('one continuous scene', () => {
  const bible = {
    characters: [{ name: 'Mara', description: 'a young woman' }],
  };
  const shot = (i: number, sceneId: string, description: string, start = i * 2): Shot => ({
    id: `s${i}`,
    sceneId,
    index: i,
    start,
    end: start + 2,
    description,
    mood: 'calm',
    energy: 0.4,
  });

  test('same scene, no gap, same characters: continuous; a new scene, a gap or another subject: a cut', () => {
    const a = shot(0, 'v1', 'a young woman walks in the rain');
    expect(continuesPrevious(a, shot(1, 'v1', 'a young woman stops at a window'), bible)).toBe(true);
    expect(continuesPrevious(a, shot(1, 'c1', 'a young woman stops at a window'), bible)).toBe(false);
    expect(continuesPrevious(a, shot(1, 'v1', 'a young woman stops', 5), bible)).toBe(false);
    expect(continuesPrevious(a, shot(1, 'v1', 'an empty wet street'), bible)).toBe(false);
    expect(continuesPrevious(undefined, a, bible)).toBe(false);
    // The storyboard's own word wins over the rule.
    expect(continuesPrevious(a, { ...shot(1, 'v1', 'an empty wet street'), continuous: true }, bible)).toBe(
      true,
    );
    expect(continuesPrevious(a, { ...shot(1, 'v1', 'a young woman'), continuous: false }, bible)).toBe(false);
  });

  test('the heuristic crew marks continuous shots in the storyboard', async () => {
    const marked = markContinuous(
      [
        shot(0, 'v1', 'a young woman walks'),
        shot(1, 'v1', 'a young woman turns'),
        shot(2, 'c1', 'a young woman runs'),
      ],
      bible,
    );
    expect(marked.map((s) => s.continuous)).toEqual([undefined, true, undefined]);
    const input = planInput(POP_SONG, { imageToVideo: true }, { song: { styleTags: [] } });
    const crew = heuristicCrew();
    const board = await crew.plan(input, ctx());
    const written = await crew.writePrompts(board, input, ctx());
    for (let i = 1; i < written.length; i++)
      if (written[i]!.continuous) expect(written[i]!.sceneId).toBe(written[i - 1]!.sceneId);
  });
});
