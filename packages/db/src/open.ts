import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Logger, silentLogger } from '@beatframe/core';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { LOCK_FILE, seedFromTemplate } from './pglite-template.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The drizzle database, the same type on both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface OpenDatabaseOptions {
  /** Folder for the embedded database (`<dataDir>/db`); used when no databaseUrl is given. */
  dataDir?: string;
  /** postgres://… switches to PostgreSQL (node-postgres). */
  databaseUrl?: string;
  logger?: Logger;
  /** Pool size on PostgreSQL. */
  maxConnections?: number;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw SQL (one statement with $n parameters, or several without) and returns the rows. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** LISTEN on a channel; the callback gets each NOTIFY payload. Returns the unlisten function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Runs `fn` while holding a lock named `key` that every process on this database honours: a PostgreSQL
   * advisory lock on a session of its own (several API servers or workers on one server), an in-process
   * queue on PGlite (one process owns an embedded database). For work that must not run twice at once,
   * such as buying a still.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** The embedded instance (kind 'pglite'), for adapters such as pg-boss's fromPglite. */
  pglite?: PGlite;
  /** The connection string (kind 'postgres'), for libraries that open their own pool. */
  databaseUrl?: string;
  close(): Promise<void>;
}

/** Where the committed drizzle-kit migrations live (beside src/ and dist/). */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

// Serialises migrations of several processes starting at once against one PostgreSQL.
const MIGRATION_LOCK = 7_224_061_113;

/** Opens (and migrates) the embedded PGlite database under dataDir, or PostgreSQL when databaseUrl is set. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const logger = opts.logger ?? silentLogger();
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.maxConnections ?? 10, logger);
  if (!opts.dataDir) throw new ConfigError('openDatabase needs a dataDir or a databaseUrl');
  return openPglite(opts.dataDir, logger);
}

async function openPostgres(url: string, max: number, logger: Logger): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'postgres pool connection error'));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(`cannot connect to DATABASE_URL: ${(err as Error).message}`, { cause: err });
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: pg.Client[] = [];
  return {
    db,
    kind: 'postgres',
    databaseUrl: url,
    async query<T>(text: string, values?: unknown[]) {
      const res = (await pool.query(text, values)) as unknown as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(res) ? res.flatMap((r) => r.rows) : res.rows) as T[];
    },
    async listen(channel, onPayload) {
      // LISTEN needs a session of its own, outside the pool.
      const c = new pg.Client({ connectionString: url });
      c.on('error', (err) => logger.warn({ err: err.message }, 'postgres listener error'));
      await c.connect();
      c.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
      });
      await c.query(`LISTEN "${channel.replace(/"/g, '')}"`);
      listeners.push(c);
      return async () => {
        const i = listeners.indexOf(c);
        if (i >= 0) listeners.splice(i, 1);
        await c.end().catch(() => {});
      };
    },
    async withLock(key, fn) {
      // A session-level lock must be taken and released on one connection: a client of its own.
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
        try {
          return await fn();
        } finally {
          await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {});
        }
      } finally {
        c.release();
      }
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}

/** Named locks within one process: each call waits for the one before it on the same key. */
function inProcessLocks(): Database['withLock'] {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    tails.set(key, run);
    try {
      return await run;
    } finally {
      if (tails.get(key) === run) tails.delete(key);
    }
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A pid lock file says who has it; a lock left by a dead process (a crash, SIGKILL) is taken over.
 */
function takePgliteLock(dir: string): () => void {
  const lock = join(dir, LOCK_FILE);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new ConfigError(
        `the embedded database in ${dir} is in use by process ${pid} (a running beatframe); stop it, or set DATABASE_URL to a PostgreSQL server to run several processes`,
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
}

async function openPglite(dataDir: string, logger: Logger): Promise<Database> {
  const dir = join(dataDir, 'db');
  mkdirSync(dir, { recursive: true });
  const release = takePgliteLock(dir);
  let pglite: PGlite;
  try {
    const seeded = await seedFromTemplate(dir, migrationsFolder, logger);
    pglite = await PGlite.create(dir).catch(async (err) => {
      if (!seeded) throw err;
      // A template this PGlite cannot read: start the folder over with initdb.
      logger.warn({ err: (err as Error).message }, 'the database template did not open; running initdb');
      for (const name of readdirSync(dir))
        if (name !== LOCK_FILE) rmSync(join(dir, name), { recursive: true });
      return PGlite.create(dir);
    });
    const db = drizzlePglite(pglite, { schema });
    await migratePglite(db, { migrationsFolder });
  } catch (err) {
    release();
    throw new ConfigError(`cannot open the embedded database in ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  logger.debug({ dir }, 'embedded database open');
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: 'pglite',
    withLock: inProcessLocks(),
    pglite,
    async query<T>(text: string, values?: unknown[]) {
      if (values?.length) return (await pglite.query(text, values)).rows as T[];
      const results = await pglite.exec(text);
      return results.flatMap((r) => r.rows) as T[];
    },
    async listen(channel, onPayload) {
      const unlisten = await pglite.listen(channel, onPayload);
      return async () => {
        if (!closed) await unlisten();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await pglite.close();
      release();
    },
  };
}
