import { writeFile } from 'node:fs/promises';
import {
  type AudioAnalysis,
  type Character,
  type Clip,
  type ClipReview,
  type ContinuityInput,
  type ContinuityVerdict,
  type Crew,
  type EvaluationReport,
  type ImageProvider,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  parseRetryAfter,
  produceAtomic,
  providerErrorKindForStatus,
  type Shot,
  type Song,
  type Storyboard,
  type Timeline,
  type VideoProvider,
} from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import type { StageDeps } from '../../src/index.js';

/** A provider that speaks the emulator's HTTP protocol, classifying errors the way real plugins must. */
export function emulatedProvider(
  baseUrl: string,
  opts: {
    usdPerSecond?: number;
    concurrency?: number;
    rpm?: number;
    worker?: string;
    /** false: a seedless API (like Veo's), where shots with one prompt send the identical request. */
    seeds?: boolean;
    /** Free and deterministic, like the offline generator (a preview asks for half-size clips). */
    deterministic?: boolean;
    sizes?: string[];
  } = {},
): VideoProvider {
  const fail = async (res: Response): Promise<never> => {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string } };
    const kind = providerErrorKindForStatus(res.status);
    const retryAfterSec = parseRetryAfter(res.headers.get('retry-after'));
    throw new ProviderError(kind, body.error?.message ?? `HTTP ${res.status}`, {
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
      ...(body.error?.code ? { code: body.error.code } : {}),
    });
  };
  return {
    name: 'emulated',
    description: 'test: a loopback video API',
    capabilities: {
      durations: [2],
      sizes: opts.sizes ?? ['160x90', '90x160', '90x90'],
      aspects: ['16:9', '9:16', '1:1'],
      imageToVideo: false,
      remix: false,
      maxPromptChars: 1000,
      models: ['emu-1'],
      audio: false,
      usdFor: (req) => (opts.usdPerSecond ?? 0) * req.seconds,
      concurrency: opts.concurrency ?? 4,
      rpm: opts.rpm ?? 1000,
      ...(opts.seeds === false ? { seeds: false } : {}),
      ...(opts.deterministic ? { deterministic: true } : {}),
    },
    status: () => ({ configured: true }),
    async submit(req) {
      const res = await fetch(`${baseUrl}/v1/videos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-worker': opts.worker ?? 'main' },
        body: JSON.stringify({
          prompt: req.prompt,
          seconds: req.seconds,
          size: req.size,
          metadata: { key: req.shotId ?? '?' },
        }),
      });
      if (!res.ok) await fail(res);
      const body = (await res.json()) as { id: string };
      return {
        provider: 'emulated',
        jobId: body.id,
        submittedAt: new Date().toISOString(),
        seconds: req.seconds,
        size: req.size,
        data: {},
      };
    },
    async poll(ref) {
      const res = await fetch(`${baseUrl}/v1/videos/${ref.jobId}`);
      if (!res.ok) await fail(res);
      const b = (await res.json()) as {
        status: string;
        progress?: number;
        error?: { code: string; message: string };
      };
      if (b.status === 'failed') {
        const kind = b.error?.code === 'moderation_blocked' ? 'content-policy' : 'fatal';
        return { state: 'failed', error: { kind, message: b.error?.message ?? 'failed' } };
      }
      return {
        state: b.status === 'completed' ? 'done' : b.status === 'queued' ? 'queued' : 'running',
        ...(b.progress !== undefined ? { progress: b.progress / 100 } : {}),
      };
    },
    async download(ref: ProviderJobRef, dest: string): Promise<Clip> {
      const res = await fetch(`${baseUrl}/v1/videos/${ref.jobId}/content`);
      if (!res.ok) await fail(res);
      const bytes = new Uint8Array(await res.arrayBuffer());
      await produceAtomic(dest, (tmp) => writeFile(tmp, bytes));
      const info = await probeMedia(dest);
      return {
        path: dest,
        durationSec: info.durationSec,
        width: info.video?.width ?? 160,
        height: info.video?.height ?? 90,
        fps: info.video?.fps ?? 10,
        hasAudio: false,
        provider: 'emulated',
        jobId: ref.jobId,
        costUsd: 0,
      };
    },
  };
}

/** A recurring character with a sheet: look development makes a reference still of her. */
export const MARA: Character = {
  name: 'Mara',
  description: 'a young woman',
  sheet: {
    age: 'about 27',
    face: 'oval face, deep brown eyes, a small scar through the left eyebrow',
    hair: 'shoulder-length black hair in a loose low braid',
    build: 'slim and tall',
    wardrobe: 'a long red wool coat over a black turtleneck, indigo jeans',
    colours: ['red', 'black'],
    props: ['a battered silver film camera'],
  },
};

export interface TestDepsOptions {
  shots?: number;
  provider: VideoProvider;
  /** More providers, for a worker that serves projects on several. */
  others?: VideoProvider[];
  /** Shot ids the editor sends back once. */
  rejectOnce?: string[];
  /** Prompt for a shot (by index); default "shot N of the test song". */
  prompt?: (i: number) => string;
  /** The evaluation of each render; default: every render passes. */
  evaluate?: StageDeps['evaluate'];
  /** Recurring characters of the style bible (with sheets: look development makes their stills). */
  characters?: Storyboard['styleBible']['characters'];
  /** The image model for reference stills and keyframes. */
  imageProvider?: ImageProvider;
  /** The clip length the crew asks for (default 2 s). */
  clipSeconds?: number;
  /** A vision editor's continuity verdicts (a crew without one leaves the pipeline to measure the drift). */
  continuity?: (input: ContinuityInput) => ContinuityVerdict | undefined;
}

/**
 * Small, real stage implementations for engine tests: ffprobe for ingest, a fixed-tempo analysis,
 * a tiny crew, an ffmpeg renderer that lays the song under a concatenation of the clips.
 */
export function testDeps(o: TestDepsOptions): StageDeps & { reviews: string[] } {
  const n = o.shots ?? 3;
  const rejected = new Set<string>();
  const reviews: string[] = [];
  const crew: Crew = {
    name: 'test-crew',
    async plan(input, ctx) {
      const len = input.song.durationSec / n;
      const shots: Shot[] = Array.from({ length: n }, (_, i) => ({
        id: `shot-${i + 1}`,
        sceneId: 'scene-1',
        index: i,
        start: i * len,
        end: (i + 1) * len,
        description: `shot ${i + 1}`,
        mood: 'bright',
        energy: 0.5,
        clipSeconds: o.clipSeconds ?? 2,
      }));
      await ctx.decisions?.record({ role: 'planner', summary: `planned ${n} shots` });
      return {
        brief: { title: input.song.title, concept: 'test', arc: 'flat', mood: 'bright' },
        styleBible: {
          look: 'flat',
          palette: ['#fff'],
          characters: o.characters ?? [],
          places: [],
          lens: '35mm',
          camera: 'static',
          motifs: [],
          avoid: [],
        },
        scenes: [
          {
            id: 'scene-1',
            sectionIndex: 0,
            label: 'verse',
            start: 0,
            end: input.song.durationSec,
            description: 'x',
            mood: 'bright',
            energy: 0.5,
          },
        ],
        shots,
      } satisfies Storyboard;
    },
    async writePrompts(storyboard) {
      return storyboard.shots.map((s, i) => ({
        ...s,
        prompt: o.prompt?.(i) ?? `shot ${i + 1} of the test song`,
      }));
    },
    async review({ shot }, ctx): Promise<ClipReview> {
      reviews.push(shot.id);
      if (o.rejectOnce?.includes(shot.id) && !rejected.has(shot.id)) {
        rejected.add(shot.id);
        await ctx.decisions?.record({ role: 'editor', shotId: shot.id, summary: 'too dark; regenerate' });
        return { action: 'regenerate', reasons: ['too dark'], prompt: `${shot.prompt} brighter` };
      }
      return { action: 'accept', reasons: [] };
    },
    ...(o.continuity
      ? {
          async judgeContinuity(input: ContinuityInput, ctx: PluginContext) {
            const verdict = o.continuity!(input);
            await ctx.decisions?.record({
              role: 'editor',
              shotId: input.shot.id,
              summary: `test vision editor: ${verdict ? (verdict.holds ? 'holds' : 'drifted') : 'no verdict'}`,
            });
            return verdict;
          },
        }
      : {}),
  };
  return {
    reviews,
    async ingest(input) {
      if (input.source.kind !== 'file') throw new Error('test ingest reads files only');
      const info = await probeMedia(input.source.path);
      return {
        title: input.title ?? 'test song',
        styleTags: [],
        audioPath: input.source.path,
        durationSec: info.durationSec,
        source: input.source,
      } satisfies Song;
    },
    async analyze(song) {
      const beats = Array.from({ length: Math.floor(song.durationSec * 2) }, (_, i) => i * 0.5);
      return {
        version: 1,
        durationSec: song.durationSec,
        bpm: 120,
        tempoConfidence: 1,
        meter: { beatsPerBar: 4, beatUnit: 4 },
        beats,
        downbeats: beats.filter((_, i) => i % 4 === 0),
        sections: [{ start: 0, end: song.durationSec, label: 'verse', energy: 0.5 }],
        energy: { hopSec: 1, values: [0.5] },
      } satisfies AudioAnalysis;
    },
    crew: async () => crew,
    provider: async (name) => {
      const found = [o.provider, ...(o.others ?? [])].find((p) => p.name === name);
      if (!found) throw new Error(`unknown provider ${name}`);
      return found;
    },
    listProviders: async () => [o.provider, ...(o.others ?? [])],
    ...(o.imageProvider ? { imageProvider: async () => o.imageProvider } : {}),
    renderer: async () => ({
      name: 'test-ffmpeg',
      description: 'concatenates clips under the song',
      async render(timeline: Timeline, out: string) {
        const t0 = Date.now();
        const inputs = timeline.items.flatMap((it) => ['-i', it.src]);
        const n = timeline.items.length;
        const filter = `${timeline.items.map((_, i) => `[${i}:v]scale=160:90,setsar=1,fps=10[v${i}]`).join(';')};${timeline.items.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0[v]`;
        await runFfmpeg([
          '-y',
          '-v',
          'error',
          ...inputs,
          '-i',
          timeline.audio.src,
          '-filter_complex',
          filter,
          '-map',
          '[v]',
          '-map',
          `${n}:a`,
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'aac',
          '-f',
          'mp4',
          out,
        ]);
        const info = await probeMedia(out);
        return {
          path: out,
          durationSec: info.durationSec,
          frames: 0,
          width: 160,
          height: 90,
          elapsedMs: Date.now() - t0,
        };
      },
    }),
    async buildTimeline({ song, clips }) {
      return {
        version: 1,
        fps: 10,
        width: 160,
        height: 90,
        durationFrames: Math.round(song.durationSec * 10),
        audio: { src: song.audioPath, durationSec: song.durationSec },
        items: clips.map((c, i) => ({
          id: `i${i}`,
          shotId: c.shotId,
          src: c.path,
          startFrame: i * 20,
          durationFrames: 20,
          clipStartSec: 0,
          clipDurationSec: c.durationSec,
          playbackRate: 1,
          loop: false,
          effects: [],
        })),
        cards: [],
        captions: [],
        beatFrames: [],
      } as unknown as Timeline;
    },
    async evaluate(input, ctx): Promise<EvaluationReport> {
      if (o.evaluate) return o.evaluate(input, ctx);
      const { videoPath } = input;
      return { version: 1, videoPath, score: 0.9, passed: true, metrics: {}, issues: [], summary: 'fine' };
    },
  };
}

/** A short test song (sine tones), made with ffmpeg. */
export async function makeSong(path: string, seconds = 6): Promise<string> {
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '64k',
    path,
  ]);
  return path;
}
