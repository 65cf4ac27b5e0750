// Over 400 lines because it is one suite: the LLM planner against one local model server, answer by answer (good, malformed, refused, slow).
import { ConfigError, type Decision, Storyboard, silentLogger, UsageError } from '@beatframe/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicStoryboard } from '../src/heuristic/planner.js';
import { createCrew, type LlmSettings } from '../src/index.js';
import { llmCrew } from '../src/llm/llmCrew.js';
import { revisePromptAfterRefusal } from '../src/revisions.js';
import {
  type FakeOpenAI,
  firstUserText,
  lastUserText,
  type RecordedRequest,
  type Reply,
  startFakeOpenAI,
} from './fakeOpenAI.js';
import { planInput } from './fixtures.js';

const KEY = 'sk-test-crew-key-123';

/** A planner answer that describes exactly the scene and shot ids the crew asked about. */
function plannerAnswer(req: RecordedRequest, over: { dropShot?: boolean } = {}): unknown {
  const ask = JSON.parse(firstUserText(req)) as {
    scenes: Array<{ id: string; label: string }>;
    shots: Array<{ id: string; energy: number }>;
  };
  const shots = ask.shots.map((s) => ({
    id: s.id,
    description: `LLM shot ${s.id}: the courier weaves through glowing traffic`,
    mood: s.energy > 0.6 ? 'exhilarated' : 'pensive',
    camera: s.energy > 0.6 ? 'fast tracking, 24mm' : 'slow dolly in, 50mm',
  }));
  return {
    brief: {
      title: 'Neon Tide',
      concept: 'A night courier races the dawn',
      arc: 'city → highway → dawn',
      mood: 'urgent, hopeful',
    },
    styleBible: {
      look: 'wet neon noir with bloom',
      palette: ['cobalt', 'magenta', 'sodium orange'],
      characters: [
        {
          name: 'Ava',
          description: 'a courier in a yellow rain jacket',
          sheet: {
            age: 'about 26',
            face: 'narrow face, dark eyes, a scar on the chin',
            hair: 'short black hair under a cap',
            build: 'wiry',
            wardrobe: 'a yellow rain jacket over a grey hoodie, black cycling tights',
            colours: ['yellow', 'grey', 'black'],
            props: ['a messenger bag'],
          },
        },
      ],
      places: [{ name: 'Arcade Street', description: 'a rain-soaked street of arcades' }],
      lens: '35mm anamorphic',
      camera: 'low tracking shots',
      motifs: ['yellow jacket', 'traffic lights'],
      avoid: ['text'],
    },
    scenes: ask.scenes.map((s) => ({
      id: s.id,
      description: `LLM scene ${s.id} (${s.label})`,
      mood: 'tense',
    })),
    shots: over.dropShot ? shots.slice(1) : shots,
  };
}

function prompterAnswer(
  req: RecordedRequest,
  tweak: (id: string, p: string) => string = (_id, p) => p,
): unknown {
  const ask = JSON.parse(firstUserText(req)) as { shots: Array<{ id: string }>; styleLine: string };
  return {
    prompts: ask.shots.map((s) => ({
      shotId: s.id,
      prompt: tweak(s.id, `Ava sprints past arcades for ${s.id}. ${ask.styleLine}.`),
    })),
  };
}

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

function crewFor(api: 'responses' | 'chat', settings: Partial<LlmSettings> = {}) {
  return llmCrew({
    env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.baseURL },
    config: { crew: { models: { planner: 'gpt-4.1-mini', editor: 'gpt-4.1' }, api, tracing: false } },
    logger: silentLogger(),
    settings: { maxRetries: 0, timeoutMs: 10_000, ...settings },
  });
}

function ctxWith(decisions = memoryDecisions()) {
  return { logger: silentLogger(), decisions, env: { OPENAI_API_KEY: KEY } };
}

