import type { Timeline } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { assTime, buildAss, locateWords } from '../src/ass.js';
import { assColour, escapeAssText, escapeFilterValue } from '../src/escape.js';
import { buildGraph } from '../src/graph.js';
import { planChunks, planSegments, xfadeName } from '../src/plan.js';

const base: Timeline = {
  version: 1,
  fps: 30,
  width: 320,
  height: 180,
  durationFrames: 100,
  audio: { src: 'song.wav', durationSec: 100 / 30 },
  items: [],
  cards: [],
  captions: [],
  beatFrames: [],
  style: { fontFamily: 'DejaVu Sans', accent: '#ffcc00', captionColor: '#ffffff' },
};
const item = (id: string, startFrame: number, durationFrames: number, extra: object = {}) => ({
  id,
  src: `${id}.mp4`,
  startFrame,
  durationFrames,
  clipStartSec: 0,
  clipDurationSec: 10,
  playbackRate: 1,
  loop: false,
  effects: [],
  ...extra,
});

describe('planSegments', () => {
  it('runs each item until the next one has finished blending in, and the last to the end', () => {
    const plan = planSegments({
      ...base,
      items: [
        item('b', 40, 40, { transitionIn: { kind: 'fade', durationFrames: 10 } }),
        item('a', 0, 50),
        item('c', 70, 30),
      ],
    });
    expect(plan.segments.map((s) => [s.item?.id, s.startFrame, s.frames, s.transition?.frames])).toEqual([
      ['a', 0, 50, undefined],
      ['b', 40, 30, 10],
      ['c', 70, 30, undefined],
    ]);
  });

  it('puts black before a late first item, shortens blends that do not fit, and says so', () => {
    const plan = planSegments({
      ...base,
      items: [item('a', 10, 50), item('b', 60, 40, { transitionIn: { kind: 'wipe', durationFrames: 80 } })],
    });
    expect(plan.segments[0]).toMatchObject({ startFrame: 0, frames: 10 });
    expect(plan.segments[0]?.item).toBeUndefined();
    expect(plan.segments[2]?.transition).toEqual({ kind: 'wipe', frames: 39 });
    expect(plan.notes.map((n) => n.summary).join('\n')).toMatch(/shortened from 80 to 39 frames/);
  });

  it('keeps beat effects inside their segment, in segment frames', () => {
    const plan = planSegments({
      ...base,
      items: [
        item('a', 0, 50),
        item('b', 50, 50, { effects: [{ kind: 'flash', frames: [40, 55, 99, 120], strength: 1 }] }),
      ],
    });
    expect(plan.segments[1]?.effects).toEqual([{ kind: 'flash', frames: [5, 49], strength: 1 }]);
  });
});

describe('planChunks', () => {
  it('splits on hard cuts only, with chunk-relative starts', () => {
    const plan = planSegments({
      ...base,
      items: [
        item('a', 0, 20),
        item('b', 20, 20),
        item('c', 35, 25, { transitionIn: { kind: 'fade', durationFrames: 5 } }),
        item('d', 60, 40),
      ],
    });
    const chunks = planChunks(plan.segments, plan.totalFrames, 1);
    expect(
      chunks.map((c) => [c.startFrame, c.frames, c.segments.map((s) => [s.item?.id, s.startFrame])]),
    ).toEqual([
      [0, 20, [['a', 0]]],
      [
        20,
        40,
        [
          ['b', 0],
          ['c', 15],
        ],
      ],
      [60, 40, [['d', 0]]],
    ]);
    expect(planChunks(plan.segments, plan.totalFrames, 24)).toHaveLength(1);
  });
});

describe('escaping', () => {
  it('escapes filter option values at both levels', () => {
    expect(escapeFilterValue("/tmp/a b/it's:x,[y];z\\")).toBe(
      "/tmp/a b/it\\\\\\'s\\\\:x\\,\\[y\\]\\;z\\\\\\\\",
    );
    expect(escapeFilterValue('between(n,1,2)')).toBe('between(n\\,1\\,2)');
  });
  it('keeps ASS override syntax out of lyrics', () => {
    expect(escapeAssText('a {b} \\N c\nd')).toBe('a \\{b\\} \\\u2060N c\\Nd');
    expect(assColour('#ffcc00')).toBe('&H0000CCFF');
    expect(assColour('#abc')).toBe('&H00CCBBAA');
    expect(assColour('gold')).toBeUndefined();
  });
  it('times events half a frame early so the first frame shows them', () => {
    expect(assTime(0, 30)).toBe('0:00:00.00');
    expect(assTime(30, 30)).toBe('0:00:00.98');
    expect(assTime(3600 * 30, 30)).toBe('0:59:59.98');
  });
});

