/** The evaluation of a rendered video. Over 400 lines because evaluateVideo is one measurement pass (sync, cuts, motion, audio, captions) whose components share the decoded frames and the song's analysis. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import {
  type AudioAnalysis,
  cutGrid,
  type DetectedCut,
  type EvaluationIssue,
  EvaluationReport,
  InputError,
  type PluginContext,
  type ShotMeasure,
  type Song,
  type Storyboard,
  type Timeline,
  writeFileAtomic,
} from '@beatframe/core';
import { type AudioAlignment, alignAudio, fallbackAnalysis } from './audio.js';
import { beatSyncScore, nearestBeatDelta, onBeatChance, onBeatShare, onBeatWindow } from './beats.js';
import { type CutDetectionOptions, detectCuts } from './cuts.js';
import { decodeAudio, decodeVideo } from './decode.js';
import { type IntegrityOptions, measureIntegrity } from './integrity.js';
import {
  measureShots,
  moodEnergyCorrelation,
  motionPerFrame,
  motionVsEnergy,
  shotLengthCv,
} from './measure.js';
import { renderPlot } from './plot.js';
import {
  COMPONENT_WEIGHTS,
  combineScore,
  DEFAULT_THRESHOLDS,
  type EvaluationThresholds,
  varietyScore,
} from './score.js';
import { std } from './stats.js';
import { summarize } from './summary.js';
import { judgeShotsWithVision, type VisionOptions, visionConfigured } from './vision.js';

export interface EvaluateOptions {
  /** The source song the video should carry. */
  songPath: string;
  /** A ready analysis of the song (beats, sections, energy); skips analysing it again. */
  analysis?: AudioAnalysis;
  /**
   * Analyses the song when no analysis is given: default @beatframe/audio's analyzeAudio; 'fallback' uses
   * the simple built-in beat grid (faster, steady tempo only).
   */
  analyze?: ((songPath: string, opts: { signal?: AbortSignal }) => Promise<AudioAnalysis>) | 'fallback';
  /** Song metadata (lyrics) for the vision model. */
  song?: Song;
  /** Lets shots be named (shot ids) and judged against their scene's mood and the style bible. */
  storyboard?: Storyboard;
  /** The timeline the video was rendered from: maps detected shots to shot ids. */
  timeline?: Timeline;
  thresholds?: Partial<EvaluationThresholds>;
  /** Vision model settings; `false` forces the heuristic mood proxy. Default: used when OPENAI_API_KEY is set. */
  vision?: VisionOptions | false;
  /** Writes report.json and plot.png here. */
  outDir?: string;
  /** Iteration round (0 = first render), recorded in the report. */
  round?: number;
  /** On-beat window, seconds; default max(50 ms, one frame). */
  onBeatWindowSec?: number;
  cutDetection?: CutDetectionOptions;
  integrity?: IntegrityOptions;
  /** Largest audio offset searched for, seconds (default 2). */
  maxAlignSec?: number;
  onProgress?(fraction: number, label: string): void;
}

export interface EvaluationResult {
  report: EvaluationReport;
  analysis: AudioAnalysis;
}

/**
 * Measures how well a rendered video fits its song, on the file itself: any MP4, also one beatframe did
 * not make. Returns the core EvaluationReport (and the song analysis it used); with `outDir`, writes
 * report.json and plot.png there.
 */
