import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSong, SOUNDFONT, type SongSpec, type Truth } from '../bench/material.ts';

/** The MIDI-rendered fixtures need fluidsynth and the GM soundfont (test-only tools; Debian: fluidsynth fluid-soundfont-gm). */
export const HAS_FLUIDSYNTH =
  spawnSync('fluidsynth', ['--version'], { stdio: 'ignore' }).status === 0 && existsSync(SOUNDFONT);
if (!HAS_FLUIDSYNTH)
  console.warn(
    'fluidsynth or /usr/share/sounds/sf2/FluidR3_GM.sf2 is missing: the rendered-song tests are skipped',
  );

/** Rendered songs are cached by score digest across runs, so the suite stays fast. */
export const FIXTURE_DIR = join(tmpdir(), 'beatframe-audio-test-fixtures');

const band: Record<string, [number, number, number]> = {
  A: [0, 33, 26],
  B: [48, 34, 80],
  I: [4, 33, 73],
  O: [4, 33, 73],
};

export function shortSong(meter: '4/4' | '3/4' = '4/4', bpm = 120): { wav: string; truth: Truth } {
  const spec: SongSpec = {
    name: `test-${meter.replace('/', '-')}-${bpm}`,
    meter,
    bpmAt: () => bpm,
    sections: [
      { label: 'verse', group: 'A', bars: 4 },
      { label: 'chorus', group: 'B', bars: 4 },
      { label: 'verse', group: 'A', bars: 4 },
      { label: 'chorus', group: 'B', bars: 4 },
    ],
    drums: true,
    swing: 0,
    humanize: 0.005,
    seed: 42,
    instruments: band,
  };
  return renderSong(spec, FIXTURE_DIR);
}

/** Runs ffmpeg to make a small fixture (sine tones, silence, encodings). */
export function ffmpeg(args: string[]): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** F-measure of estimated vs reference event times within ±tol seconds (greedy one-to-one). */
export function fMeasure(ref: number[], est: number[], tol = 0.07): number {
  if (!ref.length || !est.length) return 0;
  const used = new Set<number>();
  let hits = 0;
  for (const r of ref) {
    let best = -1;
    for (let i = 0; i < est.length; i++)
      if (
        !used.has(i) &&
        Math.abs((est[i] as number) - r) <= tol &&
        (best < 0 || Math.abs((est[i] as number) - r) < Math.abs((est[best] as number) - r))
      )
        best = i;
    if (best >= 0) {
      used.add(best);
      hits++;
    }
  }
  const p = hits / est.length;
  const rc = hits / ref.length;
  return p + rc > 0 ? (2 * p * rc) / (p + rc) : 0;
}
