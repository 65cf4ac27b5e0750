import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  AudioAnalysis,
  BeatframeError,
  InputError,
  type Revision,
  Storyboard,
  Timeline,
  UsageError,
  userMessage,
} from '@beatframe/core';
import { type EvaluationThresholds, evaluateVideo, planRevisions } from '@beatframe/evaluate';
import type { Command } from 'commander';
import { createProgress } from '../progress.js';

interface EvaluateFlags {
  song: string;
  json?: boolean;
  out?: string;
  analysis?: string;
  storyboard?: string;
  timeline?: string;
  minScore?: string;
  minOnBeat?: string;
  maxBlack?: string;
  maxFrozen?: string;
  vision?: boolean;
  check?: boolean;
  plan?: boolean;
}

/** Reads a JSON file that must match a schema; any problem is a one-line InputError naming the file. */
interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: unknown };
}

async function readJson<T>(path: string, schema: Schema<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: no such ${what} file`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new InputError(`${path} is not a valid ${what}: ${userMessage(parsed.error)}`);
  return parsed.data;
}

function describeRevisions(revisions: Revision[], passed: boolean): string {
  if (!revisions.length) return passed ? 'Revisions: none, the video passed.\n' : 'Revisions: none found.\n';
  const lines = revisions.map((r) => {
    const what =
      r.kind === 'recut'
        ? `re-cut ${r.shotId ?? r.itemId}: start frame ${r.fromFrame} → ${r.toFrame}`
        : r.kind === 'transition'
          ? `transition into ${r.shotId ?? r.itemId}: ${r.transition.kind}`
          : `regenerate ${r.shotId}: "${r.prompt}"`;
    return `  - ${what} (${r.reason})\n`;
  });
  return `Revisions:\n${lines.join('')}`;
}

function fraction(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || x > 1)
    throw new UsageError(`${flag} must be a number from 0 to 1, got "${value}"`);
  return x;
}

/**
 * `beatframe evaluate VIDEO --song SONG [--json] [--out DIR]`: how well a video's picture fits its song,
 * measured on the file (any MP4, also ones beatframe did not make). Prints the summary (or the report
 * JSON with --json); --out writes report.json and plot.png.
 */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'measure how well a video fits its song: cuts on beats, motion vs energy, mood, black/frozen frames, audio sync',
    )
    .argument('<video>', 'the rendered video (any MP4 or other ffmpeg-readable file)')
    .requiredOption('--song <file>', 'the source song the video should carry')
    .option('--json', 'print the full report as JSON instead of the summary')
    .option('--out <dir>', 'write report.json and plot.png (energy vs motion, cuts on the beat grid) here')
    .option('--analysis <file>', 'a song analysis JSON (from `beatframe analyze`) instead of analysing again')
    .option('--storyboard <file>', 'storyboard JSON: names shots and gives the vision model their intent')
    .option('--timeline <file>', 'timeline JSON the video was rendered from: maps detected shots to shot ids')
    .option('--min-score <n>', 'score floor to pass, 0…1 (default 0.55)')
    .option('--min-on-beat <n>', 'minimum share of cuts on beats, 0…1 (default 0.6)')
    .option('--max-black <n>', 'largest share of black frames, 0…1 (default 0.05)')
    .option('--max-frozen <n>', 'largest share of frozen frames, 0…1 (default 0.05)')
    .option('--no-vision', 'do not ask a vision model even when OPENAI_API_KEY is set')
    .option('--check', 'exit with status 1 when the video is below the thresholds')
    .option('--plan', 'also print the revisions for the next round (needs --timeline and/or --storyboard)')
    .action(async (video: string, opts: EvaluateFlags) => {
      const output = program.configureOutput();
      const writeOut = (s: string) => (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      const writeErr = (s: string) => (output.writeErr ? output.writeErr(s) : process.stderr.write(s));
      const thresholds: Partial<EvaluationThresholds> = {};
      const minScore = fraction(opts.minScore, '--min-score');
      const minOnBeat = fraction(opts.minOnBeat, '--min-on-beat');
      const maxBlack = fraction(opts.maxBlack, '--max-black');
      const maxFrozen = fraction(opts.maxFrozen, '--max-frozen');
      if (minScore !== undefined) thresholds.minScore = minScore;
      if (minOnBeat !== undefined) thresholds.minOnBeatShare = minOnBeat;
      if (maxBlack !== undefined) thresholds.maxBlackShare = maxBlack;
      if (maxFrozen !== undefined) thresholds.maxFrozenShare = maxFrozen;
      const [analysis, storyboard, timeline] = await Promise.all([
        opts.analysis ? readJson(opts.analysis, AudioAnalysis, 'song analysis') : undefined,
        opts.storyboard ? readJson(opts.storyboard, Storyboard, 'storyboard') : undefined,
        opts.timeline ? readJson(opts.timeline, Timeline, 'timeline') : undefined,
      ]);
      if (opts.plan && !timeline && !storyboard)
        throw new UsageError(
          '--plan needs --timeline (re-cuts, transitions) and/or --storyboard (regenerations)',
        );
      const verbose = program.opts<{ verbose?: boolean }>().verbose;
      const decisionCtx = verbose
        ? {
            decisions: {
              record: (d: { role: string; summary: string }) =>
                void writeErr(`decision [${d.role}] ${d.summary}\n`),
            },
          }
        : {};
      const progress = createProgress('evaluate');
      let result: Awaited<ReturnType<typeof evaluateVideo>>;
      try {
        result = await evaluateVideo(
          video,
          {
            songPath: opts.song,
            ...(analysis ? { analysis } : {}),
            ...(storyboard ? { storyboard } : {}),
            ...(timeline ? { timeline } : {}),
            thresholds,
            ...(opts.vision === false ? { vision: false as const } : {}),
            ...(opts.out ? { outDir: resolve(opts.out) } : {}),
            onProgress: (f, label) => progress.update(f, label),
          },
          decisionCtx,
        );
      } finally {
        progress.stop();
      }
      const { report } = result;
      const revisions = opts.plan
        ? await planRevisions(
            report,
            {
              ...(storyboard ? { storyboard } : {}),
              ...(timeline ? { timeline } : {}),
              analysis: result.analysis,
              round: 0,
              maxRounds: 1,
            },
            decisionCtx,
          )
        : undefined;
      if (opts.json) writeOut(`${JSON.stringify(revisions ? { ...report, revisions } : report, null, 2)}\n`);
      else {
        writeOut(`${report.summary}\n`);
        if (revisions) writeOut(describeRevisions(revisions, report.passed));
      }
      if (opts.out) writeErr(`report: ${resolve(opts.out, 'report.json')}\nplot: ${report.plotPath}\n`);
      if (opts.check && !report.passed)
        throw new BeatframeError(`the video is below the thresholds (score ${report.score.toFixed(2)})`, {
          code: 'EVALUATION_FAILED',
          exitCode: 1,
        });
    });
}
