import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Shot, silentLogger } from '@beatframe/core';
import { createLocalProvider } from '@beatframe/provider-local';
import { afterAll, expect, test } from 'vitest';
import { measureClip } from '../src/clipCheck.js';
import { memoryDecisions } from '../src/decisions.js';
import { heuristicCrew } from '../src/heuristic/crew.js';
import { clipRequestFor } from '../src/prompting.js';
import { POP_SONG, planInput } from './fixtures.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// The offline crew end to end with the offline provider: its prompts and music hints make clips
// whose motion follows the music, and its editor accepts them (no wasted regenerations).
test('heuristic crew + local provider: calm and loud shots come out calm and loud, and are accepted', async () => {
  dir = await mkdtemp(join(tmpdir(), 'crew-local-'));
  const provider = createLocalProvider({ workDir: join(dir, 'work') });
  const input = { ...planInput(POP_SONG, provider.capabilities), provider };
  const crew = heuristicCrew();
  const decisions = memoryDecisions();
  const ctx = { logger: silentLogger(), decisions };
  const storyboard = await crew.plan(input, ctx);
  const shots = await crew.writePrompts(storyboard, input, ctx);
  const calm = shots.reduce((a, b) => (b.energy < a.energy ? b : a));
  const loud = shots.reduce((a, b) => (b.energy > a.energy ? b : a));
  const motion: number[] = [];
  for (const shot of [calm, loud] as Shot[]) {
    const req = { ...clipRequestFor(shot, { ...storyboard, shots }, input), size: '320x180', seconds: 2 };
    const ref = await provider.submit(req, ctx);
    for (let i = 0; i < 600; i++) {
      const st = await provider.poll(ref, ctx);
      if (st.state === 'done') break;
      if (st.state === 'failed') throw new Error(st.error?.message);
      await new Promise((r) => setTimeout(r, 100));
    }
    const clip = await provider.download(ref, join(dir, `${shot.id}.mp4`), ctx);
    motion.push((await measureClip(clip.path)).motion);
    const review = await crew.review(
      {
        shot: { ...shot, clipSeconds: 2 },
        clip,
        storyboard,
        framePaths: [],
        attempt: 1,
        expected: { width: 320, height: 180, seconds: 2 },
      },
      ctx,
    );
    expect(review.action, review.reasons.join('; ')).toBe('accept');
  }
  expect(motion[1]).toBeGreaterThan((motion[0] ?? 0) * 2);
  const crewRoles = decisions.list
    .map((d) => d.role)
    .filter((r) => ['planner', 'prompter', 'editor'].includes(r));
  expect(crewRoles).toEqual(['planner', 'prompter', 'editor', 'editor']);
}, 120_000);
