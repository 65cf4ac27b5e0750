#!/usr/bin/env node
// `npm test` after setup: lint and typecheck every package, then every package's tests, three at a time
// (two cores), and a closing line that counts the tests across the workspace.
import { spawnSync } from 'node:child_process';
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
const tests = turbo([
  'test',
  '--concurrency=3',
  // Run every package's tests even when one fails, so the closing count covers the whole workspace.
  '--continue',
  '--output-logs=errors-only',
  '--',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${RESULTS}`,
]);

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
