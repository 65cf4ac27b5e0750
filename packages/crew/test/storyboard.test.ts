// Over 400 lines because it is one suite: the heuristic planner's storyboard, checked rule by rule (coverage, cuts, lengths, prompts).
import {
  type AudioAnalysis,
  ClipRequest,
  type PlanInput,
  Shot,
  Storyboard,
  silentLogger,
} from '@beatframe/core';
import { arrangeSong, benchmarkSuite, demoSong, type SongSpec } from '@beatframe/synth';
import { describe, expect, test } from 'vitest';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { heuristicStoryboard } from '../src/heuristic/planner.js';
import { mergeShortSlots } from '../src/index.js';
import { carriesStyle, clipRequestFor, clipSecondsFor, fitPrompt } from '../src/prompting.js';
import {
  makeAnalysis,
  makeProvider,
  makeSong,
  OPTIONS,
  POP_SONG,
  planInput,
  type SongShape,
} from './fixtures.js';

/** The synthesizer's exact ground truth as the analysis the audio stage would ideally produce. */
function analysisFromSynth(spec: SongSpec): AudioAnalysis {
  const { truth } = arrangeSong(spec);
  const hop = 0.1;
  const values = Array.from({ length: Math.ceil(truth.durationSec / hop) }, (_, i) => {
    const sec = truth.sections.find((s) => i * hop >= s.start && i * hop < s.end);
    return sec ? sec.intensity : 0;
  });
  return {
    version: 1,
    durationSec: truth.durationSec,
    bpm: truth.bpm,
    tempoConfidence: 1,
    meter: { beatsPerBar: truth.meter.beatsPerBar, beatUnit: truth.meter.beatUnit },
    beats: truth.beats,
    downbeats: truth.downbeats,
    sections: truth.sections.map((s) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      energy: s.intensity,
      group: s.group,
    })),
    energy: { hopSec: hop, values },
    key: truth.key,
  };
}

const SHAPES: Record<string, SongShape> = {
  pop: POP_SONG,
  waltz: {
    bpm: 84,
    beatsPerBar: 3,
    sections: [
      { label: 'intro', bars: 2, energy: 0.1 },
      { label: 'verse', bars: 12, energy: 0.3 },
      { label: 'chorus', bars: 8, energy: 0.7 },
      { label: 'outro', bars: 4, energy: 0.2 },
    ],
  },
  fastOffGrid: {
    bpm: 174,
    leadIn: 0.37,
    tail: 1.8,
    sectionJitter: 0.21,
    sections: [
      { label: 'intro', bars: 8, energy: 0.4 },
      { label: 'breakdown', bars: 1, energy: 0.2 },
      { label: 'chorus', bars: 16, energy: 0.95 },
      { label: 'solo', bars: 8, energy: 0.8 },
      { label: 'silence', bars: 1, energy: 0 },
      { label: 'chorus', bars: 16, energy: 1 },
    ],
  },
  slowBallad: {
    bpm: 58,
    sections: [
      { label: 'verse', bars: 6, energy: 0.2 },
      { label: 'chorus', bars: 6, energy: 0.5 },
      { label: 'bridge', bars: 2, energy: 0.3 },
    ],
  },
};

const PROVIDERS = {
  sora: { durations: [4, 8, 12], maxPromptChars: 1000, imageToVideo: true },
  veo: { durations: [4, 6, 8], maxPromptChars: 400, imageToVideo: true },
  tiny: { durations: [5, 10], maxPromptChars: 160, imageToVideo: false },
  local: {
    durations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    maxPromptChars: 2000,
    imageToVideo: false,
  },
};

