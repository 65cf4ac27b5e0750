// Where the project's own Node and pnpm live, and the environment that puts them first on PATH.
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const NODE_VERSION = '24.21.0';
export const PNPM_VERSION = '10.34.8';

const TC = join(ROOT, '.toolchain', 'node_modules');

/** The Node binary the project runs on: .toolchain's when present, else this one. */
export function toolchainNode() {
  const bundled = join(TC, `node-${process.platform}-${process.arch}`, 'bin', 'node');
  return existsSync(bundled) ? bundled : process.execPath;
}

export function toolchainEnv(base = process.env) {
  const dirs = [join(TC, '.bin'), dirname(toolchainNode()), join(ROOT, 'node_modules', '.bin')];
  return {
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    ...base,
    PATH: [...dirs, base.PATH ?? ''].join(delimiter),
  };
}
