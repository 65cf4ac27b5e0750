import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { validateAudio } from '@beatframe/audio';
import {
  BeatframeError,
  CrewMode,
  InputError,
  loadConfig,
  type Project,
  UsageError,
  VideoStyle,
  VisualizerKind,
} from '@beatframe/core';
import {
  APPROVE_ANY,
  type Beatframe,
  checkLyricsFile,
  LIMITS,
  maxSongSec,
  type ProjectDetail,
  type SongInput,
} from '@beatframe/pipeline';
import type { Command } from 'commander';
import { amountToApprove, estimateLines, noticeLines, printEstimateWhenPriced } from '../paid.js';
import { interruptSignal, openSession, usd, watchProgress, writers } from '../pipeline-session.js';
import { watchProfile } from '../profile.js';
import { shotOf, storyboardLines } from '../storyboard.js';
import { addWebFlags, applyWebFlags } from '../web-flags.js';
import { parseSongBpm } from './analyze.js';

interface MakeOptions {
  theme?: string;
  /** The song's tempo (`--bpm`), checked by parseSongBpm. */
  bpm?: string;
  lyrics?: string;
  aspect: string;
  resolution: string;
  out?: string;
  title?: string;
  artist?: string;
  provider?: string;
  model?: string;
  renderer?: string;
  crew?: string;
  visualizer?: string;
  style?: string;
  maxCost?: string;
  yes?: boolean;
  concurrency: string;
  headed?: boolean;
  trace?: boolean;
  ref?: string[];
  imageProvider?: string;
  keyframes?: boolean;
  profile?: boolean;
  preview?: boolean;
}

const REF_ROLES = ['character', 'style', 'location'];

/**
 * `--ref [ROLE=]IMAGE` (repeatable): your own reference images, the artist ("character"), a "style" or a
 * "location"; checked here so a typo fails before anything is created.
 */
export function parseRefs(values: string[] = []): Array<{ path: string; role?: string }> {
  return values.map((v) => {
    const m = /^([a-z]+)=(.+)$/.exec(v);
    const role = m && REF_ROLES.includes(m[1]!) ? m[1] : undefined;
    const path = resolve(role ? m![2]! : v);
    if (!existsSync(path)) throw new InputError(`reference image ${path} does not exist`);
    if (!/\.(png|jpe?g|webp)$/i.test(path))
      throw new InputError(`reference image ${path} must be a PNG, JPEG or WebP file`);
    return role ? { path, role } : { path };
  });
}

/** Shots generated at once by one process: more only queues more work on the same machine. */
const MAX_CONCURRENCY = 64;

const SUNO_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function songInput(song: string): SongInput {
  if (/^https?:\/\//i.test(song)) return { url: song };
  if (!existsSync(song) && SUNO_ID.test(song)) return { sunoId: song };
  return { path: resolve(song) };
}

function defaultOut(song: SongInput): string {
  const name =
    'path' in song
      ? basename(song.path, extname(song.path))
      : 'url' in song
        ? basename(new URL(song.url).pathname, extname(new URL(song.url).pathname)) || 'beatframe'
        : `suno-${song.sunoId.slice(0, 8)}`;
  return resolve(`${name || 'beatframe'}.mp4`);
}

export function parseMakeOptions(opts: MakeOptions) {
  if (!['16:9', '9:16', '1:1'].includes(opts.aspect))
    throw new UsageError(`--aspect must be 16:9, 9:16 or 1:1, not ${opts.aspect}`);
  if (!['720p', '1080p'].includes(opts.resolution))
    throw new UsageError(`--resolution must be 720p or 1080p, not ${opts.resolution}`);
  if (opts.crew && !CrewMode.safeParse(opts.crew).success)
    throw new UsageError(`--crew must be auto, llm or heuristic, not ${opts.crew}`);
  if (opts.visualizer && !VisualizerKind.safeParse(opts.visualizer).success)
    throw new UsageError(`--visualizer must be bars, wave, pulse or none, not ${opts.visualizer}`);
  if (opts.style && !VideoStyle.safeParse(opts.style).success)
    throw new UsageError(`--style must be video or lyric, not ${opts.style}`);
  const maxCost = opts.maxCost === undefined ? undefined : Number(opts.maxCost);
  if (maxCost !== undefined && !(Number.isFinite(maxCost) && maxCost >= 0 && maxCost <= LIMITS.maxUsd))
    throw new UsageError(
      `--max-cost must be an amount in USD from 0 to ${LIMITS.maxUsd}, not ${opts.maxCost}`,
    );
  const concurrency = Number(opts.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency > 0 && concurrency <= MAX_CONCURRENCY))
    throw new UsageError(
      `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${opts.concurrency}`,
    );
  if (opts.lyrics && !existsSync(resolve(opts.lyrics)))
    throw new InputError(`lyrics file ${resolve(opts.lyrics)} does not exist`);
  const bpm = parseSongBpm(opts.bpm);
  return { maxCost, concurrency, bpm };
}

