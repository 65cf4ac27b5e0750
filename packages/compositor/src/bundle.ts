import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

/** Source digest: the composition, core's schemas and the Remotion version; a change means a new bundle. */
export async function compositionDigest(): Promise<string> {
  const dir = compositionDir();
  const files = (await readdir(dir)).filter((f) => /\.(tsx?|css)$/.test(f)).sort();
  const parts: string[] = [];
  for (const f of files) parts.push(f, await readFile(join(dir, f), 'utf8'));
  const schemas = dirname(coreSchemasFile());
  for (const f of (await readdir(schemas)).filter((x) => x.endsWith('.js')).sort())
    parts.push(f, await readFile(join(schemas, f), 'utf8'));
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
  try {
    await rename(tmp, out);
  } catch (err) {
    // Another process finished the same bundle first: use theirs.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(out, 'index.html'))) throw err;
  }
  return out;
}
