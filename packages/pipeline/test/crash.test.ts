import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { createScratchDatabase, openDatabase, providerJobs } from '@beatframe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type Emulator, startEmulator } from './support/emulator.js';
import { spawnWorker } from './support/spawn.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
if (!TEST_DATABASE_URL) console.warn('TEST_DATABASE_URL is unset: the two-worker PostgreSQL test is skipped');

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function queue(dataDir: string, song: string, n: number, databaseUrl?: string): Promise<string[]> {
  const config = loadConfig({
    env: { BEATFRAME_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    cwd: dataDir,
  });
  const bf = await createBeatframe({
    config,
    logger: silentLogger(),
    deps: testDeps({ provider: emulatedProvider('http://127.0.0.1:1') }),
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await bf.createProject({ song: { path: song }, options: { provider: 'emulated' } })).id);
  await bf.close();
  return ids;
}

describe('crash safety and several workers', () => {
  let dir: string;
  let song: string;
  let emu: Emulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-crash-'));
    song = await makeSong(join(dir, 'song.mp3'), 6);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a worker SIGKILLed during generation is restarted and finishes with one submission per shot attempt', async () => {
    emu = await startEmulator({ latencyMs: 1500 });
    try {
      const dataDir = join(dir, 'crash');
      const [id] = await queue(dataDir, song, 1);
      const env = {
        BF_DATA_DIR: dataDir,
        BF_EMU_URL: emu.url,
        BF_SHOTS: '4',
        BF_PROJECTS: id!,
        BF_CONCURRENCY: '2',
        BF_PROVIDER_CONCURRENCY: '2',
      };
      const first = spawnWorker(env);
      await first.ready;
      // Kill it while the first shots are at the provider: submitted and being polled, not finished.
      // (A kill between the provider's answer and the database write cannot be told from a lost
      // request by any client; a poll proves the job reference was stored first.)
      await until(() => emu.polled.size >= 2);
      first.proc.kill('SIGKILL');
      await first.exited;
      const before = new Map(emu.submissions);

      const second = spawnWorker(env);
      const code = await second.exited;
      expect(code, second.output()).toBe(0);

      const database = await openDatabase({ dataDir });
      try {
        const jobs = await database.db.select().from(providerJobs);
        const rows = await database.query<{ status: string; error: string | null }>(
          'SELECT status, error FROM projects',
        );
        expect(rows[0]).toEqual({ status: 'done', error: null });
        // Every shot was submitted exactly once per attempt, and the ones in flight at the kill were polled, not resubmitted.
        expect(jobs.length).toBe(4);
        expect(Object.fromEntries(emu.submissions)).toEqual({
          'shot-1': 1,
          'shot-2': 1,
          'shot-3': 1,
          'shot-4': 1,
        });
        for (const [shot, n] of before) expect(emu.submissions.get(shot)).toBe(n);
      } finally {
        await database.close();
      }
    } finally {
      await emu.close();
    }
  }, 300_000); // a SIGKILLed worker restarted on a loaded CI machine: 122 s seen with three suites at once

  it.skipIf(!TEST_DATABASE_URL)(
    'two workers on one PostgreSQL share the work and never generate a shot twice',
    async () => {
      emu = await startEmulator({ latencyMs: 400 });
      const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      try {
        const dataDir = join(dir, 'pg');
        const ids = await queue(dataDir, song, 2, scratch.url);
        const env = {
          BF_DATA_DIR: dataDir,
          BF_DATABASE_URL: scratch.url,
          BF_EMU_URL: emu.url,
          BF_SHOTS: '5',
          BF_PROJECTS: ids.join(','),
          BF_CONCURRENCY: '3',
          BF_PROVIDER_CONCURRENCY: '4',
        };
        const a = spawnWorker(env);
        const b = spawnWorker(env);
        const [ca, cb] = await Promise.all([a.exited, b.exited]);
        expect(ca, a.output()).toBe(0);
        expect(cb, b.output()).toBe(0);
        const database = await openDatabase({ databaseUrl: scratch.url });
        try {
          const rows = await database.query<{ status: string }>('SELECT status FROM projects');
          expect(rows.map((r) => r.status)).toEqual(['done', 'done']);
          const jobs = await database.db.select().from(providerJobs);
          expect(jobs.length).toBe(10);
          expect(new Set(jobs.map((j) => j.jobId)).size).toBe(10);
        } finally {
          await database.close();
        }
        // 10 shots, 10 submissions: none twice. Both workers submitted some.
        const ok = emu.posts.filter((p) => p.status === 200);
        expect(ok.length).toBe(10);
        expect(new Set(ok.map((p) => p.worker)).size).toBe(2);
        // The provider's limit (4 at once) held across both processes.
        expect(emu.maxInFlight).toBeLessThanOrEqual(4);
      } finally {
        await emu.close();
        await scratch.drop();
      }
    },
    180_000,
  );
});
