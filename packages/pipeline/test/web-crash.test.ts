import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, silentLogger } from '@beatframe/core';
import { openDatabase, providerJobs } from '@beatframe/db';
import { startWebVideoSite, type WebVideoSite } from '@beatframe/emulators';
import { getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBeatframe } from '../src/index.js';
import { makeSong, testDeps } from './support/deps.js';
import { spawnWorker } from './support/spawn.js';

const WEB_CHILD = fileURLToPath(new URL('./support/web-worker-child.ts', import.meta.url));

async function until(cond: () => boolean, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the web provider in a worker that is killed mid-generation', () => {
  let dir: string;
  let site: WebVideoSite;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-web-crash-'));
    // Long enough that the kill lands while the site is still generating.
    site = await startWebVideoSite({ latencyMs: 20_000 });
  });
  afterAll(async () => {
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the same site job after SIGKILL: one submission, one sign-in, a delivered project', async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const dataDir = join(dir, 'data');
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    // The account comes from the environment the service is given, never from the test runner's own.
    const account = { SORA_BASE_URL: site.baseUrl, SORA_EMAIL: site.email, SORA_PASSWORD: site.password };
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...account },
      logger: silentLogger(),
      deps: testDeps({ shots: 1, provider: getProvider('web', config) }),
    });
    const { id } = await bf.createProject({ song: { path: song }, options: { provider: 'web' } });
    await bf.close();
    const env = { BF_DATA_DIR: dataDir, BF_PROJECTS: id, BF_SHOTS: '1', ...account };

    const first = spawnWorker(env, WEB_CHILD);
    await first.ready;
    // Submitted and polled at least once (so its reference is stored), and not finished.
    await until(() => site.stats.submissions === 1 && site.stats.jobPageViews >= 1);
    const job = [...site.jobs.values()][0]!;
    expect(Date.now() - job.createdMs).toBeLessThan(20_000);
    first.proc.kill('SIGKILL');
    await first.exited;

    const second = spawnWorker(env, WEB_CHILD);
    const code = await second.exited;
    expect(code, second.output()).toBe(0);

    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.query<{ status: string; error: string | null }>(
        'SELECT status, error FROM projects',
      );
      expect(rows[0]).toEqual({ status: 'done', error: null });
      const jobs = await database.db.select().from(providerJobs);
      expect(jobs.map((j) => j.jobId)).toEqual([job.id]);
      const decisions = await database.query<{ summary: string }>(
        "SELECT summary FROM decisions WHERE role = 'web-step' ORDER BY id",
      );
      // Every step is in the audit trail; the password and the email never are.
      expect(decisions.some((d) => /signed in/.test(d.summary))).toBe(true);
      expect(decisions.some((d) => new RegExp(`job ${job.id} is done`).test(d.summary))).toBe(true);
      const all = JSON.stringify(await database.query('SELECT * FROM decisions'));
      expect(all).not.toContain(site.password);
      expect(all).not.toContain(site.email);
    } finally {
      await database.close();
    }
    // The same job was polled and downloaded, never submitted again; the saved session spared a second sign-in.
    expect(site.stats.submissions).toBe(1);
    expect(site.stats.logins).toBe(1);
    expect(site.stats.downloads).toBe(1);
    expect(statSync(join(dataDir, 'web', 'sessions', 'sora.json')).mode & 0o777).toBe(0o600);
  }, 600_000);
});
