import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@beatframe/core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The composition's sources (TSX; Remotion's bundler compiles them), shipped beside dist/. */
export function compositionDir(): string {
  // From src/ (tests, tsx) and from dist/ (built) alike.
  return resolve(here, '..', 'src', 'remotion');
}

export function compositionEntry(): string {
  return join(compositionDir(), 'entry.tsx');
}

/** The browser build of core's schemas, which the composition imports. */
function coreSchemasFile(): string {
  return require.resolve('@beatframe/core/schemas');
}

/** Source digest: the composition, core's schemas, the timeline's effects and the Remotion version; a change means a new bundle. */
export async function compositionDigest(): Promise<string> {
  const dir = compositionDir();
  const files = (await readdir(dir)).filter((f) => /\.(tsx?|css)$/.test(f)).sort();
  const parts: string[] = [];
  for (const f of files) parts.push(f, await readFile(join(dir, f), 'utf8'));
  const schemas = dirname(coreSchemasFile());
  for (const f of (await readdir(schemas)).filter((x) => x.endsWith('.js')).sort())
    parts.push(f, await readFile(join(schemas, f), 'utf8'));
  // The composition draws with the timeline's effect math: its built file is bundled, so it is part of the digest.
  parts.push('effects', await readFile(require.resolve('@beatframe/timeline/effects'), 'utf8'));
  const remotionPkg = JSON.parse(await readFile(require.resolve('remotion/package.json'), 'utf8')) as {
    version: string;
  };
  parts.push(remotionPkg.version);
  return sha256(parts.join('\0')).slice(0, 16);
}

// Relative imports in the composition end in .js (NodeNext style); the bundler must find the .tsx.
// biome-ignore lint/suspicious/noExplicitAny: the bundler's config type is rspack's or webpack's.
export const resolveJsToTs = (config: any) => ({
  ...config,
  resolve: {
    ...config.resolve,
    extensionAlias: { '.js': ['.tsx', '.ts', '.js'] },
  },
});

const inflight = new Map<string, Promise<string>>();

/**
 * Bundles the composition once per source digest into `cacheDir/bundle-<digest>` and returns that folder
 * (a Remotion serve URL). Bundling takes seconds; a cached bundle is reused across renders and processes.
 */
export function bundleComposition(
  cacheDir: string,
  opts: { onProgress?: (fraction: number) => void } = {},
): Promise<string> {
  const key = resolve(cacheDir);
  let hit = inflight.get(key);
  if (!hit) {
    hit = doBundle(key, opts);
    inflight.set(key, hit);
    hit.catch(() => inflight.delete(key));
  }
  return hit;
}

async function doBundle(
  cacheDir: string,
  opts: { onProgress?: (fraction: number) => void },
): Promise<string> {
  const digest = await compositionDigest();
  const out = join(cacheDir, `bundle-${digest}`);
  if (existsSync(join(out, 'index.html'))) return out;
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  const shared = sharedBundleDir(digest);
  if (shared && existsSync(join(shared, 'index.html'))) {
    // The same sources bundled for another data dir: a copy takes a fraction of a second, bundling ~10 s.
    await cp(shared, tmp, { recursive: true, filter: (f) => !f.startsWith(join(shared, 'public', 'media')) });
    await mkdir(join(tmp, 'public', 'media'), { recursive: true });
    await settle(tmp, out);
    opts.onProgress?.(1);
    return out;
  }
  const { bundle } = await import('@remotion/bundler');
  const emptyPublic = join(cacheDir, 'empty-public');
  await mkdir(emptyPublic, { recursive: true });
  await bundle({
    entryPoint: compositionEntry(),
    outDir: tmp,
    rootDir: resolve(here, '..'),
    publicDir: emptyPublic,
    onProgress: (p: number) => opts.onProgress?.(p / 100),
    webpackOverride: resolveJsToTs,
    rspackOverride: resolveJsToTs,
    rspack: true,
    enableCaching: false,
  });
  await mkdir(join(tmp, 'public', 'media'), { recursive: true });
  if (shared) await keepShared(tmp, shared);
  await settle(tmp, out);
  return out;
}

/** Moves a finished bundle into place, or keeps the one another process finished first. */
async function settle(tmp: string, out: string): Promise<void> {
  try {
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(out, 'index.html'))) throw err;
  }
}

/**
 * Where bundles are shared between data dirs (every project of every data dir of this user):
 * BEATFRAME_BUNDLE_CACHE_DIR, else ~/.cache/beatframe/remotion; BEATFRAME_BUNDLE_CACHE_DIR=off turns it off.
 * A bundle depends only on the composition's sources, never on a project, so sharing it leaks nothing.
 */
export function sharedBundleDir(digest: string): string | undefined {
  const base = process.env.BEATFRAME_BUNDLE_CACHE_DIR;
  if (base === 'off') return undefined;
  const root = base || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'beatframe', 'remotion');
  return join(root, `bundle-${digest}`);
}

/** Best effort: a read-only home or a full disk only costs the next data dir a bundle. */
async function keepShared(bundle: string, shared: string): Promise<void> {
  const tmp = `${shared}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(shared), { recursive: true });
    await cp(bundle, tmp, { recursive: true });
    await settle(tmp, shared);
  } catch {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
