#!/usr/bin/env node
// `npm test` after setup: lint and typecheck every package, build them, then every package's tests, three at a
// time (two cores), longest first, and a closing line that counts the tests across the workspace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './toolchain.mjs';

const RESULTS = join('.vitest', 'results.json');
const packages = ['packages', 'plugins', 'apps'].flatMap((group) => {
  const dir = join(ROOT, group);
  return existsSync(dir)
    ? readdirSync(dir)
        .map((name) => join(dir, name))
        .filter((pkg) => existsSync(join(pkg, 'package.json')))
    : [];
});
for (const pkg of packages) rmSync(join(pkg, RESULTS), { force: true });

const turbo = (args) =>
  spawnSync('pnpm', ['exec', 'turbo', 'run', ...args], { stdio: 'inherit', cwd: ROOT }).status ?? 1;
const checks = turbo(['lint', 'typecheck', '--concurrency=3', '--output-logs=errors-only']);
const built = turbo(['build', '--concurrency=3', '--output-logs=errors-only']);

// Longest suites first (wall seconds in a clean-clone CI run on 2 cores, 2026-12-02, turbo's order): the
// pipeline's suite (997 s) started 798 s in and ran alone for the last 208 s, ending the run at 1794 s of a
// 1800-s limit. Started first, it runs beside the others instead. Packages not named here follow, by name.
const LONGEST_FIRST = [
  'pipeline',
  'provider-web',
  'api',
  'cli',
  'web',
  'renderer-remotion',
  'evaluate',
  'crew',
  'ops',
  'renderer-chunked',
  'audio',
  'provider-openai-videos',
  'compositor',
  'timeline',
  'provider-local',
  'renderer-ffmpeg',
];
const rank = (pkg) => {
  const i = LONGEST_FIRST.indexOf(pkg.split('/').pop());
  return i < 0 ? LONGEST_FIRST.length : i;
};
const queue = packages
  .filter((pkg) => JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).scripts?.test)
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

/** One package's tests; its output is printed only when it fails (as turbo's errors-only did). */
function testPackage(pkg) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(
      'pnpm',
      ['run', 'test', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`],
      { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('close', (code) => {
      const name = pkg.slice(ROOT.length + 1);
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      if (code !== 0) process.stdout.write(`\n${Buffer.concat(chunks).toString()}\n`);
      process.stdout.write(`${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${secs} s)\n`);
      resolve(code ?? 1);
    });
  });
}

// Every package runs even when one fails, so the closing count covers the whole workspace.
let tests = built;
if (built === 0) {
  const lanes = Array.from({ length: 3 }, async () => {
    for (let pkg = queue.shift(); pkg; pkg = queue.shift()) if ((await testPackage(pkg)) !== 0) tests = 1;
  });
  await Promise.all(lanes);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  const file = join(pkg, RESULTS);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(checks || tests || (failed > 0 ? 1 : 0));
