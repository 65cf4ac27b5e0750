import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BeatframeError,
  InputError,
  type Logger,
  mapLimit,
  produceAtomic,
  type RenderContext,
  type Renderer,
  type RendererFactory,
  type RenderResult,
  silentLogger,
  Timeline,
  userMessage,
} from '@beatframe/core';
import {
  concatListInput,
  ffmpegPath,
  type MediaInfo,
  probeMedia,
  renderResultOf,
  runFfmpeg,
  runProcess,
  VIDEO_WITH_SONG_ARGS,
} from '@beatframe/media';
import { buildAss } from './ass.js';
import { buildGraph, type GraphNote, type SourceInfo } from './graph.js';
import { planChunks, planSegments } from './plan.js';

export interface FfmpegRendererSettings {
  /** x264 preset; `veryfast` keeps a 720p render well above real time on two cores. */
  preset?: string;
  /** x264 constant rate factor (lower is better quality). */
  crf?: number;
  /** AAC bitrate for the song. */
  audioBitrate?: string;
  /** Keep the working folder (graph script, ASS file) after the render, for debugging. */
  keepWorkDir?: boolean;
  /**
   * Timeline items per ffmpeg pass (default 24). Longer timelines render in passes joined by stream
   * copy, so memory stays flat however many shots a song has; `ctx.concurrency` passes run at once.
   */
  maxItemsPerPass?: number;
}

/** Filters and xfade transitions of the ffmpeg on this machine, asked once per process. */
let capabilities: Promise<{ filters: Set<string>; xfade: Set<string> }> | undefined;
function ffmpegCapabilities(): Promise<{ filters: Set<string>; xfade: Set<string> }> {
  capabilities ??= (async () => {
    const filters = await runProcess(ffmpegPath(), ['-hide_banner', '-filters']);
    const names = new Set(
      filters.stdout
        .toString()
        .split('\n')
        .map((l) => /^\s*[T.][S.][C.]\s+(\S+)/.exec(l)?.[1])
        .filter((x): x is string => !!x),
    );
    const xfade = new Set<string>();
    if (names.has('xfade')) {
      const help = await runProcess(ffmpegPath(), ['-hide_banner', '-h', 'filter=xfade']);
      for (const m of help.stdout.toString().matchAll(/^\s{5}([a-z]+)\s+-?\d+\s/gm))
        if (m[1]) xfade.add(m[1]);
    }
    return { filters: names, xfade };
  })();
  capabilities.catch(() => {
    capabilities = undefined;
  });
  return capabilities;
}

