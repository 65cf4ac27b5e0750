#!/usr/bin/env node
// Idempotent setup: brings Node 24 and pnpm into .toolchain/ when the system's are missing or too old,
// makes sure ffmpeg (with xfade/drawtext) and a Chromium exist, installs the workspace and builds it.
// Plain ES2020 on purpose: it must run on whatever Node the machine ships (20 here).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_VERSION, PNPM_VERSION, ROOT, toolchainEnv, toolchainNode } from './toolchain.mjs';

const quiet = process.argv.includes('--quiet');
const say = (msg) => {
  if (!quiet) process.stderr.write(`setup: ${msg}\n`);
};
const fail = (msg) => {
  process.stderr.write(`setup: error: ${msg}\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    cwd: ROOT,
    ...opts,
  });
  if (r.status !== 0) fail(`'${cmd} ${args.join(' ')}' exited with ${r.status ?? r.signal}`);
}

function has(cmd, args = ['-version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

// 1. Node and pnpm ---------------------------------------------------------------------------------
const tc = join(ROOT, '.toolchain');
const nodePkg = `node-${process.platform}-${process.arch}`;
const [maj, min] = process.versions.node.split('.').map(Number);
const systemNodeOk = maj > 22 || (maj === 22 && min >= 12);
const wanted = systemNodeOk ? [] : [`${nodePkg}@${NODE_VERSION}`];
const pnpmBin = join(tc, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const nodeBin = join(tc, 'node_modules', nodePkg, 'bin', 'node');
if (!existsSync(pnpmBin) || (!systemNodeOk && !existsSync(nodeBin))) {
  say(
    `installing ${[...wanted, `pnpm@${PNPM_VERSION}`].join(' and ')} into .toolchain/ (system Node is ${process.versions.node})`,
  );
  mkdirSync(tc, { recursive: true });
  if (!existsSync(join(tc, 'package.json'))) writeFileSync(join(tc, 'package.json'), '{"private":true}\n');
  run('npm', [
    'install',
    '--prefix',
    tc,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...wanted,
    `pnpm@${PNPM_VERSION}`,
  ]);
}
const node = toolchainNode();
const env = toolchainEnv();

// 2. System tools: ffmpeg with filters, Chromium ---------------------------------------------------
const aptAllowed =
  process.env.BEATFRAME_NO_APT !== '1' && process.getuid?.() === 0 && has('apt-get', ['--version']);
const missing = [];
const ffmpegOk = () => {
  if (!has('ffmpeg') || !has('ffprobe')) return false;
  const filters = spawnSync('ffmpeg', ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout || '';
  return /\bxfade\b/.test(filters) && /\bdrawtext\b/.test(filters);
};
if (!ffmpegOk()) missing.push('ffmpeg');
const userBrowser = process.env.BEATFRAME_BROWSER_EXECUTABLE;
if (userBrowser && !existsSync(userBrowser))
  fail(`BEATFRAME_BROWSER_EXECUTABLE points to ${userBrowser}, which does not exist`);
if (!userBrowser && !existsSync('/usr/bin/chromium') && !has('chromium', ['--version']))
  missing.push('chromium');
if (!has('fc-list', ['--version']) || !existsSync('/usr/share/fonts/truetype/dejavu'))
  missing.push('fonts-dejavu-core');
if (missing.length) {
  if (!aptAllowed) {
    fail(
      `missing system packages: ${missing.join(', ')}. Install them (Debian/Ubuntu: apt-get install ${missing.join(' ')}), ` +
        'or set BEATFRAME_BROWSER_EXECUTABLE to your own Chromium/Chrome.',
    );
  }
  say(`installing ${missing.join(', ')} with apt-get`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!ffmpegOk()) fail('ffmpeg is installed but lacks the xfade or drawtext filter');
}

// 3. Workspace install, skipped when nothing that affects it changed ---------------------------------
function manifestDigest() {
  const h = createHash('sha256');
  const add = (f) => existsSync(f) && h.update(f).update(readFileSync(f));
  add(join(ROOT, 'package.json'));
  add(join(ROOT, 'pnpm-lock.yaml'));
  add(join(ROOT, 'pnpm-workspace.yaml'));
  for (const group of ['packages', 'plugins', 'apps']) {
    const dir = join(ROOT, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) add(join(dir, name, 'package.json'));
  }
  h.update(node);
  return h.digest('hex');
}
const stamp = join(ROOT, 'node_modules', '.beatframe-install');
const digest = manifestDigest();
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  say('installing workspace dependencies with pnpm');
  const frozen = process.env.CI && existsSync(join(ROOT, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  run(node, [pnpmBin, 'install', '--reporter=append-only', ...frozen], { env });
  writeFileSync(stamp, manifestDigest());
}

// 4. Build (Turborepo caches unchanged packages) -----------------------------------------------------
say('building the workspace');
run(node, [pnpmBin, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], { env });
say(`ready (node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()})`);
