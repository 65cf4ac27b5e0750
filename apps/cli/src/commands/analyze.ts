import { basename, extname, join, resolve } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import { BeatframeError, cutGrid, InputError, userMessage, writeFileAtomic } from '@beatframe/core';
import type { Command } from 'commander';
import { createProgress } from '../progress.js';

/**
 * `beatframe analyze FILE... [--out DIR] [--explain]`: tempo, beats, downbeats, meter, sections and energy.
 * One file without --out prints the JSON; otherwise DIR/<name>.analysis.json per file (DIR defaults
 * to the current directory). A bad file is reported on its own line and the others still run.
 * --explain writes the analysis's decisions to stderr (the tempo with the rules that reached it, the
 * meter, the sections, and the grid the editor will cut on), so a wrong reading can be traced without
 * the JSON.
 */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('analyse songs: tempo, beats, downbeats, meter, sections, energy, key (JSON)')
    .argument('<files...>', 'audio files (mp3, wav, flac, m4a, ogg, opus, …)')
    .option('--out <dir>', 'write <dir>/<name>.analysis.json for each file')
    .option('--explain', 'print how the tempo, meter, sections and cut grid were decided (stderr)')
    .action(async (files: string[], opts: { out?: string; explain?: boolean }) => {
      const output = program.configureOutput();
      const writeOut = (s: string) => (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      const writeErr = (s: string) => (output.writeErr ? output.writeErr(s) : process.stderr.write(s));
      const toStdout = files.length === 1 && !opts.out;
      const outDir = resolve(opts.out ?? '.');
      const failures: unknown[] = [];
      for (const file of files) {
        const progress = createProgress(`analyze ${basename(file)}`);
        try {
          const t0 = performance.now();
          const why: string[] = [];
          const analysis = await analyzeAudio(file, {
            onProgress: (f) => progress.update(f),
            ...(opts.explain ? { decisions: { record: (d) => void why.push(d.summary) } } : {}),
          });
          progress.stop();
          // What the editor will cut on, given these readings and how sure they are.
          if (opts.explain) why.push(`cut grid: ${cutGrid(analysis).why}`);
          for (const line of why) writeErr(`${basename(file)}: ${line}\n`);
          // Indented, but number arrays (beats, curves) stay on one line each.
          const json = `${JSON.stringify(analysis, null, 2).replace(/\[[\d.,\s-]+\]/g, (m) => m.replace(/\s+/g, ''))}\n`;
          if (toStdout) writeOut(json);
          else {
            const dest = join(outDir, `${basename(file, extname(file))}.analysis.json`);
            await writeFileAtomic(dest, json);
            const secs = ((performance.now() - t0) / 1000).toFixed(2);
            writeErr(
              `${file}: ${analysis.bpm.toFixed(1)} bpm ${analysis.meter.beatsPerBar}/${analysis.meter.beatUnit}, ${analysis.beats.length} beats, ${analysis.sections.length} sections (${secs} s) → ${dest}\n`,
            );
          }
        } catch (err) {
          progress.stop();
          if (files.length === 1) throw err;
          failures.push(err);
          writeErr(`beatframe: ${userMessage(err)}\n`);
        }
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