/** The family fontconfig (which libass uses) picks for `family`; undefined when fc-match is absent. */
async function matchedFont(family: string): Promise<string | undefined> {
  try {
    const { stdout } = await runProcess('fc-match', ['-f', '%{family}', family]);
    return stdout.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

function describeClip(info: MediaInfo, t: Timeline): string | undefined {
  const v = info.video!;
  const diffs: string[] = [];
  if (v.rotation) diffs.push(`rotated ${v.rotation}° (turned upright)`);
  if (v.width !== t.width || v.height !== t.height)
    diffs.push(`${v.width}x${v.height} (scaled to cover ${t.width}x${t.height}, centre-cropped)`);
  if (v.variableFrameRate) diffs.push(`variable frame rate (normalised to ${t.fps} fps)`);
  else if (Math.abs(v.fps - t.fps) > 0.01)
    diffs.push(`${Number(v.fps.toFixed(3))} fps (normalised to ${t.fps})`);
  return diffs.length ? diffs.join(', ') : undefined;
}

/** The fast renderer: the whole timeline as one ffmpeg filter graph, one decode-and-encode pass. */
export function createFfmpegRenderer(settings: FfmpegRendererSettings = {}): Renderer {
  const preset = settings.preset ?? 'veryfast';
  const crf = settings.crf ?? 20;
  const audioBitrate = settings.audioBitrate ?? '192k';
  const maxItemsPerPass = Math.max(1, Math.floor(settings.maxItemsPerPass ?? 24));

  return {
    name: 'ffmpeg',
    description:
      'ffmpeg filter graph: fast (above real time at 720p), crossfades/slides/wipes, beat zoom and flash, titles and karaoke captions via libass',
    async render(input: Timeline, outPath: string, ctx: RenderContext): Promise<RenderResult> {
      const started = Date.now();
      const log: Logger = (ctx.logger ?? silentLogger()).child({ renderer: 'ffmpeg' });
      const parsed = Timeline.safeParse(input);
      if (!parsed.success) throw new InputError(`invalid timeline: ${userMessage(parsed.error)}`);
      const timeline = parsed.data;
      const { fps, width: W, height: H } = timeline;
      if (W % 2 || H % 2) throw new InputError(`timeline size ${W}x${H} must be even for H.264 yuv420p`);
      const baseDir = ctx.baseDir ?? process.cwd();
      const abs = (p: string) => resolve(baseDir, p);
      const unsupported: string[] = [];
      const decide = async (summary: string, extra: { shotId?: string; output?: unknown } = {}) => {
        log.info({ decision: summary }, 'render decision');
        await ctx.decisions?.record({ stage: 'render', role: 'renderer-ffmpeg', summary, ...extra });
      };
      const unsupportedFeature = async (what: string, shotId?: string) => {
        unsupported.push(what);
        log.warn({ unsupported: what }, 'feature not rendered by ffmpeg');
        await decide(`not rendered: ${what}`, shotId ? { shotId } : {});
      };

      // Inputs first: every problem a user can fix is reported before any encoding starts.
      ctx.onProgress?.(0, 'probe');
      const songPath = abs(timeline.audio.src);
      if (!existsSync(songPath)) throw new InputError(`the song file is missing: ${songPath}`);
      const song = await probeMedia(songPath, ctx.signal ? { signal: ctx.signal } : {});
      if (!song.audio) throw new InputError(`the song has no audio track: ${songPath}`);
      const sources = new Map<string, SourceInfo>();
      for (const item of timeline.items) {
        const path = abs(item.src);
        if (!existsSync(path)) throw new InputError(`clip for timeline item ${item.id} is missing: ${path}`);
      }
      // A clip used by several items is probed once; four at a time (ffprobe spends most of its time starting).
      const probed = new Map<string, Promise<MediaInfo>>();
      const paths = [...new Set(timeline.items.map((i) => abs(i.src)))];
      await mapLimit(paths, 4, async (path) => {
        const info = probeMedia(path, ctx.signal ? { signal: ctx.signal } : {});
        probed.set(path, info);
        await info.catch(() => {}); // reported below, in timeline order
      });
      for (const item of timeline.items) {
        const path = abs(item.src);
        const info = await probed.get(path)!;
        if (!info.video)
          throw new InputError(`clip for timeline item ${item.id} has no video stream: ${path}`);
        const differs = describeClip(info, timeline);
        if (differs)
          await decide(`clip of item ${item.id} is ${differs}`, item.shotId ? { shotId: item.shotId } : {});
        if (info.durationSec > 0 && Math.abs(info.durationSec - item.clipDurationSec) > 0.1)
          await decide(
            `clip of item ${item.id} lasts ${info.durationSec.toFixed(2)} s, not ${item.clipDurationSec} s as the timeline says; used the file's length`,
            item.shotId ? { shotId: item.shotId } : {},
          );
        sources.set(item.id, { path, durationSec: info.durationSec });
      }

      const caps = await ffmpegCapabilities();
      if (
        !caps.filters.has('xfade') &&
        timeline.items.some((i) => i.transitionIn && i.transitionIn.kind !== 'cut')
      )
        throw new BeatframeError(
          'this ffmpeg has no xfade filter (ffmpeg 4.3 or newer is needed for transitions)',
          {
            code: 'MISSING_TOOL',
          },
        );

      const plan = planSegments(timeline);
      for (const n of plan.notes) await decide(n.summary, n.shotId ? { shotId: n.shotId } : {});

      if (ctx.workDir) await mkdir(ctx.workDir, { recursive: true });
      const workDir = await mkdtemp(join(ctx.workDir ?? tmpdir(), 'beatframe-ffmpeg-'));
      // Cancelling, or one pass failing, stops every ffmpeg still running.
      const stop = new AbortController();
      const abortPasses = () => stop.abort();
      if (ctx.signal?.aborted) stop.abort();
      ctx.signal?.addEventListener('abort', abortPasses, { once: true });
      try {
        let assPath: string | undefined;
        if (timeline.cards.length || timeline.captions.length) {
          if (caps.filters.has('ass')) {
            const wanted = timeline.style.fontFamily;
            const got = await matchedFont(wanted);
            if (got && !got.toLowerCase().split(',').includes(wanted.trim().toLowerCase()))
              await unsupportedFeature(
                `font "${wanted}" is not installed; text is drawn in ${got.split(',')[0]}`,
              );
            const ass = buildAss(timeline);
            for (const n of ass.notes) await decide(n);
            assPath = join(workDir, 'text.ass');
            await writeFile(assPath, ass.script);
          } else {
            await unsupportedFeature(
              `title/section cards and captions (${timeline.cards.length + timeline.captions.length}): this ffmpeg was built without libass`,
            );
          }
        }

        const totalSec = plan.totalFrames / fps;
        const songGap = song.durationSec - totalSec;
        if (Math.abs(songGap) > 1 / fps)
          await decide(
            songGap > 0
              ? `the song (${song.durationSec.toFixed(3)} s) is longer than the timeline (${totalSec.toFixed(3)} s); the sound stops with the picture`
              : `the song (${song.durationSec.toFixed(3)} s) is shorter than the timeline (${totalSec.toFixed(3)} s); silence follows it`,
          );
        // The song as it is: only re-encoded (same rate, same channels); silence after it if short.
        const audioOut = [
          ...(songGap < -1 / fps ? ['-af', 'apad'] : []),
          '-c:a',
          'aac',
          '-b:a',
          audioBitrate,
          '-t',
          totalSec.toFixed(6),
          '-movflags',
          '+faststart',
        ];
        const videoOut = [
          '-c:v',
          'libx264',
          '-preset',
          preset,
          '-crf',
          String(crf),
          '-pix_fmt',
          'yuv420p',
          '-r',
          String(fps),
        ];

        // The visualizer needs ffmpeg's showfreqs/showwaves (bars, wave) or geq (pulse); said when missing.
        let visualizer = timeline.visualizer;
        if (visualizer) {
          const needs = { bars: 'showfreqs', wave: 'showwaves', pulse: 'geq' }[visualizer.kind];
          if (!caps.filters.has(needs)) {
            await unsupportedFeature(`the ${visualizer.kind} visualizer: this ffmpeg has no ${needs} filter`);
            visualizer = undefined;
          } else await decide(`${visualizer.kind} visualizer drawn from the song by ffmpeg (${needs})`);
        }
        const chunks = planChunks(plan.segments, plan.totalFrames, maxItemsPerPass);
        const done = new Array<number>(chunks.length).fill(0);
        const report = () =>
          ctx.onProgress?.(Math.min(1, done.reduce((a, b) => a + b, 0) / plan.totalFrames), 'encode');
        // One pass per chunk: the graph, and its -i arguments; the song joins the only pass, or the final mux.
        const passes = await Promise.all(
          chunks.map(async (chunk, k) => {
            const graph = buildGraph(chunk.segments, sources, {
              width: W,
              height: H,
              fps,
              ...(assPath ? { assPath } : {}),
              ...(chunk.startFrame ? { startFrame: chunk.startFrame } : {}),
              xfadeTransitions: caps.xfade,
              ...(visualizer
                ? {
                    visualizer: {
                      spec: visualizer,
                      songPath,
                      frames: chunk.frames,
                      beatFrames: timeline.beatFrames,
                    },
                  }
                : {}),
            });
            const scriptPath = join(workDir, `graph-${k}.txt`);
            await writeFile(scriptPath, graph.script);
            return { chunk, graph, scriptPath };
          }),
        );
        for (const { graph } of passes)
          for (const n of graph.notes as GraphNote[]) {
            if (n.unsupported) await unsupportedFeature(n.summary, n.shotId);
            else await decide(n.summary, n.shotId ? { shotId: n.shotId } : {});
          }
        const run = (args: string[], k: number, frames: number) =>
          runFfmpeg(args, {
            signal: stop.signal,
            onTime: (t) => {
              done[k] = Math.min(frames, Math.round(t * fps));
              report();
            },
          });

        if (passes.length === 1) {
          const { graph, scriptPath } = passes[0]!;
          const args = [
            ...graph.inputArgs,
            '-i',
            songPath,
            '-filter_complex_script',
            scriptPath,
            '-map',
            '[vout]',
            '-map',
            `${graph.inputCount}:a:0`,
            ...videoOut,
            ...audioOut,
          ];
          log.debug({ args, graph: graph.script }, 'ffmpeg render');
          await produceAtomic(outPath, (tmp) => run([...args, tmp], 0, plan.totalFrames));
        } else {
          log.info({ passes: passes.length }, 'long timeline: rendering in passes, joined by stream copy');
          const parts = passes.map((_, k) => join(workDir, `part-${k}.mp4`));
          // `ctx.concurrency` passes at once; the first failure stops the others (their ffmpeg is aborted).
          await mapLimit(passes, ctx.concurrency ?? 1, async ({ chunk, graph, scriptPath }, k) => {
            const args = [
              ...graph.inputArgs,
              '-filter_complex_script',
              scriptPath,
              '-map',
              '[vout]',
              ...videoOut,
              '-an',
              parts[k]!,
            ];
            log.debug({ args, graph: graph.script, pass: k }, 'ffmpeg render pass');
            try {
              await run(args, k, chunk.frames);
            } catch (err) {
              stop.abort();
              throw err;
            }
            done[k] = chunk.frames;
          });
          const list = join(workDir, 'parts.txt');
          await writeFile(list, parts.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join('\n'));
          ctx.onProgress?.(Math.min(1, done.reduce((a, b) => a + b, 0) / plan.totalFrames), 'join');
          await produceAtomic(outPath, (tmp) =>
            runFfmpeg([...concatListInput(list), '-i', songPath, ...VIDEO_WITH_SONG_ARGS, ...audioOut, tmp], {
              signal: stop.signal,
            }),
          );
        }
        ctx.onProgress?.(1);
        const result: RenderResult = {
          ...(await renderResultOf(outPath, { frames: plan.totalFrames, width: W, height: H }, started)),
          ...(unsupported.length ? { unsupported } : {}),
        };
        log.info(
          {
            frames: result.frames,
            elapsedMs: result.elapsedMs,
            fps: result.frames / (result.elapsedMs / 1000),
          },
          'rendered',
        );
        return result;
      } finally {
        ctx.signal?.removeEventListener('abort', abortPasses);
        if (!settings.keepWorkDir) await rm(workDir, { recursive: true, force: true });
      }
    },
  };
}

export const createRenderer: RendererFactory = (settings = {}) =>
  createFfmpegRenderer(settings as FfmpegRendererSettings);