describe.each(['responses', 'chat'] as const)('LLM planner over the %s API', (api) => {
  const path = api === 'responses' ? '/v1/responses' : '/v1/chat/completions';

  test('plans with the model: its words on the bar-grid slots, a decision with tokens and cost', async () => {
    fake.fallback = (req) => ({ json: plannerAnswer(req), usage: { input: 1000, output: 500 } });
    const input = planInput();
    const decisions = memoryDecisions();
    const sb = await crewFor(api).plan(input, ctxWith(decisions));
    expect(() => Storyboard.parse(sb)).not.toThrow();
    expect(sb.styleBible.palette).toEqual(['cobalt', 'magenta', 'sodium orange']);
    expect(sb.shots.every((s) => s.description.startsWith('LLM shot'))).toBe(true);
    // Timing stays the heuristic grid's: the model only writes.
    const grid = heuristicStoryboard(input);
    expect(sb.shots.map((s) => [s.start, s.end])).toEqual(grid.shots.map((s) => [s.start, s.end]));

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0] as RecordedRequest;
    expect(req.path).toBe(path);
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body.model).toBe('gpt-4.1-mini');
    if (api === 'responses') {
      const format = (
        req.body.text as { format: { type: string; strict: boolean; schema: { required: string[] } } }
      ).format;
      expect(format.type).toBe('json_schema');
      expect(format.strict).toBe(true);
      expect(format.schema.required).toEqual(
        expect.arrayContaining(['brief', 'styleBible', 'scenes', 'shots']),
      );
      expect(req.body.store).toBe(false);
    } else {
      const rf = req.body.response_format as {
        type: string;
        json_schema: { strict: boolean; schema: { required: string[] } };
      };
      expect(rf.type).toBe('json_schema');
      expect(rf.json_schema.schema.required).toEqual(
        expect.arrayContaining(['brief', 'styleBible', 'scenes', 'shots']),
      );
    }
    const asked = JSON.parse(firstUserText(req));
    expect(asked.theme).toBe(input.options.theme);
    expect(asked.song.styleTags).toEqual(input.song.styleTags);
    expect(asked.scenes.length).toBe(sb.scenes.length);

    const [d] = decisions.list as [Decision];
    expect(d.role).toBe('planner');
    expect(d.model).toBe('gpt-4.1-mini');
    expect(d.tokens).toEqual({ input: 1000, output: 500 });
    // gpt-4.1-mini: $0.40 / $1.60 per million tokens
    expect(d.costUsd).toBeCloseTo((1000 * 0.4 + 500 * 1.6) / 1e6, 9);
    expect(d.inputDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('malformed JSON is sent back with the parse error, and the second answer is used', async () => {
    fake.queue.push({ text: '{"brief": {"title": "oops", ' });
    fake.fallback = (req) => ({ json: plannerAnswer(req) });
    const decisions = memoryDecisions();
    const sb = await crewFor(api).plan(planInput(), ctxWith(decisions));
    expect(sb.brief.concept).toBe('A night courier races the dawn');
    expect(fake.requests).toHaveLength(2);
    const feedback = lastUserText(fake.requests[1] as RecordedRequest);
    expect(feedback).toMatch(/not valid JSON/);
    expect(decisions.list).toHaveLength(1);
    expect(decisions.list[0]?.tokens).toEqual({ input: 240, output: 160 });
  });

  test('answers that keep failing validation fall back to the heuristic planner, logged', async () => {
    fake.fallback = (req) => ({ json: plannerAnswer(req, { dropShot: true }) });
    const decisions = memoryDecisions();
    const input = planInput();
    const sb = await crewFor(api, { validationRetries: 2 }).plan(input, ctxWith(decisions));
    expect(sb).toEqual(heuristicStoryboard(input));
    expect(fake.requests).toHaveLength(3);
    expect(lastUserText(fake.requests[1] as RecordedRequest)).toContain('shots missing: s1');
    const [failed, heuristic] = decisions.list;
    expect(failed?.model).toBe('gpt-4.1-mini');
    expect(failed?.summary).toMatch(/failed after 3 attempt\(s\).*falling back to the heuristic planner/);
    expect((failed?.output as { validationErrors?: string[] } | undefined)?.validationErrors).toHaveLength(3);
    expect(failed?.tokens).toEqual({ input: 360, output: 240 });
    expect(heuristic?.model).toBe('heuristic');
    expect(heuristic?.inputDigest).toBe(failed?.inputDigest);
  });

  test('a wrongly typed answer is reported by field', async () => {
    fake.queue.push((req) => {
      const a = plannerAnswer(req) as { styleBible: { palette: unknown } };
      a.styleBible.palette = 'cobalt and magenta';
      return { json: a };
    });
    fake.fallback = (req) => ({ json: plannerAnswer(req) });
    await crewFor(api).plan(planInput(), ctxWith());
    expect(lastUserText(fake.requests[1] as RecordedRequest)).toMatch(/styleBible\.palette/);
  });

  test('a failing endpoint falls back, and secrets in its error never reach the decision log', async () => {
    fake.fallback = () => ({ status: 500, message: `upstream rejected key ${KEY}`, code: 'server_error' });
    const decisions = memoryDecisions();
    await crewFor(api).plan(planInput(), ctxWith(decisions));
    const text = JSON.stringify(decisions.list);
    expect(text).not.toContain(KEY);
    expect(decisions.list[0]?.summary).toMatch(/api: .*\[redacted\]/);
  });

  test('a refusal falls back at once', async () => {
    fake.fallback = () => ({ refusal: "I'm sorry, I can't help with that." });
    const decisions = memoryDecisions();
    const input = planInput();
    const sb = await crewFor(api).plan(input, ctxWith(decisions));
    expect(sb).toEqual(heuristicStoryboard(input));
    expect(fake.requests).toHaveLength(1);
    expect(decisions.list[0]?.summary).toMatch(/refusal: the model refused: I'm sorry/);
  });

  test('429 waits for Retry-After, then succeeds', async () => {
    fake.queue.push({ status: 429, retryAfter: '1' });
    fake.fallback = (req) => ({ json: plannerAnswer(req) });
    const sb = await crewFor(api, { maxRetries: 2 }).plan(planInput(), ctxWith());
    expect(sb.brief.concept).toBe('A night courier races the dawn');
    expect(fake.requests).toHaveLength(2);
    const gap = (fake.requests[1]?.at ?? 0) - (fake.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(900);
  });

  test('a model that never answers in time falls back after the bounded retries', async () => {
    fake.fallback = (req) => ({ delayMs: 5_000, reply: { json: plannerAnswer(req) } });
    const decisions = memoryDecisions();
    const input = planInput();
    const sb = await crewFor(api, { timeoutMs: 300, maxRetries: 1 }).plan(input, ctxWith(decisions));
    expect(sb).toEqual(heuristicStoryboard(input));
    expect(fake.requests).toHaveLength(2);
    expect(decisions.list[0]?.summary).toMatch(/api: .*time/i);
  });
});

describe('LLM prompt engineer', () => {
  test('uses the model prompts, fits them to the provider, keeps the style bible in each', async () => {
    const input = planInput(undefined, { maxPromptChars: 300, imageToVideo: true });
    const storyboard = heuristicStoryboard(input);
    const long = 'very '.repeat(70);
    fake.fallback = (req) => ({
      json: prompterAnswer(req, (id, p) =>
        id === 's2' ? `Ava in the rain, ${long}` : id === 's3' ? 'Ava looks up at the sky.' : p,
      ),
    });
    const decisions = memoryDecisions();
    const shots = await crewFor('chat').writePrompts(storyboard, input, ctxWith(decisions));
    expect(shots).toHaveLength(storyboard.shots.length);
    for (const s of shots) {
      expect(s.prompt?.length).toBeLessThanOrEqual(300);
      expect(s.prompt?.toLowerCase()).toContain(storyboard.styleBible.palette[0]?.toLowerCase());
      expect(input.provider.capabilities.durations).toContain(s.clipSeconds);
    }
    expect(shots[0]?.prompt).toMatch(/^Ava sprints past arcades for s1/);
    expect(shots[2]?.prompt).toMatch(/^Ava looks up at the sky\. .*Style:/);
    expect(shots.some((s) => s.referenceShotId)).toBe(true);
    const asked = JSON.parse(firstUserText(fake.requests[0] as RecordedRequest));
    expect(asked.videoModel.maxPromptChars).toBe(300);
    expect(decisions.list[0]?.summary).toMatch(/2 fitted/);
  });

  test('missing prompts are asked for again by id', async () => {
    const input = planInput();
    const storyboard = heuristicStoryboard(input);
    fake.queue.push((req) => {
      const a = prompterAnswer(req) as { prompts: unknown[] };
      return { json: { prompts: a.prompts.slice(0, 3) } };
    });
    fake.fallback = (req) => ({ json: prompterAnswer(req) });
    const shots = await crewFor('responses').writePrompts(storyboard, input, ctxWith());
    expect(shots.every((s) => s.prompt?.startsWith('Ava sprints'))).toBe(true);
    expect(lastUserText(fake.requests[1] as RecordedRequest)).toContain(
      'prompts missing or empty for shots: s4',
    );
  });
});

describe('createCrew', () => {
  test('auto picks the LLM crew only when a key is set', () => {
    expect(createCrew({ mode: 'auto', env: {} }).name).toBe('heuristic');
    expect(createCrew({ mode: 'auto', env: { OPENAI_API_KEY: KEY } }).name).toBe('llm');
    expect(createCrew({ mode: 'heuristic', env: { OPENAI_API_KEY: KEY } }).name).toBe('heuristic');
  });

  test('bad modes and missing keys are one-line user errors', () => {
    expect(() => createCrew({ mode: 'llm', env: {} })).toThrow(ConfigError);
    expect(() => createCrew({ mode: 'llm', env: {} })).toThrow(/OPENAI_API_KEY/);
    expect(() => createCrew({ mode: 'smart' as never, env: {} })).toThrow(UsageError);
    expect(() =>
      createCrew({ mode: 'llm', env: { OPENAI_API_KEY: KEY, BEATFRAME_CREW_API: 'grpc' } }),
    ).toThrow(/BEATFRAME_CREW_API/);
  });

  test('a rejected key is a ConfigError naming the variable, not a fallback', async () => {
    const crew = llmCrew({
      env: { OPENAI_API_KEY: 'sk-wrong-key-456', OPENAI_BASE_URL: fake.baseURL },
      settings: { maxRetries: 0 },
    });
    await expect(crew.plan(planInput(), ctxWith())).rejects.toThrow(
      /refused the key in OPENAI_API_KEY \(HTTP 401\)/,
    );
  });

  test('models per role come from env, then config, then the default; the API from the endpoint', async () => {
    fake.fallback = (req: RecordedRequest): Reply =>
      req.body.model === 'planner-x' ? { json: plannerAnswer(req) } : { status: 400, message: 'wrong model' };
    const crew = createCrew({
      mode: 'llm',
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.baseURL, BEATFRAME_PLANNER_MODEL: 'planner-x' },
      config: { crew: { models: { planner: 'not-this-one' }, tracing: false } },
    });
    const sb = await crew.plan(planInput(), ctxWith());
    expect(sb.brief.concept).toBe('A night courier races the dawn');
    // A non-OpenAI base URL means Chat Completions unless told otherwise.
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
  });
});

describe('prompts the provider refused', () => {
  const input = planInput();
  const storyboard = heuristicStoryboard(input);
  const shot = storyboard.shots[3] as NonNullable<(typeof storyboard.shots)[number]>;
  const refused =
    'Wide shot of a bloody knife fight on a rooftop, a gun in the rain. Close-up shot of the killer.';

  test('the heuristic crew softens the words filters trip on and keeps the film language and style', async () => {
    const decisions = memoryDecisions();
    const out = await revisePromptAfterRefusal(
      { shot, prompt: refused, error: 'moderation_blocked', storyboard, maxPromptChars: 300 },
      { logger: silentLogger(), decisions },
    );
    expect(out).not.toMatch(/bloody|knife|gun\b|killer|fight/i);
    expect(out).toMatch(/Wide shot of a crimson feather dance-off/);
    expect(out).toMatch(/Close-up shot/);
    expect(out).toContain(storyboard.styleBible.palette[0]);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(decisions.list[0]).toMatchObject({
      role: 'prompter',
      stage: 'generate',
      shotId: shot.id,
      model: 'heuristic',
    });
    expect(decisions.list[0]?.summary).toMatch(/softened: bloody, knife, fight, gun, killer/);
  });

  test('the LLM prompt engineer rewrites it; an unchanged prompt is sent back', async () => {
    fake.queue.push({ json: { prompt: refused } });
    fake.queue.push({ json: { prompt: 'Wide shot of two dancers circling on a rain-soaked rooftop.' } });
    const out = await crewFor('responses').revisePromptAfterRefusal(
      {
        shot,
        prompt: refused,
        error: 'Your request was rejected by the safety system',
        storyboard,
        maxPromptChars: 300,
      },
      ctxWith(),
    );
    expect(out).toBe('Wide shot of two dancers circling on a rain-soaked rooftop.');
    expect(lastUserText(fake.requests[1] as RecordedRequest)).toContain('unchanged');
    expect(JSON.parse(firstUserText(fake.requests[0] as RecordedRequest)).providerError).toMatch(
      /safety system/,
    );
  });
});

describe('LLM revisions after an evaluation', () => {
  test('regenerate revisions must name a known shot and carry a prompt; the valid answer is used', async () => {
    const input = planInput();
    const storyboard = heuristicStoryboard(input);
    const report = {
      version: 1 as const,
      videoPath: '/tmp/v.mp4',
      score: 0.5,
      passed: false,
      metrics: { cutsOnBeatShare: 0.4 },
      issues: [{ kind: 'frozen', message: 'frozen for 2 s', shotId: 's2', severity: 'warn' as const }],
      summary: 'cuts drift off the beat',
    };
    fake.queue.push({
      json: { revisions: [{ kind: 'regenerate', shotId: 's999', prompt: 'x', reason: 'frozen' }] },
    });
    fake.queue.push({
      json: {
        revisions: [
          {
            kind: 'regenerate',
            shotId: 's2',
            prompt: 'Ava spins under neon, constant motion',
            reason: 'frozen',
          },
          { kind: 'recut', shotId: null, prompt: null, reason: 'cuts off the beat' },
        ],
      },
    });
    const decisions = memoryDecisions();
    const out = await crewFor('chat').proposeRevisions(
      { report, storyboard, shots: storyboard.shots },
      ctxWith(decisions),
    );
    // The recut note names no timeline item: the shots to take again are what the crew's editor returns.
    expect(out).toEqual([
      {
        kind: 'regenerate',
        shotId: 's2',
        prompt: 'Ava spins under neon, constant motion',
        reason: 'frozen',
        estimatedUsd: 0,
      },
    ]);
    expect(lastUserText(fake.requests[1] as RecordedRequest)).toContain('known shotId');
    expect(JSON.parse(firstUserText(fake.requests[0] as RecordedRequest)).report.issues[0].shotId).toBe('s2');
    expect(decisions.list[0]).toMatchObject({ role: 'editor', stage: 'evaluate', model: 'gpt-4.1' });
  });
});
