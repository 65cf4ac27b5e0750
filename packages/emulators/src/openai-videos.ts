/** A local OpenAI Videos API server for tests. Over 400 lines because it is one server closure whose route table and per-route handlers share the jobs, assets and fault queues, as the service does. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { closeServer, readBodyBytes, sendJson } from './http.js';
import { type ImageRequestRecord, type OpenAIImagesOptions, openAIImagesRoutes } from './openai-images.js';

/**
 * A local stand-in for the OpenAI Videos API (`/v1/videos`), shaped after the official SDK's types
 * (openai/resources/videos.d.ts): Video objects, queued → in_progress → completed|failed, content variants,
 * remix, delete, and the error bodies and status codes OpenAI sends. The assets are real files made by ffmpeg.
 * It serves the Images API beside it (openai-images.ts), as one OpenAI base URL does.
 */

export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

/** The Video object, as the SDK's `Video` type describes it. */
export interface EmulatedVideo {
  id: string;
  object: 'video';
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  error: { code: string; message: string } | null;
  model: string;
  progress: number;
  prompt: string | null;
  remixed_from_video_id: string | null;
  seconds: string;
  size: string;
  status: VideoStatus;
}

/** An HTTP error the next matching request gets, as OpenAI would send it. */
export interface HttpFault {
  status: number;
  code?: string | null;
  type?: string;
  message?: string;
  /** Retry-After header, seconds. */
  retryAfter?: number;
}

export type Route =
  | 'create'
  | 'retrieve'
  | 'content'
  | 'remix'
  | 'delete'
  | 'list'
  | 'image-generate'
  | 'image-edit';
/** The routes on `/v1/videos` (the image routes are `openai-images.ts`'s). */
type VideoRoute = Exclude<Route, 'image-generate' | 'image-edit'>;

export interface OpenAIVideosEmulatorOptions extends OpenAIImagesOptions {
  /** The key clients must send (Authorization: Bearer …). */
  apiKey?: string;
  /** More keys of the same account it accepts (a key ring). */
  extraApiKeys?: string[];
  /** Keys whose account is out of credit: every request answers 429 insufficient_quota, as OpenAI does. */
  exhaustedApiKeys?: string[];
  /** Time from creation to completion, ms (queued for the first fifth). */
  latencyMs?: number;
  /** Models it serves. */
  models?: string[];
  /** Models it answers 404 model_not_found for, as OpenAI does for retired ones. */
  retiredModels?: string[];
  /** Prompts containing any of these words are refused at creation (400 moderation_blocked). */
  blockedWords?: string[];
  /** Frame rate of the generated MP4s (low keeps tests fast). */
  fps?: number;
  port?: number;
}

export interface OpenAIVideosEmulator {
  /** Base URL for the SDK (`baseURL`): ends in /v1. */
  baseUrl: string;
  apiKey: string;
  stats: {
    submissions: number;
    retrieves: number;
    downloads: Record<'video' | 'thumbnail' | 'spritesheet', number>;
    remixes: number;
    deletes: number;
    /** input_reference uploads received: content type and byte length. */
    references: Array<{
      videoId: string;
      contentType: string;
      bytes: number;
      width?: number;
      height?: number;
    }>;
    /** Requests answered with an injected fault. */
    faultsServed: number;
    /** Requests refused because their key's account is out of credit (exhaustedApiKeys). */
    quotaRefusals: number;
  };
  videos: Map<string, EmulatedVideo>;
  /** The Images API's side: every image request received (refused ones too) and the ones served. */
  images: {
    requests: ImageRequestRecord[];
    stats: { generations: number; edits: number; moderationRefusals: number };
  };
  /** The next `times` requests to `route` ('any' for every route) fail with this HTTP error. */
  failNext(route: Route | 'any', fault: HttpFault, times?: number): void;
  /** The next created job ends `failed` with this error instead of completing. */
  failNextJob(error: { code: string; message: string }): void;
  /** The next `times` video downloads return broken bytes with status 200. */
  corruptNextDownload(times?: number): void;
  /** Clears every armed fault. */
  clearFaults(): void;
  close(): Promise<void>;
}

