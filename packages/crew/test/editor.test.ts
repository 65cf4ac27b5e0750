// Over 400 lines because it is one suite: the editor's review, a clip fault at a time (black, frozen, busy, unreadable, drift).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clip,
  type EvaluationReport,
  Revision,
  type Shot,
  type Storyboard,
  silentLogger,
} from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { measureClip } from '../src/clipCheck.js';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { heuristicRevisions } from '../src/heuristic/editor.js';
import { heuristicStoryboard } from '../src/heuristic/planner.js';
import { llmCrew } from '../src/llm/llmCrew.js';
import { heuristicShots } from '../src/prompting.js';
import { proposeRevisions } from '../src/revisions.js';
import {
  type FakeOpenAI,
  firstUserText,
  type RecordedRequest,
  requestImages,
  startFakeOpenAI,
} from './fakeOpenAI.js';
import { planInput } from './fixtures.js';

const KEY = 'sk-test-crew-key-123';
let dir: string;
const clips: Record<string, string> = {};

// Small real clips, made once: a busy test pattern, a black one, a frozen still, a slow drift.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crew-editor-'));
  const make = async (name: string, src: string, extra: string[] = []) => {
    const out = join(dir, `${name}.mp4`);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      src,
      ...extra,
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      out,
    ]);
    clips[name] = out;
  };
  await Promise.all([
    make('busy', 'testsrc2=size=320x180:rate=24:duration=4'),
    make('black', 'color=c=black:size=320x180:rate=24:duration=4'),
    make('frozen', 'testsrc2=size=320x180:rate=24:duration=4', [
      '-vf',
      'trim=end_frame=1,loop=loop=200:size=1:start=0,setpts=N/24/TB',
      '-t',
      '4',
    ]),
    make('short', 'testsrc2=size=320x180:rate=24:duration=1'),
    make('strobe', 'color=c=black:size=320x180:rate=24:duration=4', [
      '-vf',
      "geq=lum='if(lt(mod(N,5),2),235,40)':cb=128:cr=128",
    ]),
    (async () => {
      clips.thumb = join(dir, 'thumb.png');
      await runFfmpeg([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x90:rate=1:duration=1',
        '-frames:v',
        '1',
        clips.thumb,
      ]);
    })(),
    make('square', 'testsrc2=size=240x240:rate=24:duration=4'),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(energy: number): { storyboard: Storyboard; shot: Shot } {
  const input = planInput();
  const sb = heuristicStoryboard(input);
  const shots = heuristicShots(sb, input);
  const base = shots.find((s) => s.end - s.start <= 4.2) as Shot;
  const shot = { ...base, energy, clipSeconds: 4 };
  return { storyboard: { ...sb, shots }, shot };
}

function clipOf(name: string, w = 320, h = 180, dur = 4): Clip {
  return {
    path: clips[name] as string,
    durationSec: dur,
    width: w,
    height: h,
    fps: 24,
    hasAudio: false,
    provider: 'test',
    costUsd: 0,
  };
}

describe('clip measurements', () => {
  test('tell black, frozen and moving clips apart', async () => {
    const [busy, black, frozen] = await Promise.all([
      measureClip(clips.busy as string),
      measureClip(clips.black as string),
      measureClip(clips.frozen as string),
    ]);
    expect(busy.frames).toBeGreaterThan(10);
    expect(busy.blackShare).toBeLessThan(0.1);
    expect(busy.frozenShare).toBeLessThan(0.2);
    expect(black.blackShare).toBeGreaterThan(0.9);
    expect(frozen.frozenShare).toBeGreaterThan(0.9);
    expect(busy.motion).toBeGreaterThan(frozen.motion * 5);
    expect(busy.width).toBe(320);
  });
});

describe('heuristic editor', () => {
  const crew = heuristicCrew();
  const expected = { width: 1280, height: 720, seconds: 4, maxPromptChars: 400 };

  test('accepts a clip that fits, with a logged decision', async () => {
    const { storyboard, shot } = setup(0.7);
    const decisions = memoryDecisions();
    const r = await crew.review(
      {
        shot,
        clip: clipOf('busy'),
        storyboard,
        framePaths: [],
        attempt: 1,
        expected: { width: 640, height: 360, seconds: 4 },
      },
      { logger: silentLogger(), decisions },
    );
    expect(r.action).toBe('accept');
    expect(r.score).toBe(1);
    expect(decisions.list[0]).toMatchObject({
      role: 'editor',
      stage: 'review',
      shotId: shot.id,
      model: 'heuristic',
    });
  });

  test('regenerates a black clip with a revised prompt that keeps the style', async () => {
    const { storyboard, shot } = setup(0.5);
    const r = await crew.review(
      { shot, clip: clipOf('black'), storyboard, framePaths: [], attempt: 1, expected },
      { logger: silentLogger() },
    );
    expect(r.action).toBe('regenerate');
    expect(r.reasons.join(' ')).toMatch(/black/);
    expect(r.prompt).toMatch(/Well lit/);
    expect(r.prompt?.length).toBeLessThanOrEqual(400);
    expect(r.prompt).toContain(storyboard.styleBible.palette[0]);
  });

  test('a frozen clip for a loud shot is regenerated; at the last attempt it is accepted with the reasons', async () => {
    const { storyboard, shot } = setup(0.9);
    const first = await crew.review(
      { shot, clip: clipOf('frozen'), storyboard, framePaths: [], attempt: 1, maxAttempts: 3 },
      { logger: silentLogger() },
    );
    expect(first.action).toBe('regenerate');
    expect(first.reasons.join(' ')).toMatch(/frozen/);
    const last = await crew.review(
      { shot, clip: clipOf('frozen'), storyboard, framePaths: [], attempt: 3, maxAttempts: 3 },
      { logger: silentLogger() },
    );
    expect(last.action).toBe('accept');
    expect(last.reasons.join(' ')).toMatch(/accepted at attempt 3 of 3/);
  });

  test('a calm shot with a busy clip asks for calmer motion, as a remix when the provider can', async () => {
    const { storyboard, shot } = setup(0.1);
    const r = await crew.review(
      { shot, clip: clipOf('strobe'), storyboard, framePaths: [], attempt: 1, canRemix: true },
      { logger: silentLogger() },
    );
    expect(r.reasons).toEqual([expect.stringMatching(/too busy/)]);
    expect(r.action).toBe('remix');
    expect(r.prompt).toMatch(/Slow, steady camera/);
  });

  test('an unreadable file is retaken, and named when no takes remain', async () => {
    const { storyboard, shot } = setup(0.5);
    const junk = { ...clipOf('busy'), path: join(dir, 'junk.mp4') };
    await writeFile(junk.path, 'not a video');
    const r = await crew.review(
      { shot, clip: junk, storyboard, framePaths: [], attempt: 1 },
      { logger: silentLogger() },
    );
    expect(r.action).toBe('regenerate');
    await expect(
      crew.review({ shot, clip: junk, storyboard, framePaths: [], attempt: 2 }, { logger: silentLogger() }),
    ).rejects.toThrow(/not readable video after 2 takes/);
  });

  test('wrong aspect and too-short clips are refused', async () => {
    const { storyboard, shot } = setup(0.5);
    const square = await crew.review(
      { shot, clip: clipOf('square', 240, 240), storyboard, framePaths: [], attempt: 1, expected },
      { logger: silentLogger() },
    );
    expect(square.action).toBe('regenerate');
    expect(square.reasons.join(' ')).toMatch(/aspect 240x240/);
    const short = await crew.review(
      { shot, clip: clipOf('short', 320, 180, 1), storyboard, framePaths: [], attempt: 1, expected },
      { logger: silentLogger() },
    );
    expect(short.reasons.join(' ')).toMatch(/clip runs 1\.0 s, 4 s were asked/);
  });
});

describe('LLM editor (vision)', () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(async () => {
    await fake.close();
  });
  const crew = (api: 'responses' | 'chat' = 'responses') =>
    llmCrew({
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.baseURL },
      config: { crew: { models: { editor: 'gpt-4.1' }, api, tracing: false } },
      settings: { maxRetries: 0 },
    });

  test.each(['responses', 'chat'] as const)(
    '%s API: sends sampled frames as JPEG data URLs with the shot and measurements; uses the verdict',
    async (api) => {
      const { storyboard, shot } = setup(0.7);
      fake.fallback = () => ({
        json: {
          action: 'remix',
          reasons: ['the jacket is not yellow'],
          prompt: 'Ava in a bright yellow rain jacket',
          score: 0.4,
        },
        usage: { input: 3000, output: 60 },
      });
      const decisions = memoryDecisions();
      const r = await crew(api).review(
        {
          shot,
          clip: { ...clipOf('busy'), thumbnailPath: clips.thumb as string },
          storyboard,
          framePaths: [],
          attempt: 1,
          canRemix: false,
        },
        { logger: silentLogger(), decisions },
      );
      // The provider cannot remix, so a remix becomes a regeneration.
      expect(r).toEqual({
        action: 'regenerate',
        reasons: ['the jacket is not yellow'],
        prompt: 'Ava in a bright yellow rain jacket',
        score: 0.4,
      });
      const req = fake.requests[0] as RecordedRequest;
      const images = requestImages(req);
      expect(images.length).toBeGreaterThanOrEqual(3);
      expect(images.length).toBeLessThanOrEqual(6);
      // The provider's thumbnail first, then frames sampled from the clip.
      expect(images[0]).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
      for (const img of images.slice(1)) expect(img).toMatch(/^data:image\/jpeg;base64,\/9j\//);
      const asked = JSON.parse(firstUserText(req));
      expect(asked.shot.id).toBe(shot.id);
      expect(asked.measured.frames).toBeGreaterThan(10);
      expect(asked.styleBible.palette).toEqual(storyboard.styleBible.palette);
      expect(decisions.list[0]).toMatchObject({
        role: 'editor',
        model: 'gpt-4.1',
        shotId: shot.id,
        tokens: { input: 3000, output: 60 },
      });
    },
  );

  test('broken clips are judged by measurement alone, without a model call', async () => {
    const { storyboard, shot } = setup(0.5);
    const r = await crew().review(
      { shot, clip: clipOf('black'), storyboard, framePaths: [], attempt: 1 },
      { logger: silentLogger() },
    );
    expect(r.action).toBe('regenerate');
    expect(fake.requests).toHaveLength(0);
  });

  test('judges continuity by eye: the keyframe first, the references, then the clip frames; a failure gives no verdict', async () => {
    const { storyboard, shot } = setup(0.6);
    fake.queue.push({
      json: { holds: false, reasons: ['she wears a green coat, the keyframe a yellow one'], score: 1.7 },
      usage: { input: 2500, output: 40 },
    });
    const decisions = memoryDecisions();
    const input = {
      shot,
      storyboard,
      clipPath: clips.busy as string,
      keyframePath: clips.thumb as string,
      referenceImagePaths: [
        clips.thumb as string,
        clips.thumb as string,
        clips.thumb as string,
        clips.thumb as string,
      ],
      measured: { distance: 0.12, threshold: 0.25 },
    };
    const v = await crew().judgeContinuity!(input, { logger: silentLogger(), decisions });
    expect(v).toEqual({
      holds: false,
      reasons: ['she wears a green coat, the keyframe a yellow one'],
      score: 1,
      by: 'gpt-4.1',
    });
    const images = requestImages(fake.requests[0] as RecordedRequest);
    // The keyframe (PNG), at most three references, then three frames of the clip (JPEG).
    expect(images).toHaveLength(1 + 3 + 3);
    for (const img of images.slice(0, 4)) expect(img).toMatch(/^data:image\/png;base64,/);
    for (const img of images.slice(4)) expect(img).toMatch(/^data:image\/jpeg;base64,/);
    const asked = JSON.parse(firstUserText(fake.requests[0] as RecordedRequest));
    expect(asked.images).toEqual({ keyframe: 1, references: 3, clipFrames: 3 });
    expect(asked.shot.id).toBe(shot.id);
    expect(decisions.list[0]).toMatchObject({
      role: 'editor',
      shotId: shot.id,
      model: 'gpt-4.1',
      summary: expect.stringMatching(/^continuity judged by eye: drifted: she wears a green coat/),
    });

    // A refusal: no verdict (the pipeline measures the drift itself), and the failure is on the record.
    fake.queue.push({ refusal: 'I cannot compare these images.' });
    fake.queue.push({ refusal: 'I cannot compare these images.' });
    fake.queue.push({ refusal: 'I cannot compare these images.' });
    const after = memoryDecisions();
    expect(
      await crew().judgeContinuity!(input, { logger: silentLogger(), decisions: after }),
    ).toBeUndefined();
    expect(after.list.at(-1)?.summary).toMatch(/LLM editor failed/);
  });

  test('a regenerate without a prompt is sent back; a refusal falls back to the heuristic editor', async () => {
    const { storyboard, shot } = setup(0.7);
    fake.queue.push({ json: { action: 'regenerate', reasons: ['meh'], prompt: null, score: 0.3 } });
    fake.queue.push({ refusal: 'I cannot review this image.' });
    const decisions = memoryDecisions();
    const r = await crew().review(
      { shot, clip: clipOf('busy'), storyboard, framePaths: [], attempt: 1 },
      { logger: silentLogger(), decisions },
    );
    expect(fake.requests).toHaveLength(2);
    expect(r.action).toBe('accept');
    expect(decisions.list.map((d) => d.model)).toEqual(['gpt-4.1', 'heuristic']);
    expect(decisions.list[0]?.summary).toMatch(/refus/);
  });
});

describe('revisions after an evaluation', () => {
  const input = planInput();
  const storyboard = heuristicStoryboard(input);
  const shots = heuristicShots(storyboard, input);
  const report = (over: Partial<EvaluationReport>): EvaluationReport => ({
    version: 1,
    videoPath: '/tmp/out.mp4',
    score: 0.4,
    passed: false,
    metrics: {},
    issues: [],
    summary: 'weak',
    ...over,
  });

  test('blamed shots are regenerated; missed beats and monotony are left to the timeline planner', () => {
    const out = heuristicRevisions({
      report: report({
        metrics: { cutsOnBeatShare: 0.3, cutsOnBeatChance: 0.2, shotLengthCv: 0.05 },
        issues: [
          { kind: 'black-frames', message: 'black for 2 s', shotId: 's3', severity: 'error' },
          { kind: 'frozen', message: 'frozen', atSec: (shots[5]?.start ?? 0) + 0.1, severity: 'warn' },
          { kind: 'note', message: 'fine', severity: 'info' },
        ],
      }),
      storyboard,
      shots,
    });
    expect(out.map((r) => r.shotId)).toEqual(['s3', 's6']);
    const prompts = out.map((r) => (r.kind === 'regenerate' ? r.prompt : ''));
    expect(prompts[0]).toMatch(/^Well lit/);
    expect(prompts[1]).toMatch(/^Continuous visible motion/);
    for (const r of out) expect(Revision.parse(r)).toEqual(r);
  });

  test('a good report proposes nothing; weak motion fit retakes the loudest shots; decisions are logged', async () => {
    expect(
      heuristicRevisions({
        report: report({ score: 0.9, passed: true, metrics: { cutsOnBeatShare: 0.95, shotLengthCv: 0.4 } }),
        storyboard,
        shots,
      }),
    ).toEqual([]);
    const decisions = memoryDecisions();
    const out = await proposeRevisions(
      {
        report: report({ metrics: { motionEnergyCorrelation: -0.1, cutsOnBeatShare: 0.9 } }),
        storyboard,
        shots,
      },
      { logger: silentLogger(), decisions },
    );
    expect(out.length).toBeGreaterThan(0);
    const loudest = Math.max(...shots.map((s) => s.energy));
    expect(shots.find((s) => s.id === out[0]?.shotId)?.energy).toBe(loudest);
    expect(decisions.list[0]).toMatchObject({ role: 'editor', stage: 'evaluate' });
  });
});