function cases(): Array<[string, PlanInput]> {
  const out: Array<[string, PlanInput]> = [];
  for (const [s, shape] of Object.entries(SHAPES))
    for (const [p, caps] of Object.entries(PROVIDERS)) out.push([`${s} on ${p}`, planInput(shape, caps)]);
  const synthSongs = [{ name: 'demo', spec: demoSong() }, ...benchmarkSuite()];
  for (const [i, song] of synthSongs.entries()) {
    const analysis = analysisFromSynth(song.spec);
    const [p, caps] = Object.entries(PROVIDERS)[i % 4] as [
      string,
      (typeof PROVIDERS)[keyof typeof PROVIDERS],
    ];
    out.push([
      `synth ${song.name} on ${p}`,
      {
        analysis,
        song: makeSong(analysis, { title: song.spec.title }),
        options: OPTIONS,
        provider: makeProvider(caps),
      },
    ]);
  }
  return out;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-3;

describe.each(cases())('heuristic storyboard: %s', (_name, input) => {
  const storyboard = heuristicStoryboard(input);
  const shots = heuristicCrew().writePrompts(storyboard, input, { logger: silentLogger() });

  test('matches the core schemas', async () => {
    expect(() => Storyboard.parse(storyboard)).not.toThrow();
    for (const s of await shots) expect(() => Shot.parse(s)).not.toThrow();
  });

  test('every section is covered by a scene, and scenes tile the song in order', () => {
    const { scenes } = storyboard;
    expect(scenes[0]?.start).toBe(0);
    expect(near(scenes[scenes.length - 1]?.end ?? 0, input.analysis.durationSec)).toBe(true);
    for (let i = 1; i < scenes.length; i++) expect(scenes[i]?.start).toBe(scenes[i - 1]?.end);
    // Each section's midpoint lies inside a scene made for a section of the same label.
    for (const sec of input.analysis.sections) {
      if (sec.end - sec.start < 1) continue; // sub-second sections may fold into a neighbour
      const mid = (sec.start + sec.end) / 2;
      const scene = scenes.find((s) => mid >= s.start && mid < s.end);
      expect(scene?.label).toBe(sec.label);
    }
    expect(new Set(scenes.map((s) => s.sectionIndex)).size).toBe(scenes.length);
  });

  test('shots tile the song without gaps or overlaps, each inside its scene', () => {
    const { shots, scenes } = storyboard;
    expect(shots[0]?.start).toBe(0);
    expect(near(shots[shots.length - 1]?.end ?? 0, input.analysis.durationSec)).toBe(true);
    shots.forEach((s, i) => {
      expect(s.index).toBe(i);
      expect(s.end).toBeGreaterThan(s.start);
      if (i > 0) expect(s.start).toBe(shots[i - 1]?.end);
      const scene = scenes.find((x) => x.id === s.sceneId);
      expect(scene).toBeDefined();
      expect(s.start).toBeGreaterThanOrEqual(scene?.start ?? Number.NaN);
      expect(s.end).toBeLessThanOrEqual(scene?.end ?? Number.NaN);
    });
  });

  test('every cut between shots falls on a downbeat', () => {
    const downbeats = input.analysis.downbeats;
    const cuts = storyboard.shots.slice(1).map((s) => s.start);
    const offBar = cuts.filter((c) => !downbeats.some((d) => near(d, c)));
    // Only a section boundary that could not be snapped without swallowing a section may sit off the grid.
    const sectionStarts = input.analysis.sections.map((s) => s.start);
    for (const c of offBar) expect(sectionStarts.some((t) => near(t, c))).toBe(true);
    expect(offBar.length).toBeLessThanOrEqual(1);
  });

  test('clip lengths are allowed by the provider and cover their slots where possible', async () => {
    const caps = input.provider.capabilities;
    const max = Math.max(...caps.durations);
    for (const s of await shots) {
      expect(caps.durations).toContain(s.clipSeconds);
      const slot = s.end - s.start;
      if (slot <= max) expect(s.clipSeconds).toBeGreaterThanOrEqual(slot - 1e-6);
    }
  });

  test('slots fit in the longest clip unless a single bar is longer', () => {
    const caps = input.provider.capabilities;
    const max = Math.max(...caps.durations);
    const barSec = (60 / input.analysis.bpm) * input.analysis.meter.beatsPerBar;
    for (const s of storyboard.shots)
      expect(s.end - s.start).toBeLessThanOrEqual(Math.max(max, barSec * 1.01) + 0.5);
  });

  test('the style bible rides in every prompt, and every prompt fits the provider', async () => {
    const bible = storyboard.styleBible;
    expect(bible.palette.length).toBeGreaterThanOrEqual(3);
    for (const s of await shots) {
      expect(s.prompt).toBeTruthy();
      expect(s.prompt?.length ?? 0).toBeLessThanOrEqual(input.provider.capabilities.maxPromptChars);
      expect(carriesStyle(s.prompt ?? '', bible)).toBe(true);
      expect(s.prompt?.toLowerCase()).toContain((bible.palette[0] as string).toLowerCase());
    }
  });

  test('prompts vary', async () => {
    const prompts = (await shots).map((s) => s.prompt);
    expect(new Set(prompts).size).toBeGreaterThan(prompts.length * 0.8);
  });

  test('image-to-video providers get references to an earlier shot in the same place', async () => {
    const list = await shots;
    const withRef = list.filter((s) => s.referenceShotId);
    if (!input.provider.capabilities.imageToVideo) return expect(withRef).toHaveLength(0);
    expect(withRef.length).toBeGreaterThan(0);
    for (const s of withRef) {
      const ref = list.find((x) => x.id === s.referenceShotId);
      expect(ref).toBeDefined();
      expect(ref?.index).toBeLessThan(s.index);
      expect(ref?.referenceShotId).toBeUndefined();
    }
  });
});

describe('heuristic planner, musically', () => {
  test('is deterministic: the same input gives the same storyboard and prompts', async () => {
    const crew = heuristicCrew();
    const ctx = { logger: silentLogger() };
    const a = await crew.plan(planInput(), ctx);
    const b = await crew.plan(planInput(), ctx);
    expect(b).toEqual(a);
    expect(await crew.writePrompts(b, planInput(), ctx)).toEqual(
      await crew.writePrompts(a, planInput(), ctx),
    );
  });

  test('a different theme gives a different film', () => {
    const a = heuristicStoryboard(planInput());
    const b = heuristicStoryboard(
      planInput(POP_SONG, {}, { options: { theme: 'a lonely astronaut on a red desert' } }),
    );
    expect(b.brief.concept).not.toBe(a.brief.concept);
    expect(b.styleBible.characters[0]?.description).toContain('astronaut');
    expect(b.styleBible.palette[0]).toBe('red');
    expect(b.styleBible.places[0]?.description).toContain('desert');
  });

  test('style tags choose the look: metal is not lo-fi', () => {
    const metal = heuristicStoryboard(
      planInput(POP_SONG, {}, { song: { styleTags: ['doom metal'] }, options: { theme: '' } }),
    );
    const lofi = heuristicStoryboard(
      planInput(POP_SONG, {}, { song: { styleTags: ['lofi hip hop'] }, options: { theme: '' } }),
    );
    expect(metal.styleBible.look).not.toBe(lofi.styleBible.look);
    expect(metal.styleBible.palette).toContain('molten orange');
    expect(lofi.styleBible.palette).toContain('amber');
  });

  test('without genre tags, theme words pick the look', () => {
    const look = (theme: string) =>
      heuristicStoryboard(planInput(POP_SONG, {}, { song: { styleTags: [] }, options: { theme } })).styleBible
        .look;
    expect(look('a night drive through a city of light')).toMatch(/neon/);
    expect(look('a campfire in the countryside')).toMatch(/earthy/);
    expect(look('a lonely meditation in space')).toMatch(/vast and quiet/);
    expect(look('my cat')).toMatch(/cinematic natural light/);
  });

  test('loud sections cut faster than quiet ones', () => {
    const sb = heuristicStoryboard(planInput(POP_SONG, PROVIDERS.local));
    const meanLen = (label: string) => {
      const ids = new Set(sb.scenes.filter((s) => s.label === label).map((s) => s.id));
      const shots = sb.shots.filter((s) => ids.has(s.sceneId));
      return shots.reduce((a, s) => a + s.end - s.start, 0) / shots.length;
    };
    expect(meanLen('chorus')).toBeLessThan(meanLen('verse'));
    expect(meanLen('verse')).toBeLessThan(meanLen('intro') + 1e-9);
  });

  test('a paid provider gets fewer, longer shots than a free one with the same clip lengths', () => {
    const caps = { durations: [4, 8, 12] };
    const free = heuristicStoryboard(planInput(POP_SONG, { ...caps, usdFor: () => 0 }));
    const paid = heuristicStoryboard(planInput(POP_SONG, { ...caps, usdFor: (r) => 0.1 * r.seconds }));
    expect(paid.shots.length).toBeLessThan(free.shots.length);
    const barSec = (60 / POP_SONG.bpm) * 4;
    // No paid slot is much shorter than the shortest clip it will be cut from (a bar of slack for the grid).
    for (const s of paid.shots) expect(s.end - s.start).toBeGreaterThanOrEqual(3 - barSec / 2);
  });

  test('leftovers fold away on a paid model: a 1-bar pickup and a 1-bar break buy no clip mostly thrown away', () => {
    // 150 BPM: a bar is 1.6 s, Veo's shortest clip 4 s, so the minimum paid slot is 3 s.
    const song: SongShape = {
      bpm: 150,
      sections: [
        { label: 'intro', bars: 1, energy: 0.3 },
        { label: 'verse', bars: 7, energy: 0.5 },
        { label: 'breakdown', bars: 1, energy: 0.6 },
        { label: 'chorus', bars: 9, energy: 0.95 },
        { label: 'outro', bars: 3, energy: 0.2 },
      ],
    };
    const veo = { durations: [4, 6, 8], usdFor: (r: { seconds: number }) => 0.4 * r.seconds };
    const sb = heuristicStoryboard(planInput(song, veo));
    expect(sb.shots.length).toBeGreaterThan(3);
    for (const s of sb.shots) expect(s.end - s.start).toBeGreaterThanOrEqual(3 - 1e-6);
    // The slots still tile the song on bar lines.
    expect(sb.shots[0]?.start).toBe(0);
    for (let i = 1; i < sb.shots.length; i++) expect(sb.shots[i]?.start).toBe(sb.shots[i - 1]?.end);
    const cuts = [0, 2, 4, 5, 9];
    mergeShortSlots(cuts, 3, 8);
    expect(cuts).toEqual([0, 5, 9]);
    // A short slot stays when joining it would outgrow the longest clip.
    const kept = [0, 7, 8, 15];
    mergeShortSlots(kept, 3, 7.5);
    expect(kept).toEqual([0, 7, 8, 15]);
  });

  test('the arc: choruses share a place apart from the verses, the bridge contrasts, the outro returns home', () => {
    const sb = heuristicStoryboard(planInput());
    const [home, peak, contrast] = sb.styleBible.places.map((p) => p.description);
    const desc = (label: string) => sb.scenes.filter((s) => s.label === label).map((s) => s.description);
    for (const d of desc('verse')) expect(d).toContain(home);
    for (const d of desc('chorus')) expect(d).toContain(peak);
    for (const d of desc('bridge')) expect(d).toContain(contrast);
    for (const d of desc('outro')) expect(d).toContain(home);
    // choruses escalate: each one is described differently
    expect(new Set(desc('chorus')).size).toBe(desc('chorus').length);
  });

  test('timed lyrics bring what each section sings about into its scene', () => {
    const base = planInput();
    const chorus = base.analysis.sections.find((s) => s.label === 'chorus');
    const verse = base.analysis.sections.find((s) => s.label === 'verse');
    const lyrics = {
      timing: 'line' as const,
      lines: [
        { text: 'Walking through the smoke alone', start: (verse?.start ?? 0) + 1 },
        { text: 'Set the harbour on fire tonight', start: (chorus?.start ?? 0) + 0.5 },
      ],
    };
    const sb = heuristicStoryboard(planInput(POP_SONG, {}, { song: { lyrics } }));
    const scene = (label: string) => sb.scenes.find((s) => s.label === label)?.description ?? '';
    expect(scene('chorus')).toContain('fire');
    expect(scene('verse')).toContain('smoke');
  });

  test('a song with no beats or sections still gets a tiled storyboard', () => {
    const analysis: AudioAnalysis = {
      ...makeAnalysis({ bpm: 100, sections: [{ label: 'verse', bars: 1, energy: 0 }] }),
      durationSec: 21.5,
      bpm: 0,
      beats: [],
      downbeats: [],
      sections: [],
    };
    const input = { ...planInput(), analysis };
    const sb = heuristicStoryboard(input);
    expect(sb.scenes).toHaveLength(1);
    expect(sb.shots[0]?.start).toBe(0);
    expect(sb.shots[sb.shots.length - 1]?.end).toBe(21.5);
    expect(sb.shots.length).toBeGreaterThan(1);
  });

  test('planning records a decision with the input digest', async () => {
    const decisions = memoryDecisions();
    const ctx = { logger: silentLogger(), decisions };
    const crew = heuristicCrew();
    const sb = await crew.plan(planInput(), ctx);
    await crew.writePrompts(sb, planInput(), ctx);
    await crew.plan(planInput(POP_SONG, {}, { options: { theme: 'something else' } }), ctx);
    const [plan, prompts, plan2] = decisions.list;
    expect(plan?.role).toBe('planner');
    expect(plan?.stage).toBe('plan');
    expect(plan?.model).toBe('heuristic');
    expect(plan?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(plan2?.inputDigest).not.toBe(plan?.inputDigest);
    expect(prompts?.role).toBe('prompter');
    expect(prompts?.summary).toContain('prompts');
    expect(plan?.ms).toBeGreaterThanOrEqual(0);
  });
});

describe('heuristic planner on random analyses', () => {
  // A seeded generator of messy analyses: odd tempos and meters, sections off the bar lines,
  // overlapping or leaving gaps, very short ones, missing downbeats.
  function randomInput(seed: number): PlanInput {
    let x = seed;
    const rnd = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const labels = ['intro', 'verse', 'pre-chorus', 'chorus', 'bridge', 'solo', 'outro', 'silence'] as const;
    const bpm = 55 + rnd() * 130;
    const bpb = [3, 4, 4, 6][Math.floor(rnd() * 4)] as number;
    const duration = 20 + rnd() * 200;
    const beat = 60 / bpm;
    const offset = rnd() * 0.8;
    const beats: number[] = [];
    for (let t = offset; t < duration; t += beat) beats.push(+t.toFixed(3));
    const downbeats = rnd() < 0.15 ? [] : beats.filter((_, i) => i % bpb === 0);
    const sections: AudioAnalysis['sections'] = [];
    let t = 0;
    while (t < duration) {
      const len = rnd() < 0.1 ? rnd() * 1.5 : 4 + rnd() * 30;
      const start = Math.max(0, t + (rnd() - 0.5) * 1.2);
      sections.push({
        start,
        end: Math.min(duration, start + len),
        label: labels[Math.floor(rnd() * labels.length)] as (typeof labels)[number],
        energy: rnd(),
      });
      t += len;
    }
    const analysis: AudioAnalysis = {
      version: 1,
      durationSec: duration,
      bpm,
      tempoConfidence: 0.5,
      meter: { beatsPerBar: bpb, beatUnit: 4 },
      beats,
      downbeats,
      sections,
      energy: { hopSec: 0.5, values: Array.from({ length: Math.ceil(duration / 0.5) }, () => rnd()) },
    };
    const caps = Object.values(PROVIDERS)[seed % 4] as (typeof PROVIDERS)[keyof typeof PROVIDERS];
    return { analysis, song: makeSong(analysis), options: OPTIONS, provider: makeProvider(caps) };
  }

  test.each(Array.from({ length: 40 }, (_, i) => i + 1))(
    'seed %i: scenes and shots tile the song; clips and prompts fit',
    async (seed) => {
      const input = randomInput(seed);
      const sb = heuristicStoryboard(input);
      expect(() => Storyboard.parse(sb)).not.toThrow();
      const dur = input.analysis.durationSec;
      for (const list of [sb.scenes, sb.shots]) {
        expect(list[0]?.start).toBe(0);
        expect(near(list[list.length - 1]?.end ?? 0, dur)).toBe(true);
        for (let i = 1; i < list.length; i++) expect(list[i]?.start).toBe(list[i - 1]?.end);
        for (const x of list) expect(x.end).toBeGreaterThan(x.start);
      }
      const shots = await heuristicCrew().writePrompts(sb, input, { logger: silentLogger() });
      for (const s of shots) {
        expect(input.provider.capabilities.durations).toContain(s.clipSeconds);
        expect(s.prompt?.length ?? 0).toBeLessThanOrEqual(input.provider.capabilities.maxPromptChars);
        expect(carriesStyle(s.prompt ?? '', sb.styleBible)).toBe(true);
      }
    },
  );
});

describe('prompt helpers', () => {
  test('clipSecondsFor picks the shortest allowed length that covers the slot', () => {
    expect(clipSecondsFor(3.9, [4, 8, 12])).toBe(4);
    expect(clipSecondsFor(4.01, [8, 4, 12])).toBe(8);
    expect(clipSecondsFor(13, [4, 8, 12])).toBe(12);
    expect(clipSecondsFor(2.2, [])).toBe(3);
  });

  test('fitPrompt keeps the style part and drops the least important parts first', () => {
    const out = fitPrompt(
      [
        { text: 'A dancer spins on a rooftop.', priority: 10 },
        { text: 'Avoid: text, watermarks, logos.', priority: 1 },
        { text: 'Style: neon noir; palette: magenta, cyan.', priority: 100, style: true },
      ],
      80,
    );
    expect(out.length).toBeLessThanOrEqual(80);
    expect(out).toContain('magenta');
    expect(out).toContain('dancer');
    expect(out).not.toContain('Avoid');
    const tiny = fitPrompt(
      [
        { text: 'word '.repeat(50), priority: 1 },
        { text: 'Style: x; palette: red, blue.', priority: 9, style: true },
      ],
      60,
    );
    expect(tiny.length).toBeLessThanOrEqual(60);
    expect(tiny).toContain('palette');
  });

  test('clipRequestFor carries music hints, size and clip length for the provider', async () => {
    const input = planInput(POP_SONG, { sizes: ['720x1280', '1280x720'] });
    const crew = heuristicCrew();
    const sb = await crew.plan(input, { logger: silentLogger() });
    const shots = await crew.writePrompts(sb, input, { logger: silentLogger() });
    const shot = shots.find((s) => s.energy > 0.8) as Shot;
    const req = ClipRequest.parse(clipRequestFor(shot, { ...sb, shots }, input));
    expect(req.size).toBe('1280x720');
    expect(req.seconds).toBe(shot.clipSeconds);
    expect(req.prompt).toBe(shot.prompt);
    expect(req.music).toMatchObject({ bpm: 118, section: 'chorus', palette: sb.styleBible.palette });
    expect(req.music?.energy).toBeGreaterThan(0.8);
  });
});