interface Job {
  video: EmulatedVideo;
  createdMs: number;
  failWith?: { code: string; message: string };
  assets?: Promise<{ video: string; thumbnail: string; spritesheet: string }>;
  deleted?: boolean;
  /** Its assets exist (or failed to), so it may leave in_progress. */
  ready?: boolean;
}

const SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
const SECONDS = ['4', '8', '12'];
/** sora-2 makes 720p only; 1024x1792 and 1792x1024 are sora-2-pro's. */
const SORA2_SIZES = ['720x1280', '1280x720'];
const SORA2_SIZES_ONLY = new Set(['sora-2', 'sora-2-2025-10-06', 'sora-2-2025-12-08']);

function errorBody(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

/** What the API answers a parameter outside its values (`supported` worded as the API words the list). */
const invalidValue = (param: string, value: string, supported: string) =>
  errorBody(
    `Invalid value: '${value}'. Supported values are: ${supported}.`,
    'invalid_request_error',
    param,
    'invalid_value',
  );

/** What the API answers a create or a remix without a prompt. */
const MISSING_PROMPT = errorBody(
  "Missing required parameter: 'prompt'.",
  'invalid_request_error',
  'prompt',
  'missing_required_parameter',
);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendJson(res, status, body, { 'x-request-id': `req_${randomBytes(8).toString('hex')}`, ...headers });
}

