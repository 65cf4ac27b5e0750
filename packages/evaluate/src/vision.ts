import {
  type AudioAnalysis,
  type PluginContext,
  type ShotMeasure,
  ShotVision,
  type Song,
  type Storyboard,
  scrubString,
  secretValues,
} from '@beatframe/core';
import { frameAtArgs, runFfmpeg } from '@beatframe/media';
import OpenAI from 'openai';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';

/** The vision model: any OpenAI-compatible chat endpoint that takes images (OPENAI_API_KEY, OPENAI_BASE_URL). */
export interface VisionOptions {
  /** Model id; default BEATFRAME_VISION_MODEL, else gpt-4.1-mini. */
  model?: string;
  /** Endpoint; default OPENAI_BASE_URL, else OpenAI's. */
  baseURL?: string;
  /** Frames sampled per shot (default 2). */
  framesPerShot?: number;
  /** At most this many shots are judged (the longest first; default 24), to bound cost. */
  maxShots?: number;
  /** Requests in flight at once (default 3). */
  concurrency?: number;
  /** Width of the JPEG frames sent (default 384). */
  frameWidth?: number;
}

export function visionConfigured(_opts: VisionOptions, env: Record<string, string | undefined>): boolean {
  return Boolean(env.OPENAI_API_KEY);
}

export interface VisionContext {
  analysis: AudioAnalysis;
  offsetSec: number;
  song?: Song;
  storyboard?: Storyboard;
}

export interface VisionFit {
  judged: number;
  moodFit: number;
  contentFit?: number;
  styleFit?: number;
  /** Why judging stopped, when a request failed (one line, secrets scrubbed). */
  failed?: string;
}

const SYSTEM = [
  'You review shots of a music video against the music under them.',
  'For the shot shown in the frames, answer with one JSON object only:',
  '{"mood": "2-4 words for the mood the picture conveys", "moodFit": 0-1 how well that mood fits the music',
  'and the section described, "contentFit": 0-1 how well the content fits the lyrics and the intended shot',
  '(1 when none are given and nothing clashes), "styleFit": 0-1 how well it follows the style bible (1 when none),',
  '"notes": "one short sentence on what to change, or empty"}.',
].join(' ');

/** Samples frames of each shot as JPEG data URLs and asks the vision model how the shot fits its music. */
export async function judgeShotsWithVision(
  videoPath: string,
  shots: ShotMeasure[],
  vctx: VisionContext,
  opts: VisionOptions,
  ctx: Partial<PluginContext> & { env: Record<string, string | undefined> },
): Promise<VisionFit> {
  const env = ctx.env;
  const model = opts.model ?? env.BEATFRAME_VISION_MODEL ?? 'gpt-4.1-mini';
  const client = new OpenAI({
    apiKey: env.OPENAI_API_KEY,
    ...((opts.baseURL ?? env.OPENAI_BASE_URL) ? { baseURL: opts.baseURL ?? env.OPENAI_BASE_URL } : {}),
    maxRetries: 2,
    timeout: 60_000,
  });
  const maxShots = opts.maxShots ?? 24;
  const chosen = [...shots]
    .sort((a, b) => b.endSec - b.startSec - (a.endSec - a.startSec))
    .slice(0, maxShots)
    .sort((a, b) => a.index - b.index);
  const secrets = secretValues(env);
  let failed: string | undefined;
  const queue = [...chosen];
  const worker = async () => {
    for (let shot = queue.shift(); shot && !failed; shot = queue.shift()) {
      try {
        await judgeOne(client, model, videoPath, shot, vctx, opts, ctx);
      } catch (err) {
        failed = `vision model failed, heuristic mood used instead: ${scrubString((err as Error).message ?? String(err), secrets).split('\n')[0]}`;
        ctx.logger?.warn({ err: failed }, 'vision judging stopped');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 3) }, worker));
  const judged = shots.filter((s) => s.vision);
  const weight = (s: ShotMeasure) => s.endSec - s.startSec;
  const avg = (pick: (v: ShotVision) => number | undefined) => {
    const xs = judged.filter((s) => pick(s.vision!) !== undefined);
    const w = xs.reduce((a, s) => a + weight(s), 0);
    return xs.length && w > 0 ? xs.reduce((a, s) => a + weight(s) * pick(s.vision!)!, 0) / w : undefined;
  };
  return {
    judged: judged.length,
    moodFit: avg((v) => v.moodFit) ?? 0,
    ...(avg((v) => v.contentFit) !== undefined ? { contentFit: avg((v) => v.contentFit)! } : {}),
    ...(avg((v) => v.styleFit) !== undefined ? { styleFit: avg((v) => v.styleFit)! } : {}),
    ...(failed ? { failed } : {}),
  };
}

