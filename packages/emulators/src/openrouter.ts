import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeEmulator, emulatorFaults, listenLocal, readBody, sendClip, sendJson } from './http.js';
import { startJobClip } from './job-clip.js';

/**
 * A local stand-in for OpenRouter's video generation API, shaped after the official @openrouter/sdk (its
 * videoGeneration functions and zod schemas) and OpenRouter's API reference: `GET /api/v1/videos/models` lists each
 * model's `supported_durations`, `supported_resolutions`, `supported_aspect_ratios`, `supported_sizes`,
 * `supported_frame_images`; `POST /api/v1/videos` checks a request against them and answers 202
 * `{id, polling_url, status: "pending"}`; `GET /api/v1/videos/{id}` moves pending → in_progress → completed (with
 * `unsigned_urls` and `usage.cost`) | failed (`error`); `GET /api/v1/videos/{id}/content?index=0` streams the MP4
 * (409 before it is done). Errors are `{ error: { code, message, metadata? } }`. Videos are real MP4s from ffmpeg.
 */

export interface OpenRouterFault {
  status: number;
  body?: unknown;
  retryAfter?: number;
}
export type OpenRouterRoute = 'submit' | 'poll' | 'content' | 'models';

/** One listing entry, in the API's snake_case. */
export interface OpenRouterListedModel {
  id: string;
  name: string;
  supported_durations: number[] | null;
  supported_resolutions: string[] | null;
  supported_aspect_ratios: string[] | null;
  supported_sizes: string[] | null;
  supported_frame_images: string[] | null;
  generate_audio: boolean | null;
  seed: boolean | null;
  /** USD per second this emulator charges (usage.cost). */
  usd_per_second?: number;
}

const entry = (
  id: string,
  name: string,
  durations: number[],
  resolutions: string[] | null,
  aspects: string[] | null,
  frames: string[],
  usd: number,
  sizes: string[] | null = null,
): OpenRouterListedModel => ({
  id,
  name,
  supported_durations: durations,
  supported_resolutions: resolutions,
  supported_aspect_ratios: aspects,
  supported_sizes: sizes,
  supported_frame_images: frames,
  generate_audio: true,
  seed: !id.startsWith('openai/'),
  usd_per_second: usd,
});

export const OPENROUTER_LISTING: OpenRouterListedModel[] = [
  entry(
    'alibaba/wan-2.6',
    'Wan 2.6',
    [5, 10, 15],
    ['720p', '1080p'],
    ['16:9', '9:16', '1:1'],
    ['first_frame'],
    0.05,
  ),
  entry(
    'bytedance/seedance-1.5-pro',
    'Seedance 1.5 Pro',
    [4, 5, 6, 7, 8, 9, 10, 11, 12],
    ['480p', '720p', '1080p'],
    ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'],
    ['first_frame', 'last_frame'],
    0.05,
  ),
  entry(
    'google/veo-3.1-fast',
    'Veo 3.1 Fast',
    [4, 6, 8],
    ['720p', '1080p'],
    ['16:9', '9:16'],
    ['first_frame', 'last_frame'],
    0.1,
  ),
  entry('openai/sora-2-pro', 'Sora 2 Pro', [4, 8, 12], null, null, ['first_frame'], 0.3, [
    '1280x720',
    '720x1280',
  ]),
];

const HEIGHT: Record<string, number> = { '360p': 360, '480p': 480, '720p': 720, '768p': 768, '1080p': 1080 };
const WIDE: Record<number, number> = { 360: 640, 480: 854, 720: 1280, 768: 1366, 1080: 1920 };

interface Job {
  id: string;
  model: OpenRouterListedModel;
  createdMs: number;
  seconds: number;
  size: string;
  fail?: string;
  file?: Promise<string>;
  ready?: string;
}