async function askLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

async function ask(question: string): Promise<boolean> {
  return /^y(es)?$/i.test(await askLine(question));
}

/**
 * Runs one project in this process until it settles. A project waiting for cost approval is asked
 * about on a terminal; elsewhere (`--yes` missing, stdin not a TTY) it stops before spending.
 */
async function drive(
  bf: Beatframe,
  id: string,
  signal: AbortSignal,
  err: (s: string) => void,
): Promise<Project> {
  for (;;) {
    const project = await bf.waitFor(id, { signal });
    if (signal.aborted || project.status !== 'paused') return project;
    const detail = await bf.getProject(id);
    if (!detail.awaitingApproval) return project;
    if (detail.storyboard?.phase) {
      await approveStoryboard(bf, detail, err);
      continue;
    }
    // First approval: the estimate's upper bound; later ones: what the approved amount no longer covers.
    const need = amountToApprove(detail);
    const again = detail.costs.spentUsd > 0;
    if (!again) for (const line of estimateLines(detail)) err(line);
    else
      err(`the approved ${usd(detail.costs.approvedUsd ?? 0)} is used (${usd(detail.costs.spentUsd)} spent)`);
    if (!process.stdin.isTTY)
      throw new BeatframeError(
        again
          ? `stopped at the approved amount: run \`beatframe resume ${id} --max-cost ${need.toFixed(2)}\` to allow more`
          : `stopped before spending ${usd(detail.costs.estimateUsd)}: pass --yes to approve, or run \`beatframe resume ${id} --yes\``,
        { code: 'APPROVAL_NEEDED', exitCode: 2 },
      );
    if (!(await ask(`${again ? 'raise the approval to' : 'spend up to'} ${usd(need)}? [y/N] `)))
      throw new BeatframeError(
        `stopped before spending more; run \`beatframe resume ${id} --max-cost ${need.toFixed(2)}\` to go on later`,
        { code: 'APPROVAL_NEEDED', exitCode: 1 },
      );
    await bf.approveCost(id, need);
  }
}

/**
 * The storyboard pause: first (when the stills cost money and nothing is approved) the stills alone, then the
 * stills on a contact sheet with the video still to come, approved once. On a terminal a still can be re-rolled
 * ("r 3") before approving; elsewhere the way on is printed and the command stops (exit 2).
 */
