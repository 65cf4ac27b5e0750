import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type Database, openDatabase, projects, shots } from '../src/index.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
if (!TEST_DATABASE_URL)
  console.warn('TEST_DATABASE_URL is unset: the PostgreSQL half of the db tests is skipped');

async function roundTrip(database: Database) {
  const { db } = database;
  await db
    .insert(projects)
    .values({ id: 'p1', name: 'song', input: { source: { kind: 'file', path: '/a.mp3' } }, options: {} });
  await db.insert(shots).values({ projectId: 'p1', id: 's1', index: 0, shot: { id: 's1' }, prompt: 'a' });
  const [row] = await db.select().from(projects).where(eq(projects.id, 'p1'));
  expect(row?.status).toBe('queued');
  expect(row?.input).toEqual({ source: { kind: 'file', path: '/a.mp3' } });
  // The multi-statement path returns the rows of every statement.
  const rows = await database.query<{ n: number }>('SELECT 1 AS n; SELECT 2 AS n');
  expect(rows.map((r) => r.n)).toEqual([1, 2]);
  const got: string[] = [];
  const unlisten = await database.listen('bf_test', (p) => got.push(p));
  await database.query(`SELECT pg_notify('bf_test', $1)`, ['hello']);
  for (let i = 0; i < 50 && !got.length; i++) await new Promise((r) => setTimeout(r, 20));
  expect(got).toEqual(['hello']);
  await unlisten();
}

/**
 * Runs two holders of one key and one of another key at once, each holding its lock for 150 ms, and returns
 * when each entered and left: the same key must not overlap, another key must not wait.
 */
async function lockSpans(a: Database, b: Database) {
  const spans: Record<string, [number, number]> = {};
  const hold = (db: Database, key: string, who: string) =>
    db.withLock(key, async () => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 150));
      spans[who] = [start, Date.now()];
      return who;
    });
  const names = await Promise.all([
    hold(a, 'still:p1/s1', 'a'),
    hold(b, 'still:p1/s1', 'b'),
    hold(b, 'still:p1/s2', 'c'),
  ]);
  expect(names).toEqual(['a', 'b', 'c']);
  const [a0, a1] = spans.a!;
  const [b0, b1] = spans.b!;
  const [c0] = spans.c!;
  expect(b0 >= a1 || a0 >= b1).toBe(true); // one key: one holder at a time
  expect(c0).toBeLessThan(Math.max(a1, b1) - 100); // another key ran beside them
  // A holder that throws still releases the lock.
  await expect(a.withLock('still:p1/s1', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
    'boom',
  );
  expect(await b.withLock('still:p1/s1', async () => 'free')).toBe('free');
}

describe('openDatabase on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, stores rows, runs raw SQL and LISTEN/NOTIFY, and reopens with the data kept', async () => {
    const database = await openDatabase({ dataDir: dir });
    expect(database.kind).toBe('pglite');
    await roundTrip(database);
    await database.close();
    const again = await openDatabase({ dataDir: dir });
    const rows = await again.db.select().from(shots);
    expect(rows.map((r) => r.id)).toEqual(['s1']);
    await again.close();
  });

  it('serialises work under one lock name within the process that owns it', async () => {
    const database = await openDatabase({ dataDir: dir });
    try {
      await lockSpans(database, database);
    } finally {
      await database.close();
    }
  });

  it('refuses a second live process on the same folder, and takes over a dead one', async () => {
    const { writeFileSync } = await import('node:fs');
    const lock = join(dir, 'db', 'beatframe.lock');
    writeFileSync(lock, '1'); // pid 1 is alive and is not us
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process 1/);
    writeFileSync(lock, '999999999'); // no such process: a crashed worker's lock
    const database = await openDatabase({ dataDir: dir });
    await database.close();
  });
});

describe('a new embedded database from its template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-db-tpl-'));
  const before = process.env.BEATFRAME_DB_TEMPLATE_DIR;
  process.env.BEATFRAME_DB_TEMPLATE_DIR = join(dir, 'templates');
  afterAll(() => {
    if (before === undefined) delete process.env.BEATFRAME_DB_TEMPLATE_DIR;
    else process.env.BEATFRAME_DB_TEMPLATE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made once per schema, and each copy is a database of its own', async () => {
    const a = await openDatabase({ dataDir: join(dir, 'a') });
    await roundTrip(a);
    await a.close();
    const made = readdirSync(join(dir, 'templates'));
    expect(made).toHaveLength(1);
    // The second database starts from the same template, without the first one's rows.
    const b = await openDatabase({ dataDir: join(dir, 'b') });
    expect(await b.query('SELECT id FROM projects')).toEqual([]);
    await roundTrip(b);
    await b.close();
    expect(readdirSync(join(dir, 'templates'))).toEqual(made);
    expect(readdirSync(join(dir, 'templates', made[0]!)).some((f) => f.startsWith('beatframe'))).toBe(false);
  });

  it('falls back to initdb when the template cannot be opened', async () => {
    const [key] = readdirSync(join(dir, 'templates'));
    const template = join(dir, 'templates', key!);
    // A template from some other PostgreSQL: PGlite refuses it, the folder is started over.
    writeFileSync(join(template, 'PG_VERSION'), '9\n');
    const c = await openDatabase({ dataDir: join(dir, 'c') });
    await roundTrip(c);
    await c.close();
    expect(readFileSync(join(dir, 'c', 'db', 'PG_VERSION'), 'utf8').trim()).not.toBe('9');
  });
});

describe.skipIf(!TEST_DATABASE_URL)('openDatabase on PostgreSQL', () => {
  it('migrates a fresh database (twice at once), stores rows, raw SQL, LISTEN/NOTIFY', async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    try {
      // Two processes starting together must not both run the migrations.
      const [a, b] = await Promise.all([
        openDatabase({ databaseUrl: scratch.url }),
        openDatabase({ databaseUrl: scratch.url }),
      ]);
      expect(a.kind).toBe('postgres');
      await roundTrip(a);
      expect((await b.db.select().from(projects)).length).toBe(1);
      await a.close();
      await b.close();
    } finally {
      await scratch.drop();
    }
  });

  it('serialises work under one lock name across two processes on one server', async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    // Two Database objects with pools of their own: two API servers or workers.
    const a = await openDatabase({ databaseUrl: scratch.url });
    const b = await openDatabase({ databaseUrl: scratch.url });
    try {
      await lockSpans(a, b);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    await expect(openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(
      /cannot connect to DATABASE_URL/,
    );
  });
});
