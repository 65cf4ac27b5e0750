import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { test } from 'vitest';
import { measureClip } from '../src/clipCheck.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { heuristicStoryboard } from '../src/heuristic/planner.js';
import { llmCrew } from '../src/llm/llmCrew.js';
import { firstUserText, startFakeOpenAI } from '../test/fakeOpenAI.js';
import { POP_SONG, planInput, type SongShape } from '../test/fixtures.js';

function timeIt(runs: number, fn: () => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t0) / runs;
}

test('crew bench', async () => {
  const long: SongShape = {
    ...POP_SONG,
    sections: [...POP_SONG.sections, ...POP_SONG.sections, ...POP_SONG.sections],
  };
  const short = planInput();
  const big = planInput(long);
  const ms1 = timeIt(50, () => heuristicStoryboard(short));
  const ms2 = timeIt(10, () => heuristicStoryboard(big));
  const crew = heuristicCrew();
  const sb = heuristicStoryboard(big);
  const t0 = performance.now();
  const shots = await crew.writePrompts(sb, big, { logger: silentLogger() });
  const promptMs = performance.now() - t0;
  console.log(
    `heuristic plan, ${short.analysis.durationSec.toFixed(0)} s song: ${ms1.toFixed(2)} ms (${heuristicStoryboard(short).shots.length} shots)`,
  );
  console.log(
    `heuristic plan, ${big.analysis.durationSec.toFixed(0)} s song: ${ms2.toFixed(2)} ms (${sb.shots.length} shots); prompts: ${promptMs.toFixed(2)} ms (${shots.length})`,
  );

  // The LLM crew's own overhead (Agents SDK, schema validation, decisions) against a local server
  // that answers at once: what the crew adds on top of the model's latency.
  const fake = await startFakeOpenAI((req) => {
    const ask = JSON.parse(firstUserText(req));
    if (ask.shots && ask.styleLine)
      return {
        json: {
          prompts: ask.shots.map((s: { id: string }) => ({
            shotId: s.id,
            prompt: `shot ${s.id}. ${ask.styleLine}`,
          })),
        },
      };
    return {
      json: {
        brief: { title: 't', concept: 'c', arc: 'a', mood: 'm' },
        styleBible: {
          look: 'neon noir',
          palette: ['cobalt', 'magenta', 'amber'],
          characters: [],
          places: [],
          lens: '35mm',
          camera: 'dolly',
          motifs: [],
          avoid: [],
        },
        scenes: ask.scenes.map((s: { id: string }) => ({ id: s.id, description: 'scene', mood: 'm' })),
        shots: ask.shots.map((s: { id: string }) => ({
          id: s.id,
          description: 'shot',
          mood: 'm',
          camera: 'dolly',
        })),
      },
    };
  });
  try {
    for (const api of ['responses', 'chat'] as const) {
      const llm = llmCrew({
        env: { OPENAI_API_KEY: 'sk-test-crew-key-123', OPENAI_BASE_URL: fake.baseURL },
        settings: { api, maxRetries: 0 },
      });
      await llm.plan(short, { logger: silentLogger() }); // loads the SDK
      const t2 = performance.now();
      const board = await llm.plan(big, { logger: silentLogger() });
      const t3 = performance.now();
      await llm.writePrompts(board, big, { logger: silentLogger() });
      const t4 = performance.now();
      console.log(
        `LLM crew overhead (${api}, local server, ${board.shots.length} shots): plan ${(t3 - t2).toFixed(0)} ms, prompts ${(t4 - t3).toFixed(0)} ms`,
      );
    }
  } finally {
    await fake.close();
  }

  const dir = await mkdtemp(join(tmpdir(), 'crew-bench-'));
  try {
    for (const [w, h, sec] of [
      [1280, 720, 8],
      [1920, 1080, 12],
    ] as const) {
      const clip = join(dir, `clip-${h}.mp4`);
      await runFfmpeg([
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${w}x${h}:rate=30:duration=${sec}`,
        '-pix_fmt',
        'yuv420p',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        clip,
      ]);
      const t1 = performance.now();
      const m = await measureClip(clip);
      console.log(
        `measureClip ${w}x${h} ${sec} s: ${(performance.now() - t1).toFixed(0)} ms (${m.frames} frames sampled, motion ${m.motion.toFixed(3)})`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
