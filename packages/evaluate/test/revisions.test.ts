import {
  type AudioAnalysis,
  type Decision,
  type EvaluationReport,
  Revision,
  type Storyboard,
  Timeline,
  timelineProblem,
} from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { applyRevisions, cutFrameOf, planRevisions, revisePrompt } from '../src/index.js';

const fps = 30;
// 120 BPM: a beat every 15 frames. Sections: loud 0–8 s, calm 8–16 s.
const analysis: AudioAnalysis = {
  version: 1,
  durationSec: 16,
  bpm: 120,
  tempoConfidence: 0.9,
  meter: { beatsPerBar: 4, beatUnit: 4 },
  beats: Array.from({ length: 32 }, (_, i) => i * 0.5),
  downbeats: Array.from({ length: 8 }, (_, i) => i * 2),
  sections: [
    { start: 0, end: 8, label: 'chorus', energy: 0.9 },
    { start: 8, end: 16, label: 'verse', energy: 0.3 },
  ],
  energy: { hopSec: 0.5, values: Array.from({ length: 32 }, (_, i) => (i < 16 ? 0.9 : 0.3)) },
};

const starts = [0, 67, 120, 240, 300, 420];
const timeline: Timeline = Timeline.parse({
  version: 1,
  fps,
  width: 320,
  height: 180,
  durationFrames: 480,
  audio: { src: 'song.wav', durationSec: 16 },
  beatFrames: analysis.beats.map((b) => Math.round(b * fps)),
  // item3 fades in inside the loud chorus (10 frames centred on its cut, as the compositor lays them);
  // item4 starts the calm verse with a hard cut.
  items: starts.map((s, i) => {
    const tIn = i === 2 ? 10 : 0;
    const tOut = i === 1 ? 10 : 0;
    const start = s - Math.floor(tIn / 2);
    return {
      id: `item${i + 1}`,
      shotId: `s${i + 1}`,
      src: `clip${i + 1}.mp4`,
      startFrame: start,
      durationFrames: (starts[i + 1] ?? 480) + Math.ceil(tOut / 2) - start,
      clipDurationSec: 5,
      ...(tIn ? { transitionIn: { kind: 'fade', durationFrames: tIn } } : {}),
    };
  }),
});

const storyboard: Storyboard = {
  brief: { title: 't', concept: 'c', arc: 'a', mood: 'm' },
  styleBible: {
    look: 'l',
    palette: ['p'],
    characters: [],
    places: [],
    lens: 'x',
    camera: 'y',
    motifs: [],
    avoid: [],
  },
  scenes: [],
  shots: starts.map((s, i) => ({
    id: `s${i + 1}`,
    sceneId: 'sc',
    index: i,
    start: s / fps,
    end: (starts[i + 1] ?? 480) / fps,
    description: `shot ${i + 1}`,
    mood: i < 3 ? 'euphoric' : 'tender',
    energy: i < 3 ? 0.9 : 0.3,
    prompt: `prompt for shot ${i + 1}`,
  })),
};

function shot(i: number, over: Partial<NonNullable<EvaluationReport['shots']>[number]> = {}) {
  const a = starts[i]! / fps;
  const b = (starts[i + 1] ?? 480) / fps;
  return {
    index: i,
    startSec: a,
    endSec: b,
    shotId: `s${i + 1}`,
    musicEnergy: a < 8 ? 0.9 : 0.3,
    brightness: 0.5,
    saturation: 0.5,
    warmth: 0.5,
    motion: 0.02,
    arousal: a < 8 ? 0.8 : 0.3,
    blackShare: 0,
    frozenShare: 0,
    ...over,
  };
}

const report: EvaluationReport = {
  version: 1,
  videoPath: 'v.mp4',
  score: 0.42,
  passed: false,
  metrics: { cutCount: 5 },
  issues: [],
  summary: '',
  cuts: starts.slice(1).map((s) => ({
    frame: s,
    timeSec: s / fps,
    kind: 'hard' as const,
    strength: 0.8,
    onBeat: s % 15 === 0,
    beatDeltaSec: (s % 15 <= 7 ? s % 15 : (s % 15) - 15) / fps,
  })),
  shots: [
    shot(0, { frozenShare: 0.6 }), // frozen: regenerate first
    shot(1, { arousal: 0.2 }), // still picture in the loud chorus
    shot(2),
    shot(3),
    shot(4, { arousal: 0.95 }), // busy in the calm verse
    shot(5),
  ],
  beats: analysis.beats,
};

function sink() {
  const decisions: Decision[] = [];
  return {
    decisions,
    ctx: { decisions: { record: (d: Omit<Decision, 'at'>) => void decisions.push({ ...d, at: '' }) } },
  };
}

