import { basename, extname, join, resolve } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import {
  BeatframeError,
  cutGrid,
  GIVEN_BPM_RANGE,
  InputError,
  isGivenBpm,
  mapLimit,
  UsageError,
  userMessage,
  writeFileAtomic,
} from '@beatframe/core';
import type { Command } from 'commander';
import { createProgress } from '../progress.js';

/**
 * `beatframe analyze FILE... [--out DIR] [--explain] [--bpm N]`: tempo, beats, downbeats, meter, sections and energy.
 * One file without --out prints the JSON; otherwise DIR/<name>.analysis.json per file (DIR defaults
 * to the current directory). A bad file is reported on its own line and the others still run.
 * --explain writes the analysis's decisions to stderr (the tempo with the rules that reached it, the
 * meter, the sections, and the grid the editor will cut on), so a wrong reading can be traced without
 * the JSON. --bpm N tracks the beats at a tempo the user knows (the analysis's own level choice is skipped).
 */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('analyse songs: tempo, beats, downbeats, meter, sections, energy, key (JSON)')
    .argument('<files...>', 'audio files (mp3, wav, flac, m4a, ogg, opus, …)')
    .option('--out <dir>', 'write <dir>/<name>.analysis.json for each file')
    .option('--explain', 'print how the tempo, meter, sections and cut grid were decided (stderr)')
    .option('--bpm <n>', "the song's tempo, when you know it: the beats are tracked at it (30–300)")
    .action(async (files: string[], opts: { out?: string; explain?: boolean; bpm?: string }) => {
      const bpm = parseSongBpm(opts.bpm);
      const output = program.configureOutput();
      const writeOut = (s: string) => (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      const writeErr = (s: string) => (output.writeErr ? output.writeErr(s) : process.stderr.write(s));
      const toStdout = files.length === 1 && !opts.out;
      const outDir = resolve(opts.out ?? '.');
      const failures: unknown[] = [];
      /** Analyses one file and writes (or prints) its JSON; returns the line that reports it. */
      const analyzeOne = async (
        file: string,
        onProgress: (f: number) => void,
      ): Promise<string | undefined> => {
        const t0 = performance.now();
        const why: string[] = [];
        const analysis = await analyzeAudio(file, {
          onProgress,
          ...(bpm ? { bpm } : {}),
          ...(opts.explain ? { decisions: { record: (d) => void why.push(d.summary) } } : {}),
        });
        // What the editor will cut on, given these readings and how sure they are.
        if (opts.explain) why.push(`cut grid: ${cutGrid(analysis).why}`);
        for (const line of why) writeErr(`${basename(file)}: ${line}\n`);
        // Indented, but number arrays (beats, curves) stay on one line each.
        const json = `${JSON.stringify(analysis, null, 2).replace(/\[[\d.,\s-]+\]/g, (m) => m.replace(/\s+/g, ''))}\n`;
        if (toStdout) {
          writeOut(json);
          return undefined;
        }
        const dest = join(outDir, `${basename(file, extname(file))}.analysis.json`);
        await writeFileAtomic(dest, json);
        const secs = ((performance.now() - t0) / 1000).toFixed(2);
        return `${file}: ${analysis.bpm.toFixed(1)} bpm ${analysis.meter.beatsPerBar}/${analysis.meter.beatUnit}, ${analysis.beats.length} beats, ${analysis.sections.length} sections (${secs} s) → ${dest}\n`;
      };
      if (files.length === 1) {
        const file = files[0] as string;
        const progress = createProgress(`analyze ${basename(file)}`);
        try {
          const line = await analyzeOne(file, (f) => progress.update(f));
          progress.stop();
          if (line) writeErr(line);
        } catch (err) {
          progress.stop();
          throw err;
        }
      } else {
        // Two files at a time: ffmpeg takes ~0.15 s to start and decodes in its own process, so while one
        // file waits for its decoder the other is analysed (22 songs of 1.5–3 min: 8.2 → 6.9 s).
        const progress = createProgress(`analyze ${files.length} files`);
        // On a terminal the bar owns the last line and prints ours above it; otherwise lines go as before.
        const say = (line: string) => (process.stderr.isTTY ? progress.log(line) : writeErr(`${line}\n`));
        const share = new Map<number, number>();
        const report = () =>
          progress.update([...share.values()].reduce((sum, f) => sum + f, 0) / files.length);
        // Each file's failure is reported and counted; it never stops the others.
        await mapLimit(files, 2, async (file, i) => {
          share.set(i, 0);
          try {
            const line = await analyzeOne(file, (f) => {
              share.set(i, f);
              report();
            });
            if (line) say(line.trimEnd());
          } catch (err) {
            failures.push(err);
            say(`beatframe: ${userMessage(err)}`);
          }
          share.set(i, 1);
          report();
        });
        progress.stop();
      }
      if (failures.length) {
        const msg = `${failures.length} of ${files.length} files could not be analysed`;
        // Bad input is exit 2; anything else that failed while working is exit 1.
        throw failures.every((e) => e instanceof InputError)
          ? new InputError(msg)
          : new BeatframeError(msg, { exitCode: 1 });
      }
    });
}

/** `--bpm` of `analyze` and `make`: the song's tempo as a listener taps it, checked before any work. */
export function parseSongBpm(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bpm = Number(value);
  if (value.trim() !== '' && isGivenBpm(bpm)) return bpm;
  const [lo, hi] = GIVEN_BPM_RANGE;
  throw new UsageError(`--bpm must be the song's tempo, ${lo}–${hi} BPM, not ${value}`);
}
