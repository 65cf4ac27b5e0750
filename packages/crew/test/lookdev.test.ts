import { type Decision, silentLogger } from '@beatframe/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { sheetText } from '../src/index.js';
import { llmCrew } from '../src/llm/llmCrew.js';
import { sheetProblems } from '../src/lookdev.js';
import { type FakeOpenAI, firstUserText, startFakeOpenAI } from './fakeOpenAI.js';
import { POP_SONG, planInput } from './fixtures.js';

const KEY = 'sk-test-crew-key-123';
const ctx = (decisions = memoryDecisions()) => ({
  logger: silentLogger(),
  decisions,
  env: { OPENAI_API_KEY: KEY },
});

describe('look development: character sheets in every prompt that shows the character', () => {
  const themes = [
    'a young woman walking home through a rainy city at night',
    'a dancer in a neon room',
    'a lonely astronaut drifting in space',
    'a skateboarder on a desert highway at sunset',
    'a singer on a rooftop in the snow',
  ];
  for (const theme of themes) {
    test(theme, async () => {
      const input = planInput(
        POP_SONG,
        { maxPromptChars: 1000 },
        { song: { styleTags: [] }, options: { theme } },
      );
      const crew = heuristicCrew();
      const board = await crew.plan(input, ctx());
      const person = board.styleBible.characters.find((c) => c.sheet);
      expect(person, 'a person gets a sheet').toBeDefined();
      expect(sheetProblems(person!.sheet!)).toEqual([]);
      const sheet = sheetText(person!);
      const shots = await crew.writePrompts(board, input, ctx());
      const showing = shots.filter((s) =>
        s.description.toLowerCase().includes(person!.description.toLowerCase()),
      );
      expect(showing.length).toBeGreaterThan(0);
      for (const s of showing) {
        expect(s.prompt, s.id).toContain(sheet);
        expect(s.prompt!.length).toBeLessThanOrEqual(1000);
      }
      // The same theme always gives the same person.
      const again = await crew.plan(input, ctx());
      expect(sheetText(again.styleBible.characters.find((c) => c.sheet)!)).toBe(sheet);
    });
  }

  test('a thing (a paper boat) gets no sheet and no invented face', async () => {
    const input = planInput(
      POP_SONG,
      {},
      { song: { styleTags: [] }, options: { theme: 'a paper boat drifting through a rainy city' } },
    );
    const board = await heuristicCrew().plan(input, ctx());
    expect(board.styleBible.characters.every((c) => !c.sheet)).toBe(true);
  });
});

describe('an LLM that answers schema-valid but arbitrary character sheets', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());

  test('placeholders are replaced, vague fields repaired, a sound sheet kept; prompts carry them verbatim', async () => {
    const good = {
      age: 'about 34',
      face: 'narrow face, amber eyes, a chipped front tooth',
      hair: 'grey buzz cut with a thin part shaved in',
      build: 'stocky',
      wardrobe: 'an olive field jacket over a white vest, black cargo trousers',
      colours: ['olive', 'white', 'black'],
      props: ['a dented thermos'],
    };
    fake.queue.push((req) => {
      const ask = JSON.parse(firstUserText(req)) as {
        scenes: Array<{ id: string }>;
        shots: Array<{ id: string }>;
      };
      return {
        json: {
          brief: { title: 'T', concept: 'c', arc: 'a', mood: 'm' },
          styleBible: {
            look: 'grainy 16mm',
            palette: ['olive', 'rust', 'cream'],
            characters: [
              {
                name: 'Ava',
                description: 'a courier woman',
                sheet: {
                  age: 'string',
                  face: 'string',
                  hair: '',
                  build: 'n/a',
                  wardrobe: '?',
                  colours: [],
                  props: ['string'],
                },
              },
              {
                name: 'Jo',
                description: 'an old drummer',
                sheet: { ...good, face: 'nice', colours: ['x'] },
              },
              { name: 'Max', description: 'a night runner', sheet: good },
              { name: 'the van', description: 'a rusty van', sheet: null },
            ],
            places: [{ name: 'yard', description: 'a rail yard' }],
            lens: '28mm',
            camera: 'handheld',
            motifs: [],
            avoid: [],
          },
          scenes: ask.scenes.map((s) => ({ id: s.id, description: 'd', mood: 'm' })),
          shots: ask.shots.map((s, i) => ({
            id: s.id,
            description: [
              'Ava rides through the yard',
              'an old drummer plays',
              'a night runner waits',
              'the rusty van',
            ][i % 4],
            mood: 'm',
            camera: 'c',
          })),
        },
      };
    });
    fake.fallback = (req) => {
      const ask = JSON.parse(firstUserText(req)) as { shots: Array<{ id: string; description: string }> };
      return {
        json: {
          prompts: ask.shots.map((s) => ({
            shotId: s.id,
            prompt: `${s.description}, grainy 16mm, olive light.`,
          })),
        },
      };
    };
    const crew = llmCrew({
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.baseURL },
      config: { crew: { models: {}, api: 'responses', tracing: false } },
      logger: silentLogger(),
      settings: { maxRetries: 0, timeoutMs: 10_000 },
    });
    const input = planInput(POP_SONG, { maxPromptChars: 1200 });
    const decisions = memoryDecisions();
    const board = await crew.plan(input, ctx(decisions));
    const [ava, jo, max, van] = board.styleBible.characters;
    expect(sheetProblems(ava!.sheet!)).toEqual([]);
    expect(ava!.sheet!.age).not.toBe('string');
    expect(jo!.sheet!.age).toBe('about 34'); // kept
    expect(jo!.sheet!.face).not.toBe('nice'); // repaired
    expect(max!.sheet).toEqual(good);
    expect(van!.sheet).toBeUndefined();
    const notes = (decisions.list as Decision[]).filter((d) => d.role === 'lookdev');
    expect(notes.map((d) => d.summary).join('\n')).toMatch(/Ava replaced[\s\S]*Jo repaired: face, colours/);

    const shots = await crew.writePrompts(board, input, ctx());
    for (const s of shots) {
      const who = [ava!, jo!, max!].find(
        (c) => s.description.includes(c.name) || s.description.includes(c.description),
      );
      if (who) expect(s.prompt).toContain(sheetText(who));
      else expect(s.prompt).not.toContain('years old');
    }
  });
});