export async function startOpenAIVideosEmulator(
  opts: OpenAIVideosEmulatorOptions = {},
): Promise<OpenAIVideosEmulator> {
  const apiKey = opts.apiKey ?? 'sk-emulator-test-key-0000';
  const latencyMs = opts.latencyMs ?? 600;
  const models = opts.models ?? ['sora-2', 'sora-2-pro'];
  const retired = opts.retiredModels ?? [];
  const blocked = (opts.blockedWords ?? []).map((w) => w.toLowerCase());
  const fps = opts.fps ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'bf-openai-emulator-'));
  const images = openAIImagesRoutes(dir, opts);
  const jobs = new Map<string, Job>();
  const videos = new Map<string, EmulatedVideo>();
  const faults: Array<{ route: Route | 'any'; fault: HttpFault; left: number }> = [];
  const jobFaults: Array<{ code: string; message: string }> = [];
  let corrupt = 0;
  const stats: OpenAIVideosEmulator['stats'] = {
    submissions: 0,
    retrieves: 0,
    downloads: { video: 0, thumbnail: 0, spritesheet: 0 },
    remixes: 0,
    deletes: 0,
    references: [],
    faultsServed: 0,
    quotaRefusals: 0,
  };

  /** Real files for a finished job: an H.264 MP4 with sound, a WebP thumbnail and a JPEG sprite sheet. */
  function makeAssets(job: Job) {
    const [w, h] = job.video.size.split('x').map(Number) as [number, number];
    const secs = Number(job.video.seconds);
    const base = join(dir, job.video.id);
    const hue = Number.parseInt(job.video.id.slice(-4), 16) % 360;
    return (async () => {
      await runFfmpeg([
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${w}x${h}:rate=${fps}:duration=${secs}`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=330:sample_rate=48000:duration=${secs}`,
        '-vf',
        `hue=h=${hue}`,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-shortest',
        '-movflags',
        '+faststart',
        `${base}.mp4`,
      ]);
      await runFfmpeg([
        '-ss',
        '0',
        '-i',
        `${base}.mp4`,
        '-frames:v',
        '1',
        '-vf',
        'scale=320:-2',
        '-c:v',
        'libwebp',
        `${base}.webp`,
      ]);
      await runFfmpeg([
        '-i',
        `${base}.mp4`,
        '-vf',
        `fps=${Math.max(1, 4 / secs)},scale=160:-2,tile=2x2`,
        '-frames:v',
        '1',
        `${base}.jpg`,
      ]);
      return { video: `${base}.mp4`, thumbnail: `${base}.webp`, spritesheet: `${base}.jpg` };
    })();
  }

  /** Advances a job by wall-clock time since its creation, the way the real service's status moves. */
  function refresh(job: Job): EmulatedVideo {
    const v = job.video;
    if (v.status === 'completed' || v.status === 'failed') return v;
    const elapsed = Date.now() - job.createdMs;
    if (elapsed < latencyMs * 0.2) {
      v.status = 'queued';
      v.progress = 0;
      return v;
    }
    if (!job.assets) {
      job.assets = makeAssets(job);
      // Completion waits for the assets, so a "completed" job always has its files.
      job.assets.then(
        () => {
          job.ready = true;
        },
        () => {
          job.failWith ??= { code: 'internal_error', message: 'emulator could not render the clip' };
          job.ready = true;
        },
      );
    }
    v.status = 'in_progress';
    v.progress = Math.min(99, Math.floor((elapsed / latencyMs) * 100));
    if (elapsed >= latencyMs) {
      if (job.failWith) {
        v.status = 'failed';
        v.error = job.failWith;
        v.completed_at = Math.floor(Date.now() / 1000);
      } else if (job.ready) {
        v.status = 'completed';
        v.progress = 100;
        v.completed_at = Math.floor(Date.now() / 1000);
        v.expires_at = v.completed_at + 3600;
      }
    }
    return v;
  }

  function newJob(
    fields: Pick<EmulatedVideo, 'model' | 'prompt' | 'seconds' | 'size'> & { remixOf?: string },
  ): Job {
    const id = `video_${randomBytes(12).toString('hex')}`;
    const video: EmulatedVideo = {
      id,
      object: 'video',
      created_at: Math.floor(Date.now() / 1000),
      completed_at: null,
      expires_at: null,
      error: null,
      model: fields.model,
      progress: 0,
      prompt: fields.prompt,
      remixed_from_video_id: fields.remixOf ?? null,
      seconds: fields.seconds,
      size: fields.size,
      status: 'queued',
    };
    const job: Job = { video, createdMs: Date.now() };
    const f = jobFaults.shift();
    if (f) job.failWith = f;
    jobs.set(id, job);
    videos.set(id, video);
    return job;
  }

  function takeFault(route: Route): HttpFault | undefined {
    const i = faults.findIndex((f) => f.route === route || f.route === 'any');
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.left--;
    if (f.left <= 0) faults.splice(i, 1);
    stats.faultsServed++;
    return f.fault;
  }

  function sendFault(res: ServerResponse, f: HttpFault) {
    const type =
      f.type ??
      (f.status === 429
        ? 'rate_limit_exceeded'
        : f.status >= 500
          ? 'server_error'
          : f.status === 401
            ? 'invalid_request_error'
            : 'invalid_request_error');
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    send(res, f.status, errorBody(f.message ?? `emulated ${f.status}`, type, null, f.code ?? null), headers);
  }

  async function parseCreate(req: IncomingMessage, raw: Buffer) {
    const ctype = String(req.headers['content-type'] ?? '');
    const fields: Record<string, string> = {};
    let reference: { type: string; bytes: Buffer } | undefined;
    if (ctype.startsWith('multipart/form-data')) {
      const form = await new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': ctype },
        body: new Uint8Array(raw),
      }).formData();
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') fields[k] = v;
        else if (k === 'input_reference')
          reference = { type: v.type, bytes: Buffer.from(await v.arrayBuffer()) };
      }
    } else {
      const json = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) if (typeof v === 'string') fields[k] = v;
      const ir = json.input_reference as { image_url?: string } | undefined;
      const m = ir?.image_url ? /^data:([^;]+);base64,(.*)$/.exec(ir.image_url) : null;
      if (m) reference = { type: m[1]!, bytes: Buffer.from(m[2]!, 'base64') };
    }
    return { fields, reference };
  }

  /** What a route's handler gets: the request, its URL, the video id in the path (if any) and the raw body. */
  interface Call {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    id: string | undefined;
    raw: Buffer;
  }

  /** The Videos API's routes, tried in order (the last one takes any other call on a video, as the service does). */
  const VIDEO_ROUTES: Array<{ route: VideoRoute; when(method: string, id?: string, sub?: string): boolean }> =
    [
      { route: 'create', when: (m, id) => m === 'POST' && !id },
      { route: 'list', when: (m, id) => m === 'GET' && !id },
      { route: 'delete', when: (m) => m === 'DELETE' },
      { route: 'remix', when: (m, _id, sub) => m === 'POST' && sub === 'remix' },
      { route: 'content', when: (_m, _id, sub) => sub === 'content' },
      { route: 'retrieve', when: () => true },
    ];

  /** Sends the 401/429 an OpenAI key gets, or nothing when the key is good. */
  function refuseKey(req: IncomingMessage, res: ServerResponse): boolean {
    const auth = String(req.headers.authorization ?? '');
    const given = auth.replace(/^Bearer\s+/, '');
    if (opts.exhaustedApiKeys?.includes(given)) {
      stats.quotaRefusals++;
      send(
        res,
        429,
        errorBody(
          'You exceeded your current quota, please check your plan and billing details.',
          'insufficient_quota',
          null,
          'insufficient_quota',
        ),
      );
      return true;
    }
    if (given !== apiKey && !opts.extraApiKeys?.includes(given)) {
      const shown = auth.replace(/^Bearer\s+/, '');
      send(
        res,
        401,
        errorBody(
          `Incorrect API key provided: ${shown ? `${shown.slice(0, 3)}***${shown.slice(-4)}` : '(none)'}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_request_error',
          null,
          'invalid_api_key',
        ),
      );
      return true;
    }
    return false;
  }

  async function create({ req, res, raw }: Call): Promise<void> {
    const { fields, reference } = await parseCreate(req, raw);
    const model = fields.model ?? 'sora-2';
    const seconds = fields.seconds ?? '4';
    const size = fields.size ?? '720x1280';
    if (!fields.prompt) return void send(res, 400, MISSING_PROMPT);
    if (retired.includes(model) || !models.includes(model)) {
      return void send(
        res,
        404,
        errorBody(
          `The model '${model}' does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model',
          'model_not_found',
        ),
      );
    }
    if (!SECONDS.includes(seconds)) {
      return void send(res, 400, invalidValue('seconds', seconds, "'4', '8', and '12'"));
    }
    if (!SIZES.includes(size) || (SORA2_SIZES_ONLY.has(model) && !SORA2_SIZES.includes(size))) {
      const sizes = SORA2_SIZES_ONLY.has(model) ? SORA2_SIZES : SIZES;
      return void send(res, 400, invalidValue('size', size, sizes.map((s) => `'${s}'`).join(', ')));
    }
    const lower = fields.prompt.toLowerCase();
    if (blocked.some((w) => lower.includes(w))) {
      return void send(
        res,
        400,
        errorBody(
          'Your request was blocked by our moderation system.',
          'invalid_request_error',
          'prompt',
          'moderation_blocked',
        ),
      );
    }
    let refInfo: { width?: number; height?: number } = {};
    if (reference) {
      // The service requires the reference image to match the requested size.
      const path = join(dir, `ref-${randomBytes(6).toString('hex')}`);
      await writeFile(path, reference.bytes);
      try {
        const info = await probeMedia(path);
        refInfo = { width: info.video?.width, height: info.video?.height };
      } catch {
        return void send(
          res,
          400,
          errorBody(
            'input_reference is not a supported image.',
            'invalid_request_error',
            'input_reference',
            'invalid_value',
          ),
        );
      }
      if (`${refInfo.width}x${refInfo.height}` !== size) {
        return void send(
          res,
          400,
          errorBody(
            `Inpaint image must match the requested width and height (${size}).`,
            'invalid_request_error',
            'input_reference',
            'invalid_value',
          ),
        );
      }
    }
    stats.submissions++;
    const job = newJob({ model, prompt: fields.prompt, seconds, size });
    if (reference)
      stats.references.push({
        videoId: job.video.id,
        contentType: reference.type,
        bytes: reference.bytes.length,
        ...refInfo,
      });
    return void send(res, 200, job.video);
  }

  function list({ res }: Call): void {
    const data = [...jobs.values()].filter((j) => !j.deleted).map((j) => refresh(j));
    send(res, 200, {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: false,
    });
  }

  function retrieve(res: ServerResponse, job: Job): void {
    stats.retrieves++;
    send(res, 200, refresh(job));
  }

  function remove(res: ServerResponse, job: Job): void {
    stats.deletes++;
    job.deleted = true;
    send(res, 200, { id: job.video.id, deleted: true, object: 'video.deleted' });
  }

  function remix({ res, raw }: Call, job: Job): void {
    const v = refresh(job);
    if (v.status !== 'completed') {
      return void send(
        res,
        400,
        errorBody('Only completed videos can be remixed.', 'invalid_request_error', null, 'invalid_state'),
      );
    }
    const body = JSON.parse(raw.toString() || '{}') as { prompt?: string };
    if (!body.prompt) return void send(res, 400, MISSING_PROMPT);
    stats.remixes++;
    stats.submissions++;
    const remix = newJob({
      model: v.model,
      prompt: body.prompt,
      seconds: v.seconds,
      size: v.size,
      remixOf: v.id,
    });
    send(res, 200, remix.video);
  }

  async function content({ res, url }: Call, job: Job): Promise<void> {
    const variant = url.searchParams.get('variant') ?? 'video';
    if (!['video', 'thumbnail', 'spritesheet'].includes(variant)) {
      return void send(res, 400, invalidValue('variant', variant, "'video', 'thumbnail', and 'spritesheet'"));
    }
    if (refresh(job).status !== 'completed' || !job.assets) {
      return void send(
        res,
        404,
        errorBody(
          'Video is not ready yet; wait until its status is completed.',
          'invalid_request_error',
          null,
          'video_not_ready',
        ),
      );
    }
    const assets = await job.assets;
    const key = variant as 'video' | 'thumbnail' | 'spritesheet';
    stats.downloads[key]++;
    let bytes = await readFile(assets[key]);
    if (key === 'video' && corrupt > 0) {
      corrupt--;
      // A truncated transfer: the right headers, half the bytes, the moov atom's tail missing.
      bytes = Buffer.concat([bytes.subarray(0, 64), randomBytes(Math.floor(bytes.length / 2))]);
    }
    const type = key === 'video' ? 'video/mp4' : key === 'thumbnail' ? 'image/webp' : 'image/jpeg';
    res.writeHead(200, { 'content-type': type, 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  /** Each route's handler; the ones on one video find it first (404 when it is gone). */
  const HANDLERS: Record<VideoRoute, (call: Call) => void | Promise<void>> = {
    create,
    list,
    retrieve: (call) => withJob(call, (job) => retrieve(call.res, job)),
    delete: (call) => withJob(call, (job) => remove(call.res, job)),
    remix: (call) => withJob(call, (job) => remix(call, job)),
    content: (call) => withJob(call, (job) => content(call, job)),
  };

  function withJob(call: Call, fn: (job: Job) => void | Promise<void>): void | Promise<void> {
    const job = call.id ? jobs.get(call.id) : undefined;
    if (!job || job.deleted) {
      send(
        call.res,
        404,
        errorBody(`Video with id '${call.id}' not found.`, 'invalid_request_error', null, 'video_not_found'),
      );
      return;
    }
    return fn(job);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
    const imageRoute = parts[1] === 'images' && req.method === 'POST' ? parts[2] : undefined;
    if (
      parts[0] !== 'v1' ||
      (parts[1] !== 'videos' && imageRoute !== 'generations' && imageRoute !== 'edits')
    ) {
      return send(
        res,
        404,
        errorBody(`Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error', null, null),
      );
    }
    if (refuseKey(req, res)) return;
    if (imageRoute === 'generations' || imageRoute === 'edits') {
      const raw = await readBodyBytes(req);
      const fault = takeFault(imageRoute === 'edits' ? 'image-edit' : 'image-generate');
      if (fault) return sendFault(res, fault);
      const a = await images.answer(imageRoute, req, raw);
      return send(res, a.status, a.body);
    }
    const [id, sub] = [parts[2], parts[3]];
    const method = req.method ?? 'GET';
    const { route } = VIDEO_ROUTES.find((r) => r.when(method, id, sub))!;
    const raw = await readBodyBytes(req);
    const fault = takeFault(route);
    if (fault) return sendFault(res, fault);
    await HANDLERS[route]({ req, res, url, id, raw });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, errorBody(`emulator error: ${(err as Error).message}`, 'server_error', null, null));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    stats,
    videos,
    images: { requests: images.requests, stats: images.stats },
    failNext(route, fault, times = 1) {
      faults.push({ route, fault, left: times });
    },
    failNextJob(error) {
      jobFaults.push(error);
    },
    corruptNextDownload(times = 1) {
      corrupt += times;
    },
    clearFaults() {
      faults.length = 0;
      jobFaults.length = 0;
      corrupt = 0;
    },
    async close() {
      await closeServer(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
