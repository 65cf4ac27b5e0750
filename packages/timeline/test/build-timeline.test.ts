import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Decision, InputError, type ProjectOptions } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestClip, makeTestProject, type TestProject } from '../src/fixtures.js';
import {
  accentOf,
  buildTimeline,
  checkTimeline,
  draftTimeline,
  loadTimeline,
  saveTimeline,
} from '../src/index.js';

const options: Pick<ProjectOptions, 'aspect' | 'resolution' | 'fps' | 'captions' | 'titleCard'> = {
  aspect: '16:9',
  resolution: '720p',
  fps: 30,
  captions: true,
  titleCard: true,
};

let dir: string;
let project: TestProject & { options: typeof options };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-timeline-'));
  // 8 s at 120 bpm: intro 0–4 (quiet), verse 4–8 → outro; 3 clips of 5 s.
  project = {
    ...(await makeTestProject(dir, { durationSec: 12, clipCount: 3, clipSec: 5, sectionSec: 4 })),
    options,
  };
  // A chorus in the middle so that high-energy pacing and effects show.
  project.analysis.sections = [
    { start: 0, end: 4, label: 'intro', energy: 0.3 },
    { start: 4.1, end: 8, label: 'chorus', energy: 0.9 },
    { start: 8, end: 12, label: 'verse', energy: 0.5 },
  ];
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sink() {
  const decisions: Decision[] = [];
  return { decisions, record: (d: Omit<Decision, 'at'>) => void decisions.push({ ...d, at: '' }) };
}

