import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf, sha256, writeFileAtomic } from '@beatframe/core';
import type { SongTruth } from './arrange.js';
import { demoSong } from './demo.js';
import { lyricsLrc } from './lyrics.js';
import { renderSong } from './render.js';
import type { SongSpec } from './spec.js';
import { benchmarkSuite } from './suite.js';
import { writeWav } from './wav.js';

/** Bump on changes that matter to readers of truth files (their format). */
export const SYNTH_VERSION = 2;

let codeDigestCache: string | undefined;

/** Digest of this package's own code: any change to the synthesis re-renders cached songs. */
function codeDigest(): string {
  if (!codeDigestCache) {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
      .sort();
    codeDigestCache = sha256(files.map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`).join('\n'));
  }
  return codeDigestCache;
}

/** What `<name>.truth.json` holds: the truth plus what made it. */
export interface TruthFile extends SongTruth {
  specDigest: string;
  synthVersion: number;
  sampleRate: number;
  spec: SongSpec;
}

export interface WrittenSong {
  wavPath: string;
  lrcPath: string;
  truthPath: string;
  /** true when the files were already there for this spec and nothing was rendered. */
  skipped: boolean;
}

/**
 * Writes `<name>.wav`, `<name>.lrc` and `<name>.truth.json` into `dir`. Idempotent: when the truth file
 * already records the same digest (spec, sample rate and this package's code) and the other files exist,
 * nothing is rendered.
 */
export async function writeSongFiles(
  dir: string,
  name: string,
  spec: SongSpec,
  opts: { sampleRate?: number } = {},
): Promise<WrittenSong> {
  const sampleRate = opts.sampleRate ?? 44100;
  const wavPath = join(dir, `${name}.wav`);
  const lrcPath = join(dir, `${name}.lrc`);
  const truthPath = join(dir, `${name}.truth.json`);
  const specDigest = digestOf({ spec, sampleRate, synthVersion: SYNTH_VERSION, code: codeDigest() });
  if (existsSync(wavPath) && existsSync(lrcPath) && existsSync(truthPath)) {
    try {
      const old = JSON.parse(await readFile(truthPath, 'utf8')) as Partial<TruthFile>;
      if (old.specDigest === specDigest) return { wavPath, lrcPath, truthPath, skipped: true };
    } catch {
      // unreadable truth: render again
    }
  }
  const song = renderSong(spec, { sampleRate });
  await writeWav(wavPath, song);
  await writeFileAtomic(lrcPath, lyricsLrc(song.truth));
  const file: TruthFile = { ...song.truth, specDigest, synthVersion: SYNTH_VERSION, sampleRate, spec };
  // The truth file goes last: its digest marks the set as complete.
  await writeFileAtomic(truthPath, `${JSON.stringify(file, null, 1)}\n`);
  return { wavPath, lrcPath, truthPath, skipped: false };
}

/** Writes demo-song.wav, demo-song.lrc and demo-song.truth.json into `dir` (skips when up to date). */
export function writeDemoSong(dir: string, opts: { sampleRate?: number } = {}): Promise<WrittenSong> {
  return writeSongFiles(dir, 'demo-song', demoSong(), opts);
}

/** Writes every benchmark song (`<name>.wav` + `.truth.json` + `.lrc`) into `dir`. */
export async function writeBenchmarkSuite(
  dir: string,
  opts: { sampleRate?: number; only?: string[] } = {},
): Promise<Array<WrittenSong & { name: string }>> {
  const out: Array<WrittenSong & { name: string }> = [];
  for (const b of benchmarkSuite()) {
    if (opts.only && !opts.only.includes(b.name)) continue;
    out.push({ name: b.name, ...(await writeSongFiles(dir, b.name, b.spec, opts)) });
  }
  return out;
}
