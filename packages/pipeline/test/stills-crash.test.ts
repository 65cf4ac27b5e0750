import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, silentLogger } from '@beatframe/core';
import { openDatabase } from '@beatframe/db';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe, STORYBOARD_READY } from '../src/index.js';
import { keyframePath } from '../src/keyframes.js';
import { MARA, makeSong, testDeps } from './support/deps.js';
import { spawnWorker } from './support/spawn.js';

const CHILD = fileURLToPath(new URL('./support/stills-worker-child.ts', import.meta.url));
const SHOTS = 2;
/** Mara's reference still, then one keyframe per shot. */
const STILLS = 1 + SHOTS;

async function until(cond: () => boolean, why: () => string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${why()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The worker is SIGKILLed while the stills are being bought, with an approval that covers the stills exactly
// (the storyboard's first pause). A restarted worker buys only the stills it never received, books none twice,
// stays inside that approval and stops on the storyboard, before any video.
describe('a worker SIGKILLed during look development and keyframes (Gemini API emulator)', () => {
  let dir: string;
  let emu: VeoEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-stills-crash-'));
    emu = await startVeoEmulator({ latencyMs: 100, fps: 4 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pays each still once and stops on the storyboard', { timeout: 300_000 }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const dataDir = join(dir, 'data');
    const vendorEnv = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...vendorEnv },
      logger: silentLogger(),
      deps: testDeps({
        shots: SHOTS,
        provider: getProvider('veo', config),
        imageProvider: getImageProvider('veo', config),
        characters: [MARA],
      }),
    });
    // The stills' price with a cent to spare (a reference image adds a little to a keyframe's price).
    const { id } = await bf.createProject({
      song: { path: song },
      options: { provider: 'veo' },
      approvedUsd: Math.ceil(STILLS * 0.039 * 100) / 100,
    });
    await bf.close();
    const env = { BF_DATA_DIR: dataDir, BF_PROJECTS: id, BF_SHOTS: String(SHOTS), ...vendorEnv };

    const first = spawnWorker(env, CHILD);
    await first.ready;
    // Killed once Mara's still has been asked for and the first keyframe is on its way.
    await until(
      () => emu.imageBodies.length >= 2,
      () => `${emu.imageBodies.length} image requests; worker: ${first.output().slice(-1500)}`,
    );
    first.proc.kill('SIGKILL');
    await first.exited;
    const askedBeforeKill = emu.imageBodies.length;

    const second = spawnWorker(env, CHILD);
    const code = await second.exited;
    expect(code, second.output()).toBe(0);

    const database = await openDatabase({ dataDir });
    try {
      const [project] = await database.query<{ status: string; error: string | null }>(
        'SELECT status, error FROM projects WHERE id = $1',
        [id],
      );
      expect(project?.status).toBe('paused');
      expect(project?.error?.startsWith(STORYBOARD_READY), project?.error ?? '').toBe(true);
      // One booking per still, whatever the kill interrupted.
      const booked = await database.query<{ shot_id: string; n: string }>(
        `SELECT shot_id, count(*)::text AS n FROM costs WHERE project_id = $1 GROUP BY shot_id ORDER BY shot_id`,
        [id],
      );
      expect(booked.map((b) => [b.shot_id, Number(b.n)])).toEqual([
        ['character Mara', 1],
        ['keyframe shot-1', 1],
        ['keyframe shot-2', 1],
      ]);
      const jobs = await database.query<{ n: string }>('SELECT count(*)::text AS n FROM provider_jobs');
      expect(Number(jobs[0]?.n)).toBe(0);
    } finally {
      await database.close();
    }
    for (const shot of ['shot-1', 'shot-2'])
      expect(existsSync(keyframePath(join(dataDir, 'projects', id), shot))).toBe(true);
    // Stills that had arrived are never asked for again; the one the vendor was answering at the kill (a
    // synchronous API, no idempotency key) is the only one asked twice.
    expect(emu.imageBodies.length).toBeGreaterThanOrEqual(STILLS);
    expect(emu.imageBodies.length).toBeLessThanOrEqual(STILLS + 1);
    const textOf = (i: number) =>
      emu.imageBodies[i]!.body.contents.flatMap((c) => c.parts)
        .map((p) => p.text ?? '')
        .join(' ');
    const asked = emu.imageBodies.map((_, i) => textOf(i));
    for (const t of asked.slice(0, askedBeforeKill - 1)) expect(asked.filter((x) => x === t)).toHaveLength(1);
    expect(emu.bodies).toHaveLength(0);
  });
});
