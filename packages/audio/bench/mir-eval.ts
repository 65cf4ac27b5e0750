/** The benches' one way to score: bench/score.py (mir_eval) on the tracks, JSON in and out. */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'score.py');

/** One row a track, in the tracks' order (see score.py for the fields). */
export function mirEval<Row>(tracks: unknown[]): Row[] {
  return JSON.parse(
    execFileSync('/usr/bin/python3', [script], {
      input: JSON.stringify({ tracks }),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  ) as Row[];
}
