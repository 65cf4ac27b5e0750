#!/usr/bin/env node
/**
 * Runs the Dockerfile's install steps outside a container (no Docker engine here): copies the build
 * context as .dockerignore filters it, runs the `deps` and `build` stages' commands (steps.mjs, which
 * check.mjs holds equal to the Dockerfile) with the project's pnpm, then starts the pruned /out the
 * way the runtime stage does: `--help`, `doctor`, and `serve --no-worker` answering /healthz and /readyz.
 * Usage: node scripts/with-toolchain.mjs node scripts/docker/dry-run.mjs [--keep]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STEPS, FETCH_STEPS, RUNTIME_PACKAGES } from './steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'bf-docker-'));
const ctx = join(work, 'src');
const out = join(work, 'out');
const keep = process.argv.includes('--keep');
const t0 = Date.now();
const say = (s) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);

/** .dockerignore patterns as regular expressions (the forms this repository's file uses). */
function ignoreMatchers() {
  return readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((p) => {
      const re = p
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\u0000/g, '(?:.*/)?');
      return new RegExp(`^${re}(?:/.*)?$`);
    });
}

function copyContext(only) {
  const ignored = ignoreMatchers();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const rel = relative(root, abs);
      if (ignored.some((re) => re.test(rel))) continue;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) walk(abs);
      else if (!only || only.includes(rel)) {
        mkdirSync(dirname(join(ctx, rel)), { recursive: true });
        cpSync(abs, join(ctx, rel));
      }
    }
  };
  walk(root);
}

function run(cmd) {
  const line = cmd.replace(/ \/out$/, ` ${out}`);
  say(`RUN ${line}`);
  execFileSync('bash', ['-c', line], { cwd: ctx, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
}

try {
  // Stage deps: the lockfile and manifests alone, then the fetch (the cached layer).
  mkdirSync(ctx, { recursive: true });
  copyContext(['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json']);
  for (const s of FETCH_STEPS) run(s);
  // Stage build: the whole context, offline install from the fetched store, build, pruned deploy.
  copyContext();
  for (const s of ['.env', '.toolchain', '.git'])
    if (existsSync(join(ctx, s))) throw new Error(`${s} entered the build context`);
  for (const s of BUILD_STEPS) run(s);

  // Stage runtime: what the image runs. Debian packages are the machine's here.
  const missing = RUNTIME_PACKAGES.filter(
    (p) =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout.indexOf('installed') <
      0,
  );
  if (missing.length) say(`note: this machine lacks ${missing.join(', ')} (the image installs them)`);
  const cli = join(out, 'dist', 'bin.js');
  if (!existsSync(cli)) throw new Error(`the deploy has no ${cli}`);
  if (existsSync(join(out, 'src'))) say('note: the deploy carries src/ as well');
  const data = join(work, 'data');
  const env = {
    ...process.env,
    BEATFRAME_DATA_DIR: data,
    BEATFRAME_BROWSER_EXECUTABLE: '/usr/bin/chromium',
    NODE_ENV: 'production',
  };
  const help = spawnSync(process.execPath, [cli, '--help'], { env, encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('worker')) throw new Error(`--help failed: ${help.stderr}`);
  say('ok: beatframe --help');
  const doctor = spawnSync(process.execPath, [cli, 'doctor', '--json'], { env, encoding: 'utf8', cwd: out });
  say(
    `doctor exited ${doctor.status}: ${doctor.stdout.split('\n').filter((l) => l.includes('"name"')).length} checks`,
  );
  if (doctor.status !== 0) process.stdout.write(doctor.stdout);

  // The API service's start command, on a free port; then its health endpoints.
  const server = spawn(
    process.execPath,
    [cli, 'serve', '--no-worker', '--host', '127.0.0.1', '--port', '0'],
    { env, cwd: out, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  server.stdout.on('data', (d) => (text += d));
  server.stderr.on('data', (d) => (text += d));
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 180_000);
    server.stdout.on('data', () => {
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
      if (m) {
        clearTimeout(t);
        resolve(m[0]);
      }
    });
    server.on('exit', (c) => reject(new Error(`serve exited ${c}: ${text}`)));
  });
  for (const path of ['/healthz', '/readyz']) {
    const res = await fetch(`${url}${path}`);
    say(`${path}: ${res.status} ${await res.text()}`);
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  }
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  say(`ok: the pruned install in ${out} serves; ${Math.round(du(out) / 1e6)} MB`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

function du(dir) {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0] ?? 0);
}
