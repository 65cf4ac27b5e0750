import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@beatframe/core';
import { createScratchDatabase, type Database, openDatabase, projects, stages } from '@beatframe/db';
import { describe, expect, it } from 'vitest';
import { checkBudgetAlerts, refundSpend, reserveSpend } from '../src/index.js';
import { RateLimiter } from '../src/rate.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
if (!TEST_DATABASE_URL) console.warn('TEST_DATABASE_URL is unset: the PostgreSQL budget tests are skipped');

async function withDatabases(fn: (db: Database) => Promise<void>) {
  return {
    async pglite() {
      const dir = mkdtempSync(join(tmpdir(), 'bf-bdb-'));
      const db = await openDatabase({ dataDir: dir });
      try {
        await fn(db);
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async postgres() {
      const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 12 });
      try {
        await fn(db);
      } finally {
        await db.close();
        await scratch.drop();
      }
    },
  };
}

async function scenario(database: Database) {
  await database.db.insert(projects).values([
    { id: 'a', name: 'a', input: {}, options: {}, maxUsd: 5 },
    { id: 'b', name: 'b', input: {}, options: {} },
  ]);
  await database.db.insert(stages).values({ projectId: 'a', name: 'generate' });
  // 20 submissions of $1 at once against a $5 project cap: exactly five get through.
  const a = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      reserveSpend(
        database,
        { dailyCapUsd: 8 },
        { projectId: 'a', shotId: `s${i}`, attempt: 1, provider: 'p', usd: 1 },
      ),
    ),
  );
  expect(a.filter((r) => r.ok).length).toBe(5);
  expect(a.find((r) => !r.ok)).toMatchObject({
    reason: expect.stringMatching(/project's cap of \$5\.00 is reached/),
  });
  // Another project shares the $8 daily cap: three more, then the cap.
  const b = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      reserveSpend(
        database,
        { dailyCapUsd: 8 },
        { projectId: 'b', shotId: `s${i}`, attempt: 1, provider: 'p', usd: 1 },
      ),
    ),
  );
  expect(b.filter((r) => r.ok).length).toBe(3);
  expect(b.find((r) => !r.ok)).toMatchObject({
    reason: expect.stringMatching(/daily cap of \$8\.00 is reached/),
  });
  // A refund (the submission never reached the provider) gives the money back to both caps.
  const booked = b.findIndex((r) => r.ok);
  await refundSpend(database, { projectId: 'b', shotId: `s${booked}`, attempt: 1, usd: 1 });
  const again = await reserveSpend(
    database,
    { dailyCapUsd: 8 },
    { projectId: 'b', shotId: 'x', attempt: 1, provider: 'p', usd: 1 },
  );
  expect(again.ok).toBe(true);
  const [row] = await database.query<{ spent_usd: number }>(`SELECT spent_usd FROM projects WHERE id = 'a'`);
  expect(Number(row?.spent_usd)).toBe(5);
  const [costCount] = await database.query<{ n: string }>('SELECT count(*)::text AS n FROM costs');
  expect(Number(costCount?.n)).toBe(8); // 5 + 3 booked, 1 refunded, 1 booked again
  // Alerts fire once per threshold and scope, even when asked twice at once.
  const sent = await Promise.all([
    checkBudgetAlerts(database, {}, silentLogger(), [
      { scope: 'project', key: 'a', projectId: 'a', spentUsd: 5, capUsd: 5 },
    ]),
    checkBudgetAlerts(database, {}, silentLogger(), [
      { scope: 'project', key: 'a', projectId: 'a', spentUsd: 5, capUsd: 5 },
    ]),
  ]);
  expect(
    sent
      .flat()
      .map((x) => x.threshold)
      .sort((x, y) => x - y),
  ).toEqual([80, 100]);
}

describe('budget bookings are atomic', () => {
  it('on PGlite', async () => (await withDatabases(scenario)).pglite());
  it.skipIf(!TEST_DATABASE_URL)('on PostgreSQL, with 20 concurrent connections racing', async () =>
    (await withDatabases(scenario)).postgres(),
  );
});

describe('requests per minute', () => {
  it('holds the next submission back until the window has room', async () => {
    const rate = new RateLimiter(300);
    const t0 = Date.now();
    await rate.take('p', 2, 0);
    await rate.take('p', 2, 0);
    await rate.take('p', 2, 0); // the third waits for the first to leave the window
    expect(Date.now() - t0).toBeGreaterThanOrEqual(295);
  });
});