async function approveStoryboard(bf: Beatframe, detail: ProjectDetail, err: (s: string) => void) {
  const id = detail.project.id;
  const sb = detail.storyboard!;
  for (const line of await storyboardLines(bf, detail)) err(line);
  if (!process.stdin.isTTY)
    throw new BeatframeError(
      sb.phase === 'stills'
        ? `stopped before spending ${usd(sb.stillsUsd)} on the storyboard's stills: run \`beatframe resume ${id} --max-cost ${sb.stillsUsd.toFixed(2)}\` to see them before the video, or \`beatframe resume ${id} --yes\` to approve everything`
        : `stopped on the storyboard: look at the contact sheet, then \`beatframe resume ${id} --yes\``,
      { code: 'APPROVAL_NEEDED', exitCode: 2 },
    );
  if (sb.phase === 'stills') {
    const need = detail.costs.spentUsd + sb.stillsUsd;
    if (!(await ask(`make the ${sb.stills.length} stills for ${usd(sb.stillsUsd)}? [y/N] `)))
      throw new BeatframeError(
        `stopped before the stills; run \`beatframe resume ${id} --max-cost ${need.toFixed(2)}\` to go on later`,
        { code: 'APPROVAL_NEEDED', exitCode: 1 },
      );
    await bf.approveCost(id, Math.ceil(need * 100 - 1e-6) / 100);
    return;
  }
  for (;;) {
    const answer = await askLine(
      `approve the storyboard and spend up to ${usd(amountToApprove(detail))}? [y/N, or r N to re-roll still N] `,
    );
    const reroll = /^r(?:e-?roll)?\s+(\S+)$/i.exec(answer);
    if (reroll) {
      const current = await bf.getProject(id);
      const r = await bf.rerollStill(id, shotOf(current, reroll[1]!));
      err(`re-rolled the still of ${r.shotId} (take ${r.take}, ${usd(r.usd)})`);
      for (const line of await storyboardLines(bf, await bf.getProject(id))) err(line);
      continue;
    }
    if (!/^y(es)?$/i.test(answer))
      throw new BeatframeError(
        `stopped on the storyboard; run \`beatframe resume ${id} --yes\` to approve it later`,
        { code: 'APPROVAL_NEEDED', exitCode: 1 },
      );
    await bf.approveCost(id);
    return;
  }
}

/** The song's length for the profile's per-second figure; none when the song never got read. */
async function songSeconds(bf: Beatframe, id: string): Promise<number | undefined> {
  const detail = await bf.getProject(id).catch(() => undefined);
  return detail?.song?.durationSec;
}