export interface OpenRouterEmulator {
  /** The SDK's serverURL: `<origin>/api/v1`. */
  baseUrl: string;
  apiKey: string;
  stats: { submissions: number; polls: number; downloads: number; listings: number };
  /** Submitted request bodies, as received (snake_case). */
  requests: Array<Record<string, unknown>>;
  /** The listing served (change it to change what models take). */
  listing: OpenRouterListedModel[];
  failNext(route: OpenRouterRoute, fault: OpenRouterFault, times?: number): void;
  /** The next job ends `failed` with this error text. */
  failNextJob(error: string): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const err = (code: number, message: string, metadata?: Record<string, unknown>) => ({
  error: { code, message, ...(metadata ? { metadata } : {}) },
});

export async function startOpenRouterEmulator(
  opts: {
    latencyMs?: number;
    apiKey?: string;
    fps?: number;
    port?: number;
    listing?: OpenRouterListedModel[];
  } = {},
): Promise<OpenRouterEmulator> {
  const apiKey = opts.apiKey ?? `sk-or-v1-${randomUUID().replace(/-/g, '')}`;
  const latencyMs = opts.latencyMs ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'bf-openrouter-emulator-'));
  const jobs = new Map<string, Job>();
  const faults = emulatorFaults<OpenRouterRoute, OpenRouterFault, string>();
  const emu = {
    stats: { submissions: 0, polls: 0, downloads: 0, listings: 0 },
    requests: [] as Array<Record<string, unknown>>,
    listing: structuredClone(opts.listing ?? OPENROUTER_LISTING),
  };

  function state(j: Job): 'pending' | 'in_progress' | 'completed' | 'failed' {
    const age = Date.now() - j.createdMs;
    if (age < latencyMs * 0.25) return 'pending';
    startJobClip(dir, j, { fps: opts.fps ?? 12, motion: true });
    if (age < latencyMs || !(j.fail || j.ready)) return 'in_progress';
    return j.fail ? 'failed' : 'completed';
  }

  const view = (j: Job, origin: string) => {
    const s = state(j);
    return {
      id: j.id,
      polling_url: `/api/v1/videos/${j.id}`,
      status: s,
      ...(s === 'completed'
        ? {
            generation_id: `gen-${j.id.slice(0, 12)}`,
            unsigned_urls: [`${origin}/api/v1/videos/${j.id}/content?index=0`],
            usage: { cost: Number(((j.model.usd_per_second ?? 0) * j.seconds).toFixed(4)), is_byok: false },
          }
        : {}),
      ...(s === 'failed' ? { error: j.fail } : {}),
    };
  };

  function fault(res: ServerResponse, route: OpenRouterRoute): boolean {
    const f = faults.take(route);
    if (!f) return false;
    sendJson(res, f.status, f.body ?? err(f.status, 'Internal Server Error'), {
      ...(f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {}),
    });
    return true;
  }

  /** The "WxH" a request asks for, or a 400 message. */
  function sizeOf(m: OpenRouterListedModel, b: Record<string, unknown>): string | { error: string } {
    if (b.size !== undefined) {
      if (!m.supported_sizes?.includes(String(b.size)))
        return {
          error: `size ${b.size} is not supported by ${m.id}; supported: ${(m.supported_sizes ?? []).join(', ') || 'none'}`,
        };
      return String(b.size);
    }
    const r = String(b.resolution ?? m.supported_resolutions?.[0] ?? '720p');
    const a = String(b.aspect_ratio ?? m.supported_aspect_ratios?.[0] ?? '16:9');
    if (m.supported_resolutions && !m.supported_resolutions.includes(r))
      return {
        error: `resolution ${r} is not supported by ${m.id}; supported: ${m.supported_resolutions.join(', ')}`,
      };
    if (m.supported_aspect_ratios && !m.supported_aspect_ratios.includes(a))
      return {
        error: `aspect_ratio ${a} is not supported by ${m.id}; supported: ${m.supported_aspect_ratios.join(', ')}`,
      };
    const h = HEIGHT[r] ?? 720;
    return a === '9:16' ? `${h}x${WIDE[h]}` : a === '1:1' ? `${h}x${h}` : `${WIDE[h]}x${h}`;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const origin = `http://${req.headers.host}`;
      if (req.method === 'GET' && url.pathname === '/api/v1/videos/models') {
        emu.stats.listings++;
        if (fault(res, 'models')) return;
        return sendJson(res, 200, {
          data: emu.listing.map(({ usd_per_second: _, ...m }) => ({
            ...m,
            canonical_slug: m.id,
            created: 1764000000,
            allowed_passthrough_parameters: [],
            creativity: null,
            upscale_factor: null,
            pricing_skus: null,
          })),
        });
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return sendJson(res, 401, err(401, 'No auth credentials found'));
      if (req.method === 'POST' && url.pathname === '/api/v1/videos') {
        const b = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
        if (fault(res, 'submit')) return;
        emu.requests.push(b);
        const m = emu.listing.find((x) => x.id === b.model);
        if (!m)
          return sendJson(
            res,
            404,
            err(404, `Model ${String(b.model)} does not exist or has no video endpoints`),
          );
        if (typeof b.prompt !== 'string' || !b.prompt)
          return sendJson(res, 400, err(400, 'prompt is required'));
        const seconds = Number(b.duration ?? m.supported_durations?.[0] ?? 5);
        if (m.supported_durations && !m.supported_durations.includes(seconds))
          return sendJson(
            res,
            400,
            err(
              400,
              `duration ${seconds} is not supported by ${m.id}; supported: ${m.supported_durations.join(', ')}`,
            ),
          );
        const size = sizeOf(m, b);
        if (typeof size !== 'string') return sendJson(res, 400, err(400, size.error));
        for (const f of (b.frame_images as
          | Array<{ frame_type?: string; image_url?: { url?: string } }>
          | undefined) ?? []) {
          if (!m.supported_frame_images?.includes(String(f.frame_type)))
            return sendJson(res, 400, err(400, `frame_type ${f.frame_type} is not supported by ${m.id}`));
          if (!/^(data:image\/|https:\/\/)/.test(String(f.image_url?.url)))
            return sendJson(
              res,
              400,
              err(400, 'frame_images[].image_url.url must be an https URL or a data URI'),
            );
        }
        if (b.seed !== undefined && !m.seed)
          return sendJson(res, 400, err(400, `${m.id} does not take a seed`));
        emu.stats.submissions++;
        const j: Job = { id: randomUUID(), model: m, createdMs: Date.now(), seconds, size };
        const jf = faults.nextJob();
        if (jf) j.fail = jf;
        jobs.set(j.id, j);
        return sendJson(res, 202, { id: j.id, polling_url: `/api/v1/videos/${j.id}`, status: 'pending' });
      }
      const jm = /^\/api\/v1\/videos\/([0-9a-f-]+)(\/content)?$/.exec(url.pathname);
      if (jm && req.method === 'GET') {
        const j = jobs.get(jm[1]!);
        if (!jm[2]) {
          emu.stats.polls++;
          if (fault(res, 'poll')) return;
          if (!j) return sendJson(res, 404, err(404, 'Video generation job not found'));
          return sendJson(res, 200, view(j, origin));
        }
        emu.stats.downloads++;
        if (fault(res, 'content')) return;
        if (!j) return sendJson(res, 404, err(404, 'Video generation job not found'));
        if (state(j) !== 'completed')
          return sendJson(res, 409, err(409, `Video generation job is ${state(j)}`));
        if (url.searchParams.get('index') && url.searchParams.get('index') !== '0')
          return sendJson(res, 400, err(400, 'index out of range'));
        return sendClip(res, j.ready!, faults.downloads.corrupted());
      }
      sendJson(res, 404, err(404, 'Not Found'));
    } catch (e) {
      sendJson(res, 500, err(500, (e as Error).message));
    }
  });
  const origin = await listenLocal(server, opts.port ?? 0);
  return Object.assign(emu, {
    baseUrl: `${origin}/api/v1`,
    apiKey,
    ...faults.controls,
    close: () => closeEmulator(server, dir),
  });
}
