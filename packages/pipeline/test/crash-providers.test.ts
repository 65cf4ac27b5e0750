import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { openDatabase, providerJobs } from '@beatframe/db';
import { startComfyUIEmulator, startOpenRouterEmulator, startReplicateEmulator } from '@beatframe/emulators';
import { getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe } from '../src/index.js';
import { makeSong, testDeps } from './support/deps.js';
import { spawnWorker } from './support/spawn.js';

/**
 * The real ComfyUI, Replicate and OpenRouter plugins in a real worker process, against their vendors' emulators:
 * the worker is SIGKILLed while its first shots are at the provider, and a new worker finishes the project by
 * polling those jobs, never submitting a shot a second time.
 */

interface Vendor {
  name: string;
  start(): Promise<{
    env: Record<string, string>;
    submissions(): number;
    ids(): string[];
    close(): Promise<void>;
  }>;
}

const VENDORS: Vendor[] = [
  {
    name: 'comfyui',
    async start() {
      const e = await startComfyUIEmulator({ latencyMs: 2500 });
      return {
        env: { COMFYUI_URL: e.baseUrl },
        submissions: () => e.stats.prompts,
        ids: () => e.accepted.map((a) => a.prompt_id),
        close: () => e.close(),
      };
    },
  },
  {
    name: 'replicate',
    async start() {
      const e = await startReplicateEmulator({ latencyMs: 2500, fps: 8 });
      return {
        env: { REPLICATE_API_TOKEN: e.apiKey, REPLICATE_BASE_URL: e.baseUrl },
        submissions: () => e.stats.submissions,
        ids: () => e.inputs.map((_, i) => String(i)),
        close: () => e.close(),
      };
    },
  },
  {
    name: 'openrouter',
    async start() {
      const e = await startOpenRouterEmulator({ latencyMs: 2500, fps: 8 });
      return {
        env: { OPENROUTER_API_KEY: e.apiKey, OPENROUTER_BASE_URL: e.baseUrl },
        submissions: () => e.stats.submissions,
        ids: () => e.requests.map((_, i) => String(i)),
        close: () => e.close(),
      };
    },
  },
];

async function until(cond: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('crash safety with the ComfyUI, Replicate and OpenRouter plugins', () => {
  let dir: string;
  let song: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-crash-providers-'));
    song = await makeSong(join(dir, 'song.mp3'), 6);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const vendor of VENDORS)
    it(`${vendor.name}: a worker SIGKILLed mid-generation is restarted and submits no shot twice`, async () => {
      const emu = await vendor.start();
      const saved = { ...process.env };
      try {
        Object.assign(process.env, emu.env);
        const dataDir = join(dir, vendor.name);
        const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
        const provider = getProvider(vendor.name, config);
        const bf = await createBeatframe({ config, logger: silentLogger(), deps: testDeps({ provider }) });
        const { id } = await bf.createProject({
          song: { path: song },
          options: { provider: vendor.name },
          approvedUsd: 100,
        });
        await bf.close();
        const env = {
          ...emu.env,
          BF_DATA_DIR: dataDir,
          BF_PROVIDER: vendor.name,
          BF_SHOTS: '3',
          BF_PROJECTS: id,
          BF_CONCURRENCY: '2',
          BF_LOG_LEVEL: 'info',
        };
        const first = spawnWorker(env);
        await first.ready;
        // Killed once two shots are submitted and their references stored (the engine logs "submitted" after
        // the database write), while the provider is still making them.
        await until(() => (first.output().match(/"msg":"submitted"/g) ?? []).length >= 2);
        first.proc.kill('SIGKILL');
        await first.exited;
        const before = emu.submissions();
        expect(before).toBe(2);

        const second = spawnWorker({ ...env, BF_LOG_LEVEL: 'warn' });
        const code = await second.exited;
        expect(code, second.output()).toBe(0);
        const database = await openDatabase({ dataDir });
        try {
          const rows = await database.query<{ status: string; error: string | null }>(
            'SELECT status, error FROM projects',
          );
          expect(rows[0]).toEqual({ status: 'done', error: null });
          const jobs = await database.db.select().from(providerJobs);
          expect(jobs.map((j) => j.shotId).sort()).toEqual(['shot-1', 'shot-2', 'shot-3']);
        } finally {
          await database.close();
        }
        // One queued prompt / prediction / job per shot: the two in flight at the kill were polled, not resent.
        expect(emu.submissions()).toBe(3);
        expect(new Set(emu.ids()).size).toBe(3);
      } finally {
        process.env = saved;
        await emu.close();
      }
    }, 240_000);
});
