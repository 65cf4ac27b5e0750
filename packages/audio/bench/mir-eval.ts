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

/** A song's beat and downbeat truth beside this package's estimate, as score.py reads a track. */
export function beatTrack(
  song: { name: string; beats: number[]; downbeats: number[] },
  ours: { beats: number[]; downbeats: number[] },
): Record<string, unknown> {
  return {
    name: song.name,
    refBeats: song.beats,
    beats: { ours: ours.beats },
    refDownbeats: song.downbeats,
    downbeats: ours.downbeats,
  };
}
