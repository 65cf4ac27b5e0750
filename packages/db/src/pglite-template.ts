import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@beatframe/core';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as schema from './schema.js';

/** The pid lock openDatabase writes into the folder before it opens it. */
export const LOCK_FILE = 'beatframe.lock';

/**
 * Where the template of a new embedded database is kept: BEATFRAME_DB_TEMPLATE_DIR, else
 * ~/.cache/beatframe/pglite; BEATFRAME_DB_TEMPLATE_DIR=off makes every new database run initdb itself.
 */
export function pgliteTemplateRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.BEATFRAME_DB_TEMPLATE_DIR;
  if (set === 'off') return undefined;
  return set || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'beatframe', 'pglite');
}

/** The template's name: PGlite's version and every migration's text, so a new schema gets a new template. */
function templateKey(migrationsFolder: string): string {
  const hash = createHash('sha256');
  // PGlite's own files: under pnpm the path names its version, and the WASM's size changes with any build.
  const wasm = createRequire(import.meta.url).resolve('@electric-sql/pglite/pglite.wasm');
  hash.update(wasm).update(String(statSync(wasm).size));
  for (const name of readdirSync(migrationsFolder).sort())
    if (name.endsWith('.sql')) hash.update(name).update(readFileSync(join(migrationsFolder, name)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Fills an empty folder with a copy of a freshly initialised, migrated embedded database. initdb inside
 * WebAssembly costs about 6 s of CPU (PGlite starts a second WASM instance for it) and every new data dir paid it;
 * a copy of the ~40 MB folder costs a fraction of a second. The template is made once per schema, in a private
 * folder renamed into place, so two processes making it at once never see a half-written one. Any failure leaves
 * the folder as it was: PGlite then runs initdb as before.
 */
export async function seedFromTemplate(
  dir: string,
  migrationsFolder: string,
  logger: Logger,
): Promise<boolean> {
  const root = pgliteTemplateRoot();
  // Only a folder with nothing but beatframe's lock file in it is new.
  const own = (name: string) => name !== LOCK_FILE;
  if (!root || readdirSync(dir).some(own)) return false;
  try {
    const template = join(root, templateKey(migrationsFolder));
    if (!existsSync(join(template, 'PG_VERSION'))) await makeTemplate(root, template, migrationsFolder);
    cpSync(template, dir, { recursive: true });
    logger.debug({ template }, 'embedded database copied from its template');
    return true;
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'no database template; initdb runs');
    for (const name of readdirSync(dir).filter(own))
      rmSync(join(dir, name), { recursive: true, force: true });
    return false;
  }
}

async function makeTemplate(root: string, template: string, migrationsFolder: string): Promise<void> {
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.making-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const pglite = await PGlite.create(tmp);
    try {
      await migrate(drizzle(pglite, { schema }), { migrationsFolder });
    } finally {
      await pglite.close();
    }
    try {
      renameSync(tmp, template);
    } catch (err) {
      // Another process finished first: its template serves.
      if (!existsSync(join(template, 'PG_VERSION'))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
