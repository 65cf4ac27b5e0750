import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, silentLogger } from '@beatframe/core';
import { createScratchDatabase, openDatabase } from '@beatframe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type Emulator, startEmulator } from './support/emulator.js';
import { spawnWorker } from './support/spawn.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
if (!TEST_DATABASE_URL) console.warn('TEST_DATABASE_URL is unset: the graceful-stop tests are skipped');
const child = fileURLToPath(new URL('./support/graceful-child.ts', import.meta.url));

async function until(cond: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!TEST_DATABASE_URL)(
  'SIGTERM: a graceful stop hands unfinished work to another worker',
  () => {
    let dir: string;
    let song: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bf-sigterm-'));
      song = await makeSong(join(dir, 'song.mp3'), 6);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function scenario(
      name: string,
      emu: Emulator,
      first: Record<string, string>,
      whenToStop: (db: Awaited<ReturnType<typeof openDatabase>>, out: () => string) => Promise<boolean>,
    ) {
      const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      const dataDir = join(dir, name);
      const config = loadConfig({
        env: { BEATFRAME_DATA_DIR: dataDir, DATABASE_URL: scratch.url },
        cwd: dataDir,
      });
      const queuer = await createBeatframe({
        config,
        logger: silentLogger(),
        deps: testDeps({ provider: emulatedProvider(emu.url) }),
      });
      const { id } = await queuer.createProject({ song: { path: song }, options: { provider: 'emulated' } });
      await queuer.close();
      const env = {
        BF_DATA_DIR: dataDir,
        BF_DATABASE_URL: scratch.url,
        BF_EMU_URL: emu.url,
        BF_SHOTS: first.BF_SHOTS ?? '3',
        BF_PROJECTS: id,
        BF_CONCURRENCY: '3',
        BF_GRACE_MS: '300',
      };
      const db = await openDatabase({ databaseUrl: scratch.url });
      try {
        const a = spawnWorker({ ...env, ...first }, child);
        // The second worker does not pick up unfinished projects when it starts: only a hand-back gives it work.
        const b = spawnWorker({ ...env, BF_NO_RECOVER: '1', BF_START_ON_SIGNAL: '1' }, child);
        await a.ready;
        await until(() => whenToStop(db, a.output));
        await until(() => b.output().includes('loaded'));
        b.proc.kill('SIGUSR2');
        await b.ready;
        a.proc.kill('SIGTERM');
        expect(await a.exited, a.output()).toBe(0);
        expect(a.output()).toContain('handed back to the queue');
        expect(a.output()).toContain('stopped');
        expect(await b.exited, b.output()).toBe(0);
        if (process.env.BF_DEBUG_OUT)
          (await import('node:fs')).writeFileSync(
            `${process.env.BF_DEBUG_OUT}-${name}`,
            `${a.output()}\n-----\n${b.output()}`,
          );
        const [p] = await db.query<{ status: string; error: string | null }>(
          'SELECT status, error FROM projects',
        );
        expect(p).toEqual({ status: 'done', error: null });
        const [r] = await db.query<{ runs: number }>("SELECT runs FROM stages WHERE name = 'render'");
        return { renderRuns: Number(r?.runs ?? 0) };
      } finally {
        await db.close();
        await scratch.drop();
      }
    }

    it('during generation: the shots at the provider are polled by the second worker, never submitted twice', async () => {
      const emu = await startEmulator({ latencyMs: 4000 });
      try {
        await scenario('generate', emu, {}, async () => emu.polled.size >= 3);
        expect(Object.fromEntries(emu.submissions)).toEqual({ 'shot-1': 1, 'shot-2': 1, 'shot-3': 1 });
        // The second worker finished the jobs the first submitted: it polled them itself.
        expect(emu.posts.every((p) => p.status === 200)).toBe(true);
      } finally {
        await emu.close();
      }
    }, 180_000);

    it('during render: the render is aborted, queued again and completed by the second worker', async () => {
      const emu = await startEmulator({ latencyMs: 200 });
      try {
        let runs = 0;
        const { renderRuns } = await scenario(
          'render',
          emu,
          { BF_SLOW_RENDER_MS: '120000', BF_SHOTS: '1' },
          async (db, out) => {
            if (!out().includes('rendering')) return false;
            const [r] = await db.query<{ runs: number }>("SELECT runs FROM stages WHERE name = 'render'");
            runs = Number(r?.runs ?? 0);
            return true;
          },
        );
        expect(runs).toBe(1);
        // Once in the first worker (aborted), once more in the second.
        expect(renderRuns).toBe(2);
        expect(Object.values(Object.fromEntries(emu.submissions))).toEqual([1]);
      } finally {
        await emu.close();
      }
    }, 180_000);
  },
);