/** `beatframe make`: song in, music video out. */
export function register(program: Command): void {
  addWebFlags(program.command('make'))
    .description('turn a song (file, URL or Suno id) into a beat-synced music video')
    .argument('<song>', 'an audio file, an http(s) URL, or a Suno song id or link')
    .option('--theme <text>', 'what the video should be about')
    .option('--lyrics <file>', 'lyrics (.lrc, Suno aligned .json, or plain text)')
    .option('--aspect <ratio>', '16:9, 9:16 or 1:1', '16:9')
    .option('--resolution <res>', '720p or 1080p', '720p')
    .option('--out <file>', 'where to write the video (default: ./<song>.mp4)')
    .option('--title <text>', 'title for the title card')
    .option('--artist <text>', 'artist for the title card')
    .option('--provider <name>', 'video provider (see `beatframe providers`)')
    .option('--model <model>', "the provider's model")
    .option('--renderer <name>', 'remotion (default) or ffmpeg (fast)')
    .option('--crew <mode>', 'auto, llm or heuristic')
    .option('--visualizer <kind>', 'audio-reactive layer over the shots: bars, wave, pulse or none', 'none')
    .option(
      '--style <style>',
      'video (shots cut on the beat) or lyric (cover art or a scene behind large timed lyrics, bars, title)',
      'video',
    )
    .option('--bpm <n>', "the song's tempo, when you know it: the beats are tracked at it (30–300)")
    .option('--max-cost <usd>', 'stop (pause) generation when this project has spent this much')
    .option('--yes', "approve the estimate's upper bound (printed) without asking")
    .option('--concurrency <n>', 'shots generated at once by this process', '4')
    .option(
      '--ref <[role=]image>',
      'your own reference image (repeatable): role character (the artist), style or location',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option(
      '--image-provider <name>',
      "image model for reference stills and keyframes (default: the video provider's)",
    )
    .option('--no-keyframes', 'make every clip from text: no reference stills or keyframes')
    .option('--profile', 'print where the time went: each stage and the steps inside it')
    .option(
      '--preview',
      'a quick look: the same cut at half size by the fastest renderer (then `beatframe final <project>`)',
    )
    .action(async (song: string, opts: MakeOptions, cmd: Command) => {
      const { out, err } = writers(cmd);
      const { maxCost, concurrency, bpm } = parseMakeOptions(opts);
      applyWebFlags(opts);
      const input = songInput(song);
      if ('path' in input) {
        if (!existsSync(input.path)) throw new InputError(`song file ${input.path} does not exist`);
        // Refuse an unreadable, truncated or too long song before opening the database: nothing is created for it.
        await validateAudio(input.path, undefined, { maxDurationSec: maxSongSec(loadConfig()) });
      }
      if (opts.lyrics) await checkLyricsFile(resolve(opts.lyrics));
      const refs = parseRefs(opts.ref);
      const { bf, logFile } = await openSession();
      let id: string | undefined;
      const interrupt = interruptSignal(() =>
        id ? `interrupted: the project is kept; go on with \`beatframe resume ${id}\`` : 'interrupted',
      );
      try {
        const project = await bf.createProject({
          song: input,
          ...(opts.lyrics ? { lyricsPath: resolve(opts.lyrics) } : {}),
          ...(opts.title ? { title: opts.title } : {}),
          ...(opts.artist ? { artist: opts.artist } : {}),
          options: {
            ...(opts.theme ? { theme: opts.theme } : {}),
            aspect: opts.aspect as '16:9',
            resolution: opts.resolution as '720p',
            outPath: resolve(opts.out ?? defaultOut(input)),
            ...(opts.provider ? { provider: opts.provider } : {}),
            ...(opts.model ? { model: opts.model } : {}),
            ...(opts.renderer ? { renderer: opts.renderer } : {}),
            ...(opts.crew ? { crew: opts.crew as CrewMode } : {}),
            ...(opts.visualizer ? { visualizer: opts.visualizer as VisualizerKind } : {}),
            ...(opts.style ? { style: opts.style as VideoStyle } : {}),
            ...(refs.length ? { refs } : {}),
            ...(opts.imageProvider ? { imageProvider: opts.imageProvider } : {}),
            ...(opts.keyframes === false ? { keyframes: false } : {}),
            ...(opts.preview ? { preview: true } : {}),
            ...(bpm ? { bpm } : {}),
          },
          ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
          ...(opts.yes ? { approvedUsd: APPROVE_ANY } : {}),
        });
        id = project.id;
        err(`project ${id}${logFile ? ` (logs: ${logFile})` : ''}`);
        const stopEstimate = opts.yes ? printEstimateWhenPriced(bf, id, err) : () => {};
        const stopWatching = watchProgress(bf, [id], () => '');
        const profile = opts.profile ? watchProfile(bf, id) : undefined;
        const worker = await bf.startWorker({ concurrency, recover: false });
        let final: Project;
        try {
          final = await drive(bf, id, interrupt.signal, err);
        } finally {
          stopWatching();
          profile?.stop();
          if (profile) for (const line of profile.lines(await songSeconds(bf, id))) err(line);
          stopEstimate();
          await worker.stop();
        }
        if (interrupt.signal.aborted) {
          // Nothing works on it once this process ends: say so, `resume` goes on.
          await bf.interrupt(id);
          throw new BeatframeError('interrupted', { exitCode: 130 });
        }
        if (final.status === 'done') {
          const detail = await bf.getProject(id);
          const score = detail.evaluation ? `, coherence ${detail.evaluation.score.toFixed(2)}` : '';
          const bought =
            detail.costs.boughtSec != null
              ? `; bought ${detail.costs.boughtSec.toFixed(0)}s of video for ${detail.costs.usedSec?.toFixed(1)}s of song`
              : '';
          err(`done: spent ${usd(detail.costs.spentUsd)}${score}${bought}`);
          for (const line of noticeLines(detail)) err(line);
          out(`${final.outputPath}`);
          return;
        }
        const settled = await bf.getProject(id);
        for (const line of noticeLines(settled)) err(line);
        const shot = final.status === 'paused' ? settled.attention?.screenshot : undefined;
        if (final.status === 'paused')
          throw new BeatframeError(
            `paused: ${final.error}${shot ? ` (screenshot: ${shot})` : ''}; go on with \`beatframe resume ${id}\``,
            {
              code: 'PAUSED',
            },
          );
        // A song that cannot be read fails in ingest or analysis: that is bad input, and the project is of no use.
        const failedAt = final.stages.find((s) => s.status === 'failed')?.name;
        if (failedAt === 'ingest' || failedAt === 'analyze') {
          await bf.deleteProject(id);
          throw new InputError(
            (final.error ?? 'the song could not be read').replace(/^(ingest|analyze): /, ''),
          );
        }
        throw new BeatframeError(`failed: ${final.error}`);
      } finally {
        interrupt.dispose();
        await bf.close();
      }
    });
}