describe('planRevisions', () => {
  it('turns a failing report into re-cuts, transitions and regenerations, each recorded', async () => {
    const { decisions, ctx } = sink();
    const revs = await planRevisions(report, { storyboard, timeline, analysis, round: 0, maxRounds: 2 }, ctx);
    for (const r of revs) expect(Revision.parse(r)).toEqual(r);
    // The off-beat cut at frame 67 moves to the nearest beat, frame 60.
    expect(revs.filter((r) => r.kind === 'recut')).toEqual([
      expect.objectContaining({ itemId: 'item2', shotId: 's2', fromFrame: 67, toFrame: 60 }),
    ]);
    const transitions = revs.filter((r) => r.kind === 'transition');
    expect(transitions).toEqual([
      expect.objectContaining({ itemId: 'item3', transition: { kind: 'cut', durationFrames: 0 } }),
      expect.objectContaining({ itemId: 'item4', transition: { kind: 'fade', durationFrames: 15 } }),
    ]);
    const regen = revs.filter((r) => r.kind === 'regenerate');
    expect(regen.map((r) => r.shotId)).toEqual(['s1', 's2', 's5']);
    expect(regen[0]!.prompt).toMatch(/^prompt for shot 1 Revision: Continuous visible motion/);
    expect(regen[1]!.prompt).toMatch(/Fast dynamic camera movement/);
    expect(regen[2]!.prompt).toMatch(/Slow gentle camera drift/);
    expect(regen[1]!.reason).toMatch(/little motion \(0\.20\) in a loud section \(0\.90\)/);
    expect(decisions.filter((d) => d.role === 'editor')).toHaveLength(revs.length + 1);
    expect(decisions.at(-1)!.summary).toMatch(
      /round 0: 6 revision\(s\) \(1 recut, 2 transition, 3 regenerate\)/,
    );
  });

  it('keeps regenerations within the budget, most severe first, and says what it skipped', async () => {
    const { decisions, ctx } = sink();
    const revs = await planRevisions(
      report,
      {
        storyboard,
        round: 1,
        maxRounds: 3,
        budget: { maxUsd: 5, spentUsd: 3.5, estimateUsd: 0 },
        costOf: () => 1.2,
      },
      ctx,
    );
    expect(revs).toEqual([expect.objectContaining({ kind: 'regenerate', shotId: 's1', estimatedUsd: 1.2 })]);
    const skipped = decisions.filter((d) => /^not regenerating/.test(d.summary));
    expect(skipped.map((d) => d.shotId)).toEqual(['s2', 's5']);
    expect(skipped[0]!.summary).toMatch(/\$1\.20 exceeds the \$0\.30 left in the budget/);
  });

  it('stops at the round limit and when the render passed', async () => {
    const { decisions, ctx } = sink();
    expect(await planRevisions(report, { storyboard, timeline, round: 2, maxRounds: 2 }, ctx)).toEqual([]);
    expect(
      await planRevisions({ ...report, passed: true }, { storyboard, timeline, round: 0, maxRounds: 2 }, ctx),
    ).toEqual([]);
    expect(decisions.map((d) => d.summary)).toEqual([
      expect.stringMatching(/round limit \(2\) is reached/),
      expect.stringMatching(/passed .*no revisions/),
    ]);
  });

  it('applies re-cuts and transitions to the timeline, keeping it tiled and the cuts in place', async () => {
    expect(timelineProblem(timeline)).toBeUndefined();
    const revs = await planRevisions(report, { storyboard, timeline, analysis, round: 0, maxRounds: 1 });
    const next = applyRevisions(timeline, revs);
    expect(timelineProblem(next)).toBeUndefined();
    // The off-beat cut at 67 moves to the beat at 60.
    expect(next.items[1]!.startFrame).toBe(60);
    expect(next.items[0]!.durationFrames).toBe(60);
    // The fade into item3 becomes a hard cut on the same frame (120): item2 no longer reaches past it.
    expect(next.items[2]!.transitionIn).toEqual({ kind: 'cut', durationFrames: 0 });
    expect(next.items[2]!.startFrame).toBe(120);
    expect(next.items[1]!.durationFrames).toBe(60);
    // The hard cut into the calm verse (240) becomes a 15-frame fade centred on it.
    expect(next.items[3]!.transitionIn).toEqual({ kind: 'fade', durationFrames: 15 });
    expect(cutFrameOf(next.items[3]!)).toBe(240);
    expect(next.items[3]!.startFrame).toBe(233);
    expect(next.items[2]!.startFrame + next.items[2]!.durationFrames).toBe(248);
    // Items outside the revisions are untouched.
    expect(next.items[4]).toEqual(timeline.items[4]);
    // The original is untouched.
    expect(timeline.items[1]!.startFrame).toBe(67);
  });

  it('leaves out a revision that would break a neighbour, and one whose cut has moved', () => {
    // A 200-frame fade into item2 fits inside neither neighbour; item5 no longer starts where the re-cut expects.
    const tight = applyRevisions(timeline, [
      { kind: 'transition', itemId: 'item2', transition: { kind: 'fade', durationFrames: 200 }, reason: 'x' },
      { kind: 'recut', itemId: 'item5', fromFrame: 299, toFrame: 290, reason: 'stale' },
    ]);
    expect(tight).toEqual(timeline);
  });

  it('revises a prompt without stacking earlier revisions, within the provider limit', () => {
    const once = revisePrompt('a red car', ['Faster.']);
    expect(revisePrompt(once, ['Calmer.'])).toBe('a red car Revision: Calmer.');
    expect(revisePrompt('a red car', ['Much faster camera movement please.'], 30).length).toBeLessThanOrEqual(
      30,
    );
  });
});
