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

// Each emulator is slow enough (8 s a clip) that the kill lands while both shots are at the vendor.
const VENDORS: Record<string, () => Promise<Vendor>> = {
  comfyui: async () => {
    const emu = await startComfyUIEmulator({ latencyMs: 8000 });
    return {
      env: { COMFYUI_URL: emu.baseUrl },
      submissions: () => emu.stats.prompts,
      polls: () => emu.stats.statusReads,
      close: () => emu.close(),
    };
  },
  replicate: async () => {
    const emu = await startReplicateEmulator({ latencyMs: 8000 });
    return {
      env: { REPLICATE_API_TOKEN: emu.apiKey, REPLICATE_BASE_URL: emu.baseUrl },
      submissions: () => emu.stats.submissions,
      polls: () => emu.stats.gets,
      close: () => emu.close(),
    };
  },
  openrouter: async () => {
    const emu = await startOpenRouterEmulator({ latencyMs: 8000 });
    return {
      env: { OPENROUTER_API_KEY: emu.apiKey, OPENROUTER_BASE_URL: emu.baseUrl },
      submissions: () => emu.stats.submissions,
      polls: () => emu.stats.polls,
      close: () => emu.close(),
    };
  },
};

describe.each(Object.keys(VENDORS))('%s: a worker SIGKILLed mid-generation', (name) => {
  let dir: string;
  let vendor: Vendor;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `bf-${name}-crash-`));
    vendor = await VENDORS[name]!();
  });
  afterAll(async () => {
    await vendor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the same vendor jobs: one submission per shot, a delivered project', { timeout: 240_000 }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const dataDir = join(dir, 'data');
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...vendor.env },
      logger: silentLogger(),
      deps: testDeps({ shots: SHOTS, provider: getProvider(name, config) }),
    });
    const { id } = await bf.createProject({
      song: { path: song },
      options: { provider: name },
      approvedUsd: APPROVE_ANY,
    });
    await bf.close();
    const env = {
      BF_DATA_DIR: dataDir,
      BF_PROJECTS: id,
      BF_SHOTS: String(SHOTS),
      BF_PROVIDER: name,
      ...vendor.env,
    };

    const first = spawnWorker(env, CHILD);
    console.log('created', id);
    await first.ready;
    console.log('ready');
    // Both shots submitted and watched at least once (so their references are stored), none finished.
    await until(
      () => vendor.submissions() === SHOTS && vendor.polls() >= SHOTS,
      () => `${vendor.submissions()} submissions, ${vendor.polls()} polls; worker: ${first.output().slice(-1500)}`,
    );
    first.proc.kill('SIGKILL');
    await first.exited;

    console.log('killed', vendor.submissions(), vendor.polls());
    const second = spawnWorker(env, CHILD);
    setTimeout(() => console.log('second:', second.output().slice(-3000)), 60_000).unref();
    const code = await second.exited;
    expect(code, second.output()).toBe(0);
    expect(vendor.submissions()).toBe(SHOTS);

    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.query<{ status: string; error: string | null }>(
        'SELECT status, error FROM projects',
      );
      expect(rows[0]).toEqual({ status: 'done', error: null });
      const jobs = await database.db.select().from(providerJobs);
      expect(jobs).toHaveLength(SHOTS);
      expect(new Set(jobs.map((j) => j.jobId)).size).toBe(SHOTS);
    } finally {
      await database.close();
    }
  });
});