describe('buildTimeline', () => {
  it('tiles the song exactly, cuts on beats and changes sections on downbeats', async () => {
    const s = sink();
    const t = await buildTimeline(project, { decisions: s });
    expect(t.durationFrames).toBe(360);
    expect(t.width).toBe(1280);
    expect(t.height).toBe(720);
    checkTimeline(t);
    const beatFrames = new Set(project.analysis.beats.map((b) => Math.round(b * 30)));
    const downbeatFrames = new Set(project.analysis.downbeats.map((b) => Math.round(b * 30)));
    for (const item of t.items.slice(1)) {
      // The cut is the middle of a transition, or the item's start for a hard cut.
      const cut = item.startFrame + Math.floor((item.transitionIn?.durationFrames ?? 0) / 2);
      expect(beatFrames.has(cut)).toBe(true);
      if (item.transitionIn) expect(downbeatFrames.has(cut)).toBe(true);
    }
    // Section boundaries at 4.1 s (snapped to the 4 s downbeat) and 8 s carry transitions; the rest are cuts.
    const withTransition = t.items.filter((i) => i.transitionIn);
    expect(withTransition.map((i) => i.startFrame + Math.floor(i.transitionIn!.durationFrames / 2))).toEqual([
      120, 240,
    ]);
    expect(withTransition[0]!.transitionIn!.kind).toBe('flash'); // into the loud chorus
    // Shorter shots in the chorus than in the intro.
    const lengthAt = (f: number) =>
      t.items.find((i) => i.startFrame <= f && f < i.startFrame + i.durationFrames)!;
    expect(lengthAt(180).durationFrames).toBeLessThan(lengthAt(30).durationFrames);
    // Beat effects only in the chorus, on beat frames.
    for (const item of t.items) {
      for (const e of item.effects) for (const f of e.frames) expect(beatFrames.has(f)).toBe(true);
      if (item.startFrame >= 240) expect(item.effects).toEqual([]);
    }
    expect(t.items.some((i) => i.effects.some((e) => e.kind === 'zoomPulse'))).toBe(true);
    expect(s.decisions.some((d) => /chorus .* a cut every/.test(d.summary))).toBe(true);
    expect(s.decisions.every((d) => d.stage === 'edit')).toBe(true);
  });

  it('cuts only where both tempo readings agree when the analysis hesitates between two octaves', async () => {
    // The analysis reads 120 bpm but gives 60 nearly as much weight: a cut (or a pulse) on every other
    // beat is on a beat under either reading.
    const alt = Array.from({ length: 12 }, (_, i) => i);
    const analysis = { ...project.analysis, alternative: { bpm: 60, confidence: 0.9, beats: alt } };
    const s = sink();
    const t = await buildTimeline({ ...project, analysis }, { decisions: s });
    checkTimeline(t);
    const shared = new Set(
      project.analysis.beats
        .filter((b) => alt.some((a) => Math.abs(a - b) < 0.01))
        .map((b) => Math.round(b * 30)),
    );
    expect(shared.size).toBeGreaterThan(4);
    for (const item of t.items.slice(1)) {
      const cut = item.startFrame + Math.floor((item.transitionIn?.durationFrames ?? 0) / 2);
      expect(shared.has(cut)).toBe(true);
    }
    for (const item of t.items)
      for (const e of item.effects) for (const f of e.frames) expect(shared.has(f)).toBe(true);
    expect(t.beatFrames.every((f) => shared.has(f))).toBe(true);
    expect(s.decisions.some((d) => /^cut grid: runner-up tempo 60/.test(d.summary))).toBe(true);
  });

  it('cuts and pulses on the bar lines of a fast 3/4 grid, beats whether it is a waltz or a slow 6/8’s eighths', async () => {
    // 3/4 at 150 bpm: the bar lines (every 1.2 s) are the waltz's downbeats and, were the music a 6/8 at
    // 50, its dotted beats; the other grid points are beats only for the waltz.
    const beats = Array.from({ length: 30 }, (_, i) => Math.round(i * 0.4 * 1000) / 1000);
    const downbeats = beats.filter((_, i) => i % 3 === 0);
    const { alternative: _, ...rest } = project.analysis;
    const analysis: typeof project.analysis = {
      ...rest,
      bpm: 150,
      meter: { beatsPerBar: 3, beatUnit: 4 },
      beats,
      downbeats,
      sections: [
        { start: 0, end: 3.6, label: 'intro', energy: 0.3 },
        { start: 3.6, end: 8.4, label: 'chorus', energy: 0.9 },
        { start: 8.4, end: 12, label: 'verse', energy: 0.5 },
      ],
    };
    const s = sink();
    const t = await buildTimeline({ ...project, analysis }, { decisions: s });
    checkTimeline(t);
    const bars = new Set(downbeats.map((b) => Math.round(b * 30)));
    expect(t.items.length).toBeGreaterThan(2);
    for (const item of t.items.slice(1)) {
      const cut = item.startFrame + Math.floor((item.transitionIn?.durationFrames ?? 0) / 2);
      expect(bars.has(cut)).toBe(true);
    }
    const pulses = t.items.flatMap((i) => i.effects.flatMap((e) => e.frames));
    expect(pulses.length).toBeGreaterThan(0);
    for (const f of pulses) expect(bars.has(f)).toBe(true);
    expect(s.decisions.some((d) => /^cut grid: 3\/4 at 150\.0 bpm/.test(d.summary))).toBe(true);
  });

  it('cuts on the music’s changes, with no beat effects, when the song has no steady beat', async () => {
    const hop = 0.05;
    const values = Array(240).fill(0.02);
    for (const t of [2.3, 6.7, 9.9])
      for (let k = -2; k <= 2; k++) values[Math.round(t / hop) + k] = 1 - Math.abs(k) / 3;
    const analysis = { ...project.analysis, tempoConfidence: 0.03, onset: { hopSec: hop, values } };
    const s = sink();
    const t = await buildTimeline({ ...project, analysis }, { decisions: s });
    checkTimeline(t);
    const changes = [2.3, 4.1, 6.7, 8, 9.9].map((x) => Math.round(x * 30));
    for (const item of t.items.slice(1)) {
      const cut = item.startFrame + Math.floor((item.transitionIn?.durationFrames ?? 0) / 2);
      expect(changes.some((c) => Math.abs(c - cut) <= 1)).toBe(true);
    }
    expect(t.items.length).toBeGreaterThan(2);
    expect(t.items.every((i) => i.effects.length === 0)).toBe(true);
    expect(
      s.decisions.some((d) => /^cut grid: tempo confidence 0\.03 .*no steady beat/.test(d.summary)),
    ).toBe(true);
    expect(s.decisions.some((d) => /: a cut every \d+ changes \(~/.test(d.summary))).toBe(true);
  });

  it('times the title card and the captions, with word highlights', async () => {
    const t = await buildTimeline(project, { sectionCards: true });
    const title = t.cards.find((c) => c.kind === 'title')!;
    expect(title.text).toBe('Test Pattern');
    expect(title.subtitle).toBe('The Oscillators');
    expect(title.startFrame).toBe(0);
    expect(t.cards.filter((c) => c.kind === 'section').map((c) => c.text)).toEqual(['Chorus', 'Verse']);
    expect(t.captions[0]).toMatchObject({ text: 'light on the beat', startFrame: 30, endFrame: 90 });
    expect(t.captions[0]!.words!.map((w) => w.startFrame)).toEqual([30, 45, 60, 75]);
    expect(t.visualizer).toBeUndefined();
    const s = sink();
    const none = await buildTimeline(
      {
        ...project,
        options: { ...options, captions: false, titleCard: false, visualizer: 'pulse' },
      },
      { decisions: s },
    );
    expect(none.captions).toEqual([]);
    expect(none.cards).toEqual([]);
    // The visualizer in the style's accent, said in the decision log.
    const accent = accentOf(project.storyboard.styleBible.palette);
    expect(none.visualizer).toEqual({ kind: 'pulse', color: accent });
    expect(s.decisions.some((d) => /pulse visualizer over the shots/.test(d.summary))).toBe(true);
  });

  it('drafts, before any clip, the text the cut will have: its cards, captions, style and size', async () => {
    for (const o of [
      { ...options },
      { ...options, captions: false, titleCard: false, style: 'lyric' as const },
    ]) {
      const input = { ...project, options: o };
      const { clips: _clips, ...noClips } = input;
      for (const ctx of [{}, { sectionCards: true }]) {
        const cut = await buildTimeline(input, ctx);
        const draft = await draftTimeline(noClips, ctx);
        expect(draft.items).toEqual([]);
        expect(draft.cards).toEqual(cut.cards);
        expect(draft.captions).toEqual(cut.captions);
        expect(draft.style).toEqual(cut.style);
        expect(draft.visualizer).toEqual(cut.visualizer);
        expect([draft.width, draft.height, draft.fps, draft.durationFrames]).toEqual([
          cut.width,
          cut.height,
          cut.fps,
          cut.durationFrames,
        ]);
      }
    }
  });

  it('makes a lyric video: the cover art drifting behind large lyrics, bars and the title, or the scenes without it', async () => {
    const cover = join(dir, 'cover.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=300x300', '-frames:v', '1', cover]);
    const lyricOptions = { ...options, captions: false, titleCard: false, style: 'lyric' as const };
    const s = sink();
    const t = await buildTimeline(
      { ...project, song: { ...project.song, coverImagePath: cover }, options: lyricOptions },
      { decisions: s, motionAnalysis: false },
    );
    expect(t.items).toHaveLength(1);
    expect(t.items[0]).toMatchObject({ startFrame: 0, durationFrames: t.durationFrames, loop: true });
    const info = await probeMedia(t.items[0]!.src);
    expect(info.video).toMatchObject({ width: 1280, height: 720 });
    expect(t.style.captionLayout).toBe('lyric');
    expect(t.visualizer?.kind).toBe('bars');
    expect(t.captions.length).toBeGreaterThan(0);
    expect(t.cards.some((c) => c.kind === 'title')).toBe(true);
    expect(s.decisions.some((d) => /cover art is the backdrop/.test(d.summary))).toBe(true);
    // Without cover art the generated scenes stay, cut on the beat; a chosen visualizer is kept.
    const scenes = await buildTimeline(
      { ...project, options: { ...lyricOptions, visualizer: 'wave' } },
      { motionAnalysis: false },
    );
    expect(scenes.items.length).toBeGreaterThan(1);
    expect(scenes.visualizer?.kind).toBe('wave');
    expect(scenes.style.captionLayout).toBe('lyric');
  });

  it('loops or slows clips shorter than their slot, and says so', async () => {
    const short = await makeTestClip(join(dir, 'short.mp4'), {
      width: 160,
      height: 90,
      fps: 24,
      durationSec: 1,
    });
    const s = sink();
    const t = await buildTimeline(
      { ...project, clips: project.clips.map((c, i) => (i === 0 ? { ...short, shotId: c.shotId } : c)) },
      { decisions: s },
    );
    const first = t.items[0]!;
    expect(first.loop).toBe(true);
    expect(s.decisions.some((d) => d.summary.includes('looped') && d.shotId === first.shotId)).toBe(true);
    expect(s.decisions.some((d) => d.summary.includes('24 fps instead of 30'))).toBe(true);
  });

  it('substitutes a missing clip and refuses when none exists', async () => {
    const s = sink();
    const clips = project.clips.map((c, i) => (i === 1 ? { ...c, path: join(dir, 'gone.mp4') } : c));
    const t = await buildTimeline({ ...project, clips }, { decisions: s });
    expect(t.items.every((i) => !i.src.endsWith('gone.mp4'))).toBe(true);
    expect(s.decisions.some((d) => d.summary.includes('is missing'))).toBe(true);
    await expect(
      buildTimeline({ ...project, clips: clips.map((c) => ({ ...c, path: join(dir, 'gone.mp4') })) }),
    ).rejects.toThrow(InputError);
  });

  it('makes 9:16 and 1:1 at 1080p', async () => {
    const v = await buildTimeline(
      { ...project, options: { ...options, aspect: '9:16', resolution: '1080p' } },
      {
        motionAnalysis: false,
      },
    );
    expect([v.width, v.height]).toEqual([1080, 1920]);
    const sq = await buildTimeline(
      { ...project, options: { ...options, aspect: '1:1', fps: 24 } },
      {
        motionAnalysis: false,
      },
    );
    expect([sq.width, sq.height, sq.durationFrames]).toEqual([720, 720, 288]);
  });

  it('saves and loads timelines, resolving relative paths', async () => {
    const t = await buildTimeline(project, { motionAnalysis: false });
    const file = join(dir, 'out', 'timeline.json');
    await saveTimeline(file, {
      ...t,
      items: t.items.map((i) => ({ ...i, src: `../${i.src.split('/').pop()}` })),
    });
    const back = await loadTimeline(file);
    expect(back.items[0]!.src).toBe(join(dir, t.items[0]!.src.split('/').pop()!));
    await expect(loadTimeline(join(dir, 'nope.json'))).rejects.toThrow(/does not exist/);
  });
});

describe('accentOf', () => {
  it('reads colour words and hex, skipping colours too dark to read', () => {
    expect(accentOf(['neon', 'magenta', 'electric cyan'])).toBe('#ff3ec8');
    expect(accentOf(['charcoal black', 'molten orange'])).toBe('#ff8a2a');
    expect(accentOf(['#101010', '#40e0d0'])).toBe('#40e0d0');
    expect(accentOf(['nothing here'])).toBe('#ffcc00');
  });
});
