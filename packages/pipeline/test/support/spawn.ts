import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// tsx as a loader inside this very process (not its CLI, which would put a second process between us
// and the worker): SIGKILL must hit the worker itself.
const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts a real worker process (see worker-child.ts). */
export function spawnWorker(env: Record<string, string>, child = script): Child {
  const proc = spawn(process.execPath, ['--conditions=@beatframe/source', '--import', 'tsx', child], {
    cwd: pkgDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', () => out.includes('ready') && resolve());
    proc.on('exit', (code) =>
      reject(new Error(`worker exited (${code}) before it was ready: ${out.slice(-2000)}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, ready, exited, output: () => out };
}
