/** The two peers the benchmark compares against: aubio's `aubio beat` and music-tempo (BeatRoot port). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';

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

/** The peers' beats on one file and the seconds each took (aubio from the file, music-tempo after decoding). */
export interface PeerRun {
  aubio?: number[];
  aubioSec?: number;
  mt?: number[];
  mtSec?: number;
  /** True when read from the cache, not measured in this run. */
  cached?: boolean;
}

/**
 * Both peers on one file, measured once and kept beside it as `<audio>.peers.json` (the peers do not
 * change between runs; BENCH_FRESH=1 measures again). `extra` adds fields measured with them (the
 * corpus bench's Foote sections).
 */
export async function cachedPeers<Extra extends object = object>(
  audio: string,
  decode44k: (path: string) => Promise<Float32Array>,
  extra?: () => Promise<Extra>,
): Promise<PeerRun & Partial<Extra>> {
  const cacheFile = `${audio}.peers.json`;
  if (existsSync(cacheFile) && process.env.BENCH_FRESH !== '1')
    return { ...(JSON.parse(readFileSync(cacheFile, 'utf8')) as PeerRun & Partial<Extra>), cached: true };
  let t = performance.now();
  const aubio = aubioBeats(audio);
  const aubioSec = (performance.now() - t) / 1000;
  t = performance.now();
  let mt: number[] | undefined;
  try {
    mt = musicTempoBeats(await decode44k(audio)).beats;
  } catch {
    // music-tempo throws when it finds no onset peaks (a quiet, smooth tune): no beats.
    mt = [];
  }
  const mtSec = (performance.now() - t) / 1000;
  const run = { aubio, aubioSec, mt, mtSec, ...((await extra?.()) ?? {}) } as PeerRun & Partial<Extra>;
  writeFileSync(cacheFile, JSON.stringify({ ...run, load: loadavg()[0] }));
  return run;
}
