#!/usr/bin/env node
// Runs a command with the project's Node 24 and pnpm first on PATH: `node scripts/with-toolchain.mjs pnpm test`.
import { spawn } from 'node:child_process';
import { ROOT, toolchainEnv, toolchainNode } from './toolchain.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: node scripts/with-toolchain.mjs COMMAND [ARGS...]\n');
  process.exit(2);
}
const child = spawn(cmd === 'node' ? toolchainNode() : cmd, args, {
  stdio: 'inherit',
  env: toolchainEnv(),
  cwd: ROOT,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