describe('buildAss', () => {
  it('lights each timed word in its own event, found in the caption text', () => {
    expect(locateWords('Hey, you: hey!', ['hey', 'HEY', 'gone'])).toEqual([
      { from: 0, to: 3 },
      { from: 10, to: 13 },
      null,
    ]);
    const ass = buildAss({
      ...base,
      captions: [
        {
          text: 'Hey, you: hey!',
          startFrame: 0,
          endFrame: 60,
          words: [
            { text: 'Hey', startFrame: 10, endFrame: 20 },
            { text: 'hey', startFrame: 30, endFrame: 40 },
            { text: 'missing', startFrame: 40, endFrame: 50 },
          ],
        },
      ],
    });
    const events = ass.script.split('\n').filter((l) => l.startsWith('Dialogue'));
    expect(events.length).toBe(5);
    expect(events[0]).toContain('{\\alpha&H66&}Hey, you: hey!');
    expect(events[1]).toContain('{\\c&H0000CCFF&}Hey{\\c&H00FFFFFF&}, you: {\\alpha&H66&}hey!');
    expect(events[3]).toContain('Hey, you: {\\c&H0000CCFF&}hey{\\c&H00FFFFFF&}!');
    expect(ass.notes.join()).toMatch(/not highlighted: missing/);
  });

  it("sets a lyric video's lines large in the middle, subtitles boxed at the bottom", () => {
    const caption = (t: typeof base) =>
      buildAss(t)
        .script.split('\n')
        .find((l) => l.startsWith('Style: Caption,'))!
        .split(',');
    // Fields: 2 Fontsize, 15 BorderStyle, 18 Alignment (2 bottom-centre, 5 middle-centre), 21 MarginV.
    const sub = caption(base);
    const lyric = caption({ ...base, style: { ...base.style, captionLayout: 'lyric' } });
    expect([sub[15], sub[18]]).toEqual(['3', '2']);
    expect([lyric[15], lyric[18], lyric[21]]).toEqual(['1', '5', '0']);
    expect(Number(lyric[2])).toBeGreaterThan(Number(sub[2]) * 1.5);
  });
});

describe('buildGraph', () => {
  it('chains cuts with concat and transitions with xfade at the item start', () => {
    const plan = planSegments({
      ...base,
      items: [
        item('a', 0, 30),
        item('b', 30, 30),
        item('c', 50, 50, { transitionIn: { kind: 'slide', durationFrames: 10, direction: 'up' } }),
      ],
    });
    const sources = new Map(['a', 'b', 'c'].map((id) => [id, { path: `/clips/${id}.mp4`, durationSec: 10 }]));
    const g = buildGraph(plan.segments, sources, { width: 320, height: 180, fps: 30 });
    expect(g.inputCount).toBe(3);
    expect(g.script).toContain('[s0][s1]concat=n=2:v=1:a=0,settb=1/30[c0]');
    // Only the blend's frames (from frame 50) go through xfade; the ones before it skip its 4:4:4.
    expect(g.script).toContain('[c0]split[x1a][x1b]');
    expect(g.script).toContain('[x1a]trim=end_frame=50[x1pre]');
    expect(g.script).toContain('[x1b]trim=start_frame=50,setpts=PTS-STARTPTS[x1old]');
    expect(g.script).toContain(
      '[x1old][s2]xfade=transition=slideup:duration=0.333333:offset=0,format=yuv420p[x1]',
    );
    expect(g.script).toContain('[x1pre][x1]concat=n=2');
    expect(g.script).toMatch(/trim=end_frame=30,setpts=PTS-STARTPTS\[s1\]/);
    expect(g.script).toContain('crop=320:180');

    const contain = buildGraph(
      planSegments({ ...base, items: [item('a', 0, 100, { fit: 'contain' })] }).segments,
      sources,
      { width: 320, height: 180, fps: 30 },
    );
    expect(contain.script).toContain(
      'force_original_aspect_ratio=decrease,pad=320:180:(ow-iw)/2:(oh-ih)/2:black',
    );
  });

  it('reports a transition this ffmpeg lacks as unsupported and fades instead', () => {
    const plan = planSegments({
      ...base,
      items: [item('a', 0, 50), item('b', 50, 50, { transitionIn: { kind: 'slide', durationFrames: 10 } })],
    });
    const sources = new Map(['a', 'b'].map((id) => [id, { path: `/clips/${id}.mp4`, durationSec: 10 }]));
    const g = buildGraph(plan.segments, sources, {
      width: 320,
      height: 180,
      fps: 30,
      xfadeTransitions: new Set(['fade']),
    });
    expect(g.notes.find((n) => n.unsupported)?.summary).toMatch(/no 'slideleft' xfade transition/);
    expect(g.script).toContain('xfade=transition=fade:');
    expect(xfadeName('flash')).toBe('fadewhite');
  });

  it('draws the zoom transition as both shots zooming through a crossfade', () => {
    const plan = planSegments({
      ...base,
      items: [item('a', 0, 50), item('b', 40, 60, { transitionIn: { kind: 'zoom', durationFrames: 10 } })],
    });
    const sources = new Map(['a', 'b'].map((id) => [id, { path: `/clips/${id}.mp4`, durationSec: 10 }]));
    const g = buildGraph(plan.segments, sources, { width: 320, height: 180, fps: 30 });
    const [a, b] = g.script.split('\n');
    // One per-frame scale and a centred crop (no zoompan, nothing per pixel).
    expect(a).toContain('scale=w=320+4*trunc(320*((if(gte(n\\,40)\\,1+0.25*(n-40)/10\\,1))-1)/4):');
    expect(a).toContain('crop=w=320:h=180:x=2*trunc(320*((if(gte(n\\,40)');
    expect(b).toContain('scale=w=320+4*trunc(320*((if(lt(n\\,10)\\,1.25-0.25*n/10\\,1))-1)/4):');
    expect(g.script).not.toContain('zoompan');
    expect(g.script).toContain('[x0a]trim=end_frame=40[x0pre]');
    expect(g.script).toContain('xfade=transition=fade:duration=0.333333:offset=0');
  });
});