async function judgeOne(
  client: OpenAI,
  model: string,
  videoPath: string,
  shot: ShotMeasure,
  vctx: VisionContext,
  opts: VisionOptions,
  ctx: Partial<PluginContext>,
): Promise<void> {
  const n = Math.max(1, opts.framesPerShot ?? 2);
  const images: string[] = [];
  for (let k = 1; k <= n; k++) {
    const t = shot.startSec + ((shot.endSec - shot.startSec) * k) / (n + 1);
    images.push(await frameDataUrl(videoPath, t, opts.frameWidth ?? 384, ctx.signal));
  }
  const content: ChatCompletionContentPart[] = [
    { type: 'text', text: describeShot(shot, vctx) },
    ...images.map((url) => ({ type: 'image_url' as const, image_url: { url, detail: 'low' as const } })),
  ];
  const started = Date.now();
  const res = await client.chat.completions.create(
    {
      model,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content },
      ],
      response_format: { type: 'json_object' },
      temperature: 0,
    },
    ctx.signal ? { signal: ctx.signal } : {},
  );
  const text = res.choices[0]?.message?.content ?? '';
  const vision = parseVision(text, res.model || model);
  if (!vision) throw new Error(`the vision model's answer was not the JSON asked for: ${text.slice(0, 80)}`);
  shot.vision = vision;
  await ctx.decisions?.record({
    stage: 'evaluate',
    role: 'vision-judge',
    ...(shot.shotId ? { shotId: shot.shotId } : {}),
    summary: `shot ${shot.shotId ?? shot.index + 1}: "${vision.mood}", mood fit ${vision.moodFit.toFixed(2)}`,
    output: vision,
    model: vision.model ?? model,
    ...(res.usage ? { tokens: { input: res.usage.prompt_tokens, output: res.usage.completion_tokens } } : {}),
    ms: Date.now() - started,
  });
}

/** What the model is told about a shot: its section and energy, the intended shot, lyrics sung over it, the style bible. */
export function describeShot(shot: ShotMeasure, vctx: VisionContext): string {
  const energy = shot.musicEnergy ?? 0.5;
  const feel = energy >= 0.66 ? 'intense, loud' : energy >= 0.33 ? 'moderate' : 'calm, quiet';
  const lines = [
    `Shot ${shot.index + 1}, ${shot.startSec.toFixed(1)}–${shot.endSec.toFixed(1)} s of the video.`,
    `Music under it: ${shot.sectionLabel ?? 'unknown section'}, energy ${energy.toFixed(2)} of 1 (${feel}), ${vctx.analysis.bpm} BPM.`,
  ];
  const sb = vctx.storyboard;
  const planned = shot.shotId ? sb?.shots.find((s) => s.id === shot.shotId) : undefined;
  if (planned) lines.push(`Intended shot: ${planned.description} (mood: ${planned.mood}).`);
  if (sb) lines.push(`Film mood: ${sb.brief.mood}.`);
  const from = shot.startSec - vctx.offsetSec;
  const to = shot.endSec - vctx.offsetSec;
  const sung = (vctx.song?.lyrics?.lines ?? [])
    .filter((l) => l.start !== undefined && l.start < to && (l.end ?? l.start + 4) > from)
    .map((l) => l.text);
  if (sung.length) lines.push(`Lyrics sung over it: "${sung.join(' / ')}".`);
  if (sb) {
    const sbible = sb.styleBible;
    lines.push(
      `Style bible: ${sbible.look}; palette ${sbible.palette.join(', ')}; camera ${sbible.camera}${sbible.avoid.length ? `; avoid ${sbible.avoid.join(', ')}` : ''}.`,
    );
  }
  return lines.join('\n');
}

/** Reads the model's JSON answer leniently (code fences, extra prose, numbers as strings, 0–10 scales). */
export function parseVision(text: string, model?: string): ShotVision | undefined {
  const m = /\{[\s\S]*\}/.exec(text);
  if (!m) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(m[0]) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const unit = (v: unknown) => {
    const x = Number(v);
    if (!Number.isFinite(x)) return undefined;
    return Math.max(0, Math.min(1, x > 1 ? x / 10 : x));
  };
  const moodFit = unit(raw.moodFit ?? raw.mood_fit);
  if (moodFit === undefined) return undefined;
  const parsed = ShotVision.safeParse({
    mood: String(raw.mood ?? '').slice(0, 80) || 'unknown',
    moodFit,
    ...(unit(raw.contentFit ?? raw.content_fit) !== undefined
      ? { contentFit: unit(raw.contentFit ?? raw.content_fit) }
      : {}),
    ...(unit(raw.styleFit ?? raw.style_fit) !== undefined
      ? { styleFit: unit(raw.styleFit ?? raw.style_fit) }
      : {}),
    ...(raw.notes ? { notes: String(raw.notes).slice(0, 300) } : {}),
    ...(model ? { model } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

/** One frame at time t as a JPEG data URL. */
export async function frameDataUrl(
  path: string,
  t: number,
  width: number,
  signal?: AbortSignal,
): Promise<string> {
  const { stdout } = await runFfmpeg(
    [...frameAtArgs(path, t, width), '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
    { binary: true, ...(signal ? { signal } : {}) },
  );
  return `data:image/jpeg;base64,${stdout.toString('base64')}`;
}
