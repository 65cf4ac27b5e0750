/** The two peers the benchmark compares against: aubio's `aubio beat` and music-tempo (BeatRoot port). */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function aubioBeats(wav: string): number[] | undefined {
  try {
    const out = execFileSync('aubio', ['beat', wav], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('\n')
      .map((l) => Number.parseFloat(l))
      .filter((x) => Number.isFinite(x));
  } catch {
    return undefined;
  }
}

/** music-tempo wants 44.1 kHz mono float PCM (its hop and window are in samples at that rate). */
export function musicTempoBeats(pcm44k: Float32Array): { beats: number[]; seconds: number } {
  const MusicTempo = require('music-tempo') as new (data: Float32Array) => { beats: number[]; tempo: number };
  const t = performance.now();
  const mt = new MusicTempo(pcm44k);
  return { beats: mt.beats, seconds: (performance.now() - t) / 1000 };
}
