import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, silentLogger } from '@beatframe/core';
import { openDatabase, providerJobs } from '@beatframe/db';
import { startComfyUIEmulator, startOpenRouterEmulator, startReplicateEmulator } from '@beatframe/emulators';
import { getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { makeSong, testDeps } from './support/deps.js';
import { spawnWorker } from './support/spawn.js';

const CHILD = fileURLToPath(new URL('./support/vendor-worker-child.ts', import.meta.url));
const SHOTS = 2;

async function until(cond: () => boolean, why: () => string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${why()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One vendor: its emulator, the variables that point the plugin at it, and its submission and poll counts. */
interface Vendor {
  env: Record<string, string>;
  submissions(): number;
  polls(): number;
  close(): Promise<void>;
}

// Each emulator is slow enough (10 s a clip) that the kill lands while every shot is at its vendor.
const VENDORS: Record<string, () => Promise<Vendor>> = {
  comfyui: async () => {
    const emu = await startComfyUIEmulator({ latencyMs: 10_000 });
    return {
      env: { COMFYUI_URL: emu.baseUrl },
      submissions: () => emu.stats.prompts,
      polls: () => emu.stats.statusReads,
      close: () => emu.close(),
    };
  },
  replicate: async () => {
    const emu = await startReplicateEmulator({ latencyMs: 10_000 });
    return {
      env: { REPLICATE_API_TOKEN: emu.apiKey, REPLICATE_BASE_URL: emu.baseUrl },
      submissions: () => emu.stats.submissions,
      polls: () => emu.stats.gets,
      close: () => emu.close(),
    };
  },
  openrouter: async () => {
    const emu = await startOpenRouterEmulator({ latencyMs: 10_000 });
    return {
      env: { OPENROUTER_API_KEY: emu.apiKey, OPENROUTER_BASE_URL: emu.baseUrl },
      submissions: () => emu.stats.submissions,
      polls: () => emu.stats.polls,
      close: () => emu.close(),
    };
  },
};

describe('ComfyUI, Replicate and OpenRouter in a worker SIGKILLed mid-generation', () => {
  const names = Object.keys(VENDORS);
  let dir: string;
  const vendors: Record<string, Vendor> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-vendor-crash-'));
    for (const name of names) vendors[name] = await VENDORS[name]!();
  });
  afterAll(async () => {
    for (const v of Object.values(vendors)) await v.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the same vendor jobs: one submission per shot on each, every project delivered', {
    timeout: 300_000,
  }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const dataDir = join(dir, 'data');
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const vendorEnv = Object.assign({}, ...names.map((n) => vendors[n]!.env)) as Record<string, string>;
    const [first0, ...rest] = names.map((n) => getProvider(n, config));
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...vendorEnv },
      logger: silentLogger(),
      deps: testDeps({ shots: SHOTS, provider: first0!, others: rest }),
    });
    const ids: Record<string, string> = {};
    for (const name of names)
      ids[name] = (
        await bf.createProject({
          song: { path: song },
          options: { provider: name },
          approvedUsd: APPROVE_ANY,
        })
      ).id;
    await bf.close();
    const env = {
      BF_DATA_DIR: dataDir,
      BF_PROJECTS: Object.values(ids).join(','),
      BF_SHOTS: String(SHOTS),
      BF_PROVIDERS: names.join(','),
      ...vendorEnv,
    };
    const counts = () =>
      names.map((n) => `${n}: ${vendors[n]!.submissions()} sent, ${vendors[n]!.polls()} polls`).join('; ');

    const first = spawnWorker(env, CHILD);
    await first.ready;
    // Every shot submitted and looked at least once (so its reference is stored), none finished.
    await until(
      () => names.every((n) => vendors[n]!.submissions() === SHOTS && vendors[n]!.polls() >= SHOTS),
      () => `${counts()}; worker: ${first.output().slice(-1500)}`,
    );
    first.proc.kill('SIGKILL');
    await first.exited;

    const second = spawnWorker(env, CHILD);
    const code = await second.exited;
    expect(code, second.output()).toBe(0);
    for (const n of names) expect(vendors[n]!.submissions(), counts()).toBe(SHOTS);

    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.query<{ id: string; status: string; error: string | null }>(
        'SELECT id, status, error FROM projects',
      );
      for (const n of names)
        expect(
          rows.find((r) => r.id === ids[n]),
          n,
        ).toMatchObject({ status: 'done', error: null });
      const jobs = await database.db.select().from(providerJobs);
      expect(jobs).toHaveLength(SHOTS * names.length);
      expect(new Set(jobs.map((j) => j.jobId)).size).toBe(SHOTS * names.length);
    } finally {
      await database.close();
    }
  });
});
