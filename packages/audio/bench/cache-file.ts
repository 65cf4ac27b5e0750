/** Cached bench material written so that a render cut short is never taken for a finished one. */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Makes `out` once: `write` gets a temporary path with the same file name (tools pick their format from the
 * extension) in a `.part` folder beside it, and the file is renamed into place only when `write` returns
 * (true when `out` is there at the end).
 * A bench stopped mid-render, or two benches rendering the same song at once, used to leave a truncated
 * file that every later run read as done and failed on ("not decodable audio").
 */
export function cacheFile(out: string, write: (tmp: string) => unknown): boolean {
  if (existsSync(out)) return true;
  const parts = join(dirname(out), '.part');
  mkdirSync(parts, { recursive: true });
  const tmp = join(parts, `${process.pid}-${basename(out)}`);
  try {
    // `write` returns false when it cannot make the file (a tool missing): nothing is cached.
    if (write(tmp) === false) return false;
    renameSync(tmp, out);
    return true;
  } finally {
    rmSync(tmp, { force: true });
  }
}