export async function evaluateVideo(
  videoPath: string,
  opts: EvaluateOptions,
  ctx: Partial<PluginContext> = {},
): Promise<EvaluationResult> {
  const signal = ctx.signal;
  const progress = opts.onProgress ?? (() => {});
  const thresholds = { ...DEFAULT_THRESHOLDS, ...(opts.thresholds ?? {}) };
  const sigOpt = signal ? { signal } : {};

  for (const [path, what] of [
    [videoPath, 'video'],
    [opts.songPath, 'song'],
  ] as const) {
    const st = await stat(path).catch(() => undefined);
    if (!st) throw new InputError(`${path}: no such file (the ${what})`, { code: 'NOT_FOUND' });
    if (!st.isFile()) throw new InputError(`${path} is not a file (the ${what})`, { code: 'NOT_FILE' });
  }
  progress(0, 'decoding');
  const analyseSong = async (
    songAudio: NonNullable<Awaited<ReturnType<typeof decodeAudio>>>,
  ): Promise<{ analysis: AudioAnalysis; analysisSource: 'audio' | 'given' | 'fallback' }> => {
    if (opts.analysis) return { analysis: opts.analysis, analysisSource: 'given' };
    if (opts.analyze === 'fallback')
      return { analysis: fallbackAnalysis(songAudio), analysisSource: 'fallback' };
    const analyze =
      opts.analyze ??
      ((path: string, o: { signal?: AbortSignal }) =>
        analyzeAudio(path, { ...o, ...(opts.song?.lyrics ? { lyrics: opts.song.lyrics } : {}) }));
    try {
      return { analysis: await analyze(opts.songPath, sigOpt), analysisSource: 'audio' };
    } catch (err) {
      if (signal?.aborted || (err as { code?: string }).code === 'ABORTED') throw err;
      // The evaluation is still worth having on a song the analyser refuses (too long, odd format).
      ctx.logger?.warn({ err: (err as Error).message }, 'song analysis failed; using the fallback');
      return { analysis: fallbackAnalysis(songAudio), analysisSource: 'fallback' };
    }
  };
  // The song's analysis and both audio decodes run while the video decodes.
  const audioWork = (async () => {
    const [songAudio, videoAudio] = await Promise.all([
      decodeAudio(opts.songPath, sigOpt),
      decodeAudio(videoPath, sigOpt),
    ]);
    if (!songAudio) throw new InputError(`${opts.songPath} has no audio stream`);
    const song = await analyseSong(songAudio);
    return { songAudio, videoAudio, ...song };
  })();
  // Whichever fails first decides the error; the other is awaited so no work is left dangling.
  const [videoResult, audioResult] = await Promise.allSettled([
    decodeVideo(videoPath, {
      ...sigOpt,
      // Decoding is most of an evaluation's time: its progress keeps the bar moving.
      onProgress: (f) => progress(0.55 * f, 'decoding'),
    }),
    audioWork,
  ]);
  if (videoResult.status === 'rejected') throw videoResult.reason;
  if (audioResult.status === 'rejected') throw audioResult.reason;
  const video = videoResult.value;
  const { songAudio, videoAudio, analysis, analysisSource } = audioResult.value;
  progress(0.55, 'measuring');

  const issues: EvaluationIssue[] = [];
  const metrics: Record<string, number> = {};
  const components: Record<string, number> = {};

  // Audio: the video's sound against the song.
  let alignment: AudioAlignment | undefined;
  let offset = 0;
  const videoDuration = video.frames.length / video.fps;
  if (!videoAudio) {
    issues.push({ kind: 'no-audio', severity: 'error', message: 'the video has no audio stream' });
  } else {
    alignment = alignAudio(songAudio, videoAudio, opts.maxAlignSec ?? 2);
    metrics.audioDurationDiffSec = round3(videoAudio.durationSec - songAudio.durationSec);
    metrics.audioMatch = round3(alignment.confidence);
    const matches = alignment.confidence >= 0.3;
    if (matches) {
      offset = alignment.offsetSec;
      metrics.audioOffsetSec = round3(offset);
    } else {
      issues.push({
        kind: 'audio-mismatch',
        severity: 'error',
        message: `the video's audio does not match the song (match ${alignment.confidence.toFixed(2)})`,
      });
    }
    const absOff = Math.abs(offset);
    if (matches && absOff > thresholds.maxAudioOffsetSec)
      issues.push({
        kind: 'audio-offset',
        severity: 'error',
        message: `the video's audio is ${offset > 0 ? 'late' : 'early'} by ${(absOff * 1000).toFixed(0)} ms against the song`,
      });
    const durDiff = videoAudio.durationSec - songAudio.durationSec;
    if (Math.abs(durDiff) > thresholds.maxDurationDiffSec)
      issues.push({
        kind: 'duration-mismatch',
        severity: 'error',
        message: `the video's audio is ${Math.abs(durDiff).toFixed(2)} s ${durDiff < 0 ? 'shorter' : 'longer'} than the song`,
      });
    components.audio = matches
      ? Math.max(0, 1 - absOff / 0.25) * Math.max(0, 1 - Math.max(0, Math.abs(durDiff) - 0.1) / 5)
      : 0;
  }
  metrics.videoDurationSec = round3(videoDuration);

  progress(0.6, 'finding cuts');
  const cuts = detectCuts(video, opts.cutDetection);
  // Scored against the grid the editor was given (cutGrid): the beats, the points two tempo readings
  // share, or the music's changes when the song has no steady beat.
  const grid = cutGrid(analysis);
  const beats = grid.points.map((b) => round4(b + offset)).filter((b) => b >= 0 && b <= videoDuration + 0.5);
  const window = onBeatWindow(video.fps, opts.onBeatWindowSec);
  for (const c of cuts) {
    const delta = nearestBeatDelta(beats, c.timeSec);
    if (delta !== undefined) {
      c.beatDeltaSec = round4(delta);
      c.onBeat = Math.abs(delta) <= window;
    }
  }
  const hardTimes = cuts.filter((c) => c.kind === 'hard').map((c) => c.timeSec);
  metrics.cutCount = hardTimes.length;
  metrics.gradualTransitionCount = cuts.length - hardTimes.length;
  metrics.onBeatWindowSec = round3(window);
  if (beats.length >= 2 && hardTimes.length) {
    const share = onBeatShare(hardTimes, beats, window);
    const chance = onBeatChance(beats, window, 0, videoDuration);
    metrics.cutsOnBeatShare = round3(share);
    metrics.cutsOnBeatChance = round3(chance);
    metrics.cutsOnBeatLift = round3(chance > 0 ? share / chance : 0);
    const downbeats = grid.bars.map((b) => b + offset);
    if (downbeats.length) metrics.cutsOnDownbeatShare = round3(onBeatShare(hardTimes, downbeats, window));
    components.beat = beatSyncScore(share, chance);
    if (hardTimes.length >= 3 && share < thresholds.minOnBeatShare) {
      const off = cuts.filter((c) => c.kind === 'hard' && !c.onBeat);
      issues.push({
        kind: 'cuts-off-beat',
        severity: 'warn',
        message: `${off.length} of ${hardTimes.length} cuts are off the beat (${pct(share)} on beats, chance ${pct(chance)})`,
      });
    }
  } else if (!hardTimes.length) {
    issues.push({ kind: 'no-cuts', severity: 'info', message: 'no hard cuts found; beat sync not measured' });
  } else {
    issues.push({
      kind: 'no-beats',
      severity: 'info',
      message: 'the song has no beats; beat sync not measured',
    });
  }

  progress(0.7, 'measuring frames');
  const integrity = measureIntegrity(video, opts.integrity);
  metrics.blackFrameShare = round4(integrity.blackShare);
  metrics.frozenFrameShare = round4(integrity.frozenShare);
  metrics.duplicateFrameShare = round4(integrity.duplicateShare);
  components.integrity = Math.max(
    0,
    1 - (2 * integrity.blackShare + 2 * integrity.frozenShare + integrity.duplicateShare),
  );
  // Black and frozen frames are errors past their threshold, reported with the spans where they are.
  const badFrames = [
    ['black-frames', 'black', integrity.blackShare, thresholds.maxBlackShare, integrity.blackSpans],
    ['frozen-frames', 'frozen', integrity.frozenShare, thresholds.maxFrozenShare, integrity.frozenSpans],
  ] as const;
  for (const [kind, what, share, max, spans] of badFrames)
    if (share > max)
      issues.push({
        kind,
        severity: 'error',
        message: `${pct(share)} of frames are ${what} (${spanList(spans)})`,
        atSec: spans[0]?.startSec,
      });
  if (integrity.duplicateShare > 0.05)
    issues.push({
      kind: 'duplicate-frames',
      severity: 'warn',
      message: `${pct(integrity.duplicateShare)} of frames repeat the previous one (stutter)`,
    });

  progress(0.75, 'motion against energy');
  const motionFrames = motionPerFrame(video, cuts);
  const me = motionVsEnergy(motionFrames, video.fps, analysis, offset);
  // Flat music (a steady loop, a click track) gives the curves nothing to agree on: not measured.
  const musicVaries = std(me.energy) >= 0.04;
  if (!musicVaries)
    issues.push({
      kind: 'flat-music',
      severity: 'info',
      message: "the song's energy barely changes; motion and mood against it are not measured",
    });
  if (musicVaries && !Number.isNaN(me.correlation)) {
    metrics.motionEnergyCorrelation = round3(me.correlation);
    metrics.motionEnergySpearman = round3(me.spearman);
    metrics.motionEnergyLagSec = me.lagSec;
    components.motion = (me.correlation + 1) / 2;
    if (me.correlation < 0)
      issues.push({
        kind: 'motion-against-music',
        severity: 'warn',
        message: `motion runs against the music's energy (correlation ${me.correlation.toFixed(2)})`,
      });
  }

  const shots = measureShots(video, cuts, motionFrames, integrity, analysis, offset);
  nameShots(shots, opts.timeline, opts.storyboard, offset);
  const cv = shotLengthCv(shots);
  metrics.shotCount = shots.length;
  metrics.shotLengthCv = cv;
  components.variety = varietyScore(cv, shots.length);
  const moodCorr = moodEnergyCorrelation(shots);
  if (musicVaries && !Number.isNaN(moodCorr)) {
    metrics.moodEnergyCorrelation = round3(moodCorr);
    components.mood = (moodCorr + 1) / 2;
  }
  for (const s of shots) {
    // Per shot, so whoever regenerates knows which clip is broken.
    const broken = (s.blackShare ?? 0) > 0.3 ? 'black' : (s.frozenShare ?? 0) > 0.3 ? 'frozen' : undefined;
    if (broken && s.endSec - s.startSec >= 0.5)
      issues.push({
        kind: `shot-${broken}`,
        severity: 'warn',
        message: `shot ${s.shotId ?? s.index + 1} at ${s.startSec.toFixed(1)} s is ${Math.round(100 * ((broken === 'black' ? s.blackShare : s.frozenShare) ?? 0))}% ${broken}`,
        atSec: s.startSec,
        ...(s.shotId ? { shotId: s.shotId } : {}),
      });
  }
  for (const s of shots) {
    if (s.musicEnergy === undefined || !musicVaries) continue;
    const gap = s.musicEnergy - s.arousal;
    if (Math.abs(gap) >= 0.4 && s.endSec - s.startSec >= 1)
      issues.push({
        kind: gap > 0 ? 'shot-too-calm' : 'shot-too-busy',
        severity: 'info',
        message: `shot ${s.shotId ?? s.index + 1} at ${s.startSec.toFixed(1)} s looks ${gap > 0 ? 'calmer' : 'busier'} than its music (${s.arousal.toFixed(2)} vs energy ${s.musicEnergy.toFixed(2)})`,
        atSec: s.startSec,
        ...(s.shotId ? { shotId: s.shotId } : {}),
      });
  }

  const env = ctx.env ?? process.env;
  if (opts.vision !== false && visionConfigured(opts.vision ?? {}, env) && shots.length) {
    progress(0.8, 'asking the vision model');
    const fits = await judgeShotsWithVision(
      videoPath,
      shots,
      {
        analysis,
        offsetSec: offset,
        ...(opts.song ? { song: opts.song } : {}),
        ...(opts.storyboard ? { storyboard: opts.storyboard } : {}),
      },
      opts.vision ?? {},
      { ...ctx, env },
    );
    if (fits.judged > 0) {
      metrics.visionMoodFit = round3(fits.moodFit);
      if (fits.contentFit !== undefined) metrics.visionContentFit = round3(fits.contentFit);
      if (fits.styleFit !== undefined) metrics.visionStyleFit = round3(fits.styleFit);
      components.mood =
        components.mood !== undefined ? 0.7 * fits.moodFit + 0.3 * components.mood : fits.moodFit;
      for (const s of shots)
        if (s.vision && s.vision.moodFit < 0.4)
          issues.push({
            kind: 'shot-mood-mismatch',
            severity: 'warn',
            message: `shot ${s.shotId ?? s.index + 1} (${s.vision.mood}) does not fit its section${s.vision.notes ? `: ${s.vision.notes}` : ''}`,
            atSec: s.startSec,
            ...(s.shotId ? { shotId: s.shotId } : {}),
          });
    }
    if (fits.failed) issues.push({ kind: 'vision-failed', severity: 'info', message: fits.failed });
  }
  if (analysisSource === 'fallback')
    issues.push({
      kind: 'fallback-analysis',
      severity: 'info',
      message: `beats and energy come from the simple fallback analysis (${analysis.bpm} BPM), not @beatframe/audio`,
    });

  // A measure that came out NaN or infinite (degenerate input) is left out rather than failing the report.
  for (const rec of [metrics, components])
    for (const [k, v] of Object.entries(rec)) if (!Number.isFinite(v)) delete rec[k];
  for (const [k, v] of Object.entries(components)) components[k] = round3(v);
  const score = combineScore(components);
  if (components.mood !== undefined && components.mood < thresholds.minMoodScore)
    issues.push({
      kind: 'mood-mismatch',
      severity: 'warn',
      message: `the pictures' mood runs against the music (mood ${components.mood.toFixed(2)} < ${thresholds.minMoodScore})`,
    });
  const passed =
    score >= thresholds.minScore &&
    !(components.mood !== undefined && components.mood < thresholds.minMoodScore) &&
    !issues.some((i) => i.severity === 'error') &&
    !(hardTimes.length >= 3 && (metrics.cutsOnBeatShare ?? 1) < thresholds.minOnBeatShare);
  const reportData: EvaluationReport = {
    version: 1,
    videoPath,
    songPath: opts.songPath,
    score,
    passed,
    metrics,
    components,
    thresholds: { ...thresholds },
    issues,
    summary: '',
    analysisSource,
    cuts: cuts as DetectedCut[],
    shots,
    curves: { hopSec: me.hopSec, motion: me.motion, energy: me.energy },
    beats,
    ...(opts.round !== undefined ? { round: opts.round } : {}),
    createdAt: new Date().toISOString(),
  };
  reportData.summary = summarize(reportData);

  let report = EvaluationReport.parse(reportData);
  if (opts.outDir) {
    progress(0.95, 'writing the report');
    const plotPath = join(opts.outDir, 'plot.png');
    await renderPlot(reportData, analysis, plotPath, { offsetSec: offset, ...sigOpt });
    reportData.plotPath = plotPath;
    report = EvaluationReport.parse(reportData);
    await writeFileAtomic(join(opts.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  await ctx.decisions?.record({
    stage: 'evaluate',
    role: 'evaluator',
    summary: `${passed ? 'passed' : 'below thresholds'}: score ${score.toFixed(2)} (${Object.entries(
      components,
    )
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')})`,
    output: { score, passed, metrics, weights: COMPONENT_WEIGHTS },
  });
  progress(1, 'done');
  return { report, analysis };
}

/** Gives detected shots the storyboard shot id they show: from the timeline's items, else the storyboard's slots. */
function nameShots(shots: ShotMeasure[], timeline?: Timeline, storyboard?: Storyboard, offset = 0): void {
  for (const s of shots) {
    let best: { id: string; overlap: number } | undefined;
    if (timeline) {
      for (const it of timeline.items) {
        if (!it.shotId) continue;
        const a = it.startFrame / timeline.fps;
        const b = (it.startFrame + it.durationFrames) / timeline.fps;
        const ov = Math.min(b, s.endSec) - Math.max(a, s.startSec);
        if (ov > 0 && (!best || ov > best.overlap)) best = { id: it.shotId, overlap: ov };
      }
    } else if (storyboard) {
      for (const sh of storyboard.shots) {
        const ov = Math.min(sh.end + offset, s.endSec) - Math.max(sh.start + offset, s.startSec);
        if (ov > 0 && (!best || ov > best.overlap)) best = { id: sh.id, overlap: ov };
      }
    }
    if (best) s.shotId = best.id;
  }
}

function spanList(spans: Array<{ startSec: number; endSec: number }>): string {
  const shown = spans.slice(0, 3).map((s) => `${s.startSec.toFixed(1)}–${s.endSec.toFixed(1)} s`);
  return spans.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/**
 * The pipeline's evaluate stage in one call: the render, the song, the analysis it was edited with and
 * the timeline it was rendered from in; the report out (report.json and plot.png in `outDir` if given).
 */
export async function evaluateRender(
  input: {
    videoPath: string;
    songPath: string;
    analysis?: AudioAnalysis;
    timeline?: Timeline;
    storyboard?: Storyboard;
    song?: Song;
    outDir?: string;
    round?: number;
    thresholds?: Partial<EvaluationThresholds>;
    onProgress?: (fraction: number, label: string) => void;
  },
  ctx: Partial<PluginContext> = {},
): Promise<EvaluationReport> {
  const { videoPath, ...rest } = input;
  const opts: EvaluateOptions = { songPath: rest.songPath };
  for (const [k, v] of Object.entries(rest))
    if (v !== undefined) (opts as unknown as Record<string, unknown>)[k] = v;
  return (await evaluateVideo(videoPath, opts, ctx)).report;
}
