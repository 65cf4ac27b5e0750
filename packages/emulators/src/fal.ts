/** A local fal queue server (video and image apps) for tests. Over 400 lines because it is one server closure whose routes share the requests, files and fault queues, as the queue does. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { FAL_IMAGE_ENDPOINTS, type ImageJob, imageJobOf } from './fal-image-endpoints.js';
import { closeEmulator, emulatorFaults, listenLocal, readBody, sendClip, sendJson } from './http.js';
import { jobClip } from './job-clip.js';
import { pictureMaker } from './pictures.js';

/**
 * A local stand-in for fal's queue (queue.fal.run), shaped after @fal-ai/client's queue.ts and fal's queue docs:
 * `POST /{endpoint}` queues (`request_id`, `status_url`, `response_url`, `cancel_url`); `GET /{owner}/{alias}/requests/
 * {id}/status?logs=1` moves IN_QUEUE → IN_PROGRESS (with logs) → COMPLETED; `GET …/requests/{id}` is the result
 * (`{video: {url, content_type, file_name, file_size}}`), or the 422/500 a failed request ends with; `PUT …/cancel`.
 * Each endpoint checks its input schema (enums, image_url) when it runs, as fal's apps do. Files are real MP4s.
 * Image apps (fal-image-endpoints.ts) answer `{images: [{url, width, height, content_type}], seed}` the same way.
 */

export interface FalFault {
  status: number;
  body?: unknown;
  /** Retry-After header, seconds. */
  retryAfter?: number;
}
export type FalRoute = 'submit' | 'status' | 'result' | 'cancel';

interface EndpointSpec {
  durations?: string[];
  aspects?: string[];
  resolutions?: string[];
  frames?: [number, number];
  image: boolean;
  size(input: Record<string, unknown>, image?: { width: number; height: number }): string | undefined;
}

const KLING_SIZE: Record<string, string> = { '16:9': '1920x1080', '9:16': '1080x1920', '1:1': '1440x1440' };
const BY_ASPECT_RES: Record<string, string> = {
  '16:9 720p': '1280x720',
  '9:16 720p': '720x1280',
  '16:9 480p': '854x480',
  '9:16 480p': '480x854',
  '16:9 1080p': '1920x1080',
  '9:16 1080p': '1080x1920',
};
const byAspectRes = (input: Record<string, unknown>): string | undefined =>
  BY_ASPECT_RES[`${input.aspect_ratio ?? '16:9'} ${input.resolution ?? '720p'}`];

export const FAL_ENDPOINTS: Record<string, EndpointSpec> = {
  'fal-ai/kling-video/v2.5-turbo/pro/text-to-video': {
    durations: ['5', '10'],
    aspects: ['16:9', '9:16', '1:1'],
    image: false,
    size: (i) => KLING_SIZE[String(i.aspect_ratio ?? '16:9')],
  },
  'fal-ai/kling-video/v2.5-turbo/pro/image-to-video': {
    durations: ['5', '10'],
    image: true,
    size: (_i, img) => (img ? `${img.width}x${img.height}` : undefined),
  },
  'fal-ai/wan/v2.2-a14b/text-to-video': {
    aspects: ['16:9', '9:16', '1:1', 'auto'],
    resolutions: ['480p', '580p', '720p'],
    frames: [17, 161],
    image: false,
    size: byAspectRes,
  },
  'fal-ai/bytedance/seedance/v1/pro/text-to-video': {
    durations: ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
    aspects: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'],
    resolutions: ['480p', '720p', '1080p'],
    image: false,
    size: (i) => byAspectRes({ resolution: '1080p', ...i }),
  },
  'fal-ai/minimax/hailuo-02/standard/text-to-video': {
    durations: ['6', '10'],
    image: false,
    size: () => '1366x768',
  },
};

interface Request {
  id: string;
  endpoint: string;
  appPath: string;
  createdMs: number;
  input: Record<string, unknown>;
  seconds: number;
  size?: string;
  fail?: { status: number; detail: unknown; error_type?: string };
  file?: Promise<string>;
  ready?: string;
  cancelled?: boolean;
  /** Status polls answered so far. */
  polls?: number;
  /** An image request's checked input (image apps only). */
  image?: ImageJob;
}

export interface FalEmulator {
  /** For FAL_BASE_URL: takes the place of https://queue.fal.run. */
  baseUrl: string;
  apiKey: string;
  stats: {
    submissions: number;
    statusChecks: number;
    results: number;
    fileHits: number;
    cancels: number;
    faultsServed: number;
  };
  /** Image results served (each a paid image). */
  imagesServed: number;
  /** Inputs received, in order, with the endpoint they were queued on. */
  inputs: Array<{ endpoint: string; input: Record<string, unknown> }>;
  failNext(route: FalRoute, fault: FalFault, times?: number): void;
  /** The next request runs and then fails: COMPLETED with an error, and its result answers `status` with `detail`. */
  failNextJob(fault: { status: number; detail: unknown; error_type?: string }): void;
  /** The next file fetch answers 403 (the signed file URL expired). */
  expireNextDownload(times?: number): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { 'x-fal-request-id': randomBytes(8).toString('hex'), ...headers });
}
/** Width and height from a PNG data URI's IHDR chunk. */
function pngSize(dataUri: string): { width: number; height: number } | undefined {
  const m = /^data:image\/png;base64,(.+)$/.exec(dataUri);
  if (!m) return undefined;
  const b = Buffer.from(m[1]!, 'base64');
  return b.length > 24 ? { width: b.readUInt32BE(16), height: b.readUInt32BE(20) } : undefined;
}

export async function startFalEmulator(
  /** statusErrors: false leaves `error` out of a failed request's COMPLETED status (only its result says). */
  /** nsfwWords: prompts FLUX's safety checker flags (a black image and has_nsfw_concepts: [true]). */
  opts: {
    latencyMs?: number;
    apiKey?: string;
    fps?: number;
    statusErrors?: boolean;
    nsfwWords?: string[];
  } = {},
): Promise<FalEmulator> {
  const apiKey = opts.apiKey ?? 'fal-emulator-key-id:secret-0000';
  const latencyMs = opts.latencyMs ?? 500;
  const fps = opts.fps ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'bf-fal-emulator-'));
  const requests = new Map<string, Request>();
  const faults = emulatorFaults<FalRoute, FalFault, NonNullable<Request['fail']>>(() => stats.faultsServed++);
  const stats: FalEmulator['stats'] = {
    submissions: 0,
    statusChecks: 0,
    results: 0,
    fileHits: 0,
    cancels: 0,
    faultsServed: 0,
  };
  const inputs: FalEmulator['inputs'] = [];
  let base = '';

  function sendFault(res: ServerResponse, f: FalFault): void {
    send(
      res,
      f.status,
      f.body ?? { detail: 'Internal Server Error' },
      f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
    );
  }

  /** Runs the endpoint's input validation, as the app would when the request starts. */
  function validate(r: Request): void {
    const spec = FAL_ENDPOINTS[r.endpoint]!;
    const errs: Array<{ loc: string[]; msg: string; type: string }> = [];
    const i = r.input;
    if (typeof i.prompt !== 'string' || !i.prompt)
      errs.push({ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' });
    if (spec.durations && i.duration !== undefined && !spec.durations.includes(i.duration as string))
      errs.push({
        loc: ['body', 'duration'],
        msg: `value is not a valid enumeration member; permitted: ${spec.durations.map((d) => `'${d}'`).join(', ')}`,
        type: 'type_error.enum',
      });
    if (spec.aspects && i.aspect_ratio !== undefined && !spec.aspects.includes(String(i.aspect_ratio)))
      errs.push({ loc: ['body', 'aspect_ratio'], msg: 'unexpected value', type: 'type_error.enum' });
    if (spec.resolutions && i.resolution !== undefined && !spec.resolutions.includes(String(i.resolution)))
      errs.push({ loc: ['body', 'resolution'], msg: 'unexpected value', type: 'type_error.enum' });
    if (spec.frames && i.num_frames !== undefined) {
      const n = Number(i.num_frames);
      if (!(n >= spec.frames[0] && n <= spec.frames[1]))
        errs.push({ loc: ['body', 'num_frames'], msg: 'out of range', type: 'value_error.number' });
    }
    const image = typeof i.image_url === 'string' ? pngSize(i.image_url) : undefined;
    if (spec.image && !image)
      errs.push({
        loc: ['body', 'image_url'],
        msg: 'field required (an image URL or data URI)',
        type: 'value_error.missing',
      });
    if (errs.length) {
      r.fail = { status: 422, detail: errs };
      return;
    }
    r.size = spec.size(i, image);
    r.seconds = spec.frames
      ? (Number(i.num_frames ?? 81) - 1) / Number(i.frames_per_second ?? 16)
      : Number(i.duration ?? spec.durations?.[0] ?? 5);
  }

  const picture = pictureMaker(dir);
  let imagesServed = 0;

  /** An image app's run: its input checked (a 422 when wrong), then the picture written to a file. */
  function runImage(r: Request): void {
    const job = imageJobOf(r.endpoint, r.input, opts.nsfwWords ?? []);
    if ('issues' in job) {
      r.fail = { status: 422, detail: job.issues };
      return;
    }
    r.image = job;
    const out = join(dir, `${r.id}.${job.format}`);
    r.file = job.nsfw
      ? runFfmpeg(['-f', 'lavfi', '-i', `color=black:size=${job.size}`, '-frames:v', '1', out]).then(
          () => out,
        )
      : picture(job.size, job.format, job.reference).then(async (bytes) => {
          await writeFile(out, bytes);
          return out;
        });
  }

  function render(r: Request): Promise<string> {
    return jobClip(dir, r.id, { size: r.size!, seconds: r.seconds }, { fps });
  }

  function state(r: Request): 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' {
    const elapsed = Date.now() - r.createdMs;
    if (r.cancelled) return 'COMPLETED';
    if (elapsed < latencyMs * 0.25) return 'IN_QUEUE';
    if (!r.file && !r.fail) {
      if (FAL_IMAGE_ENDPOINTS[r.endpoint]) runImage(r);
      else {
        validate(r);
        if (!r.fail) r.file = render(r);
      }
      r.file?.then((p) => {
        r.ready = p;
      });
    }
    return elapsed >= latencyMs && (r.fail || r.ready) ? 'COMPLETED' : 'IN_PROGRESS';
  }

  const urls = (r: Request) => ({
    request_id: r.id,
    response_url: `${base}/${r.appPath}/requests/${r.id}`,
    status_url: `${base}/${r.appPath}/requests/${r.id}/status`,
    cancel_url: `${base}/${r.appPath}/requests/${r.id}/cancel`,
  });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      // Result files are public CDN links (no key), like v3.fal.media's.
      const file = /^\/files\/([a-f0-9]+)\/(output\.mp4|image\.(png|jpeg))$/.exec(url.pathname);
      if (file && req.method === 'GET') {
        stats.fileHits++;
        const r = requests.get(file[1]!);
        if (faults.downloads.expired()) return send(res, 403, { detail: 'Signed URL expired' });
        if (!r?.ready) return send(res, 404, { detail: 'File not found' });
        if (r.image) {
          const bytes = await readFile(r.ready);
          res.writeHead(200, { 'content-type': `image/${r.image.format}`, 'content-length': bytes.length });
          return res.end(bytes);
        }
        return sendClip(res, r.ready, faults.downloads.corrupted());
      }
      if (req.headers.authorization !== `Key ${apiKey}`)
        return send(res, 401, { detail: 'Authentication is required to access this application.' });
      const path = url.pathname.replace(/^\/+/, '');
      const reqRoute = /^([^/]+\/[^/]+)\/requests\/([a-f0-9-]+)(\/status|\/cancel)?$/.exec(path);
      if (reqRoute) {
        const r = requests.get(reqRoute[2]!);
        const what = reqRoute[3];
        if (what === '/status' && req.method === 'GET') {
          stats.statusChecks++;
          const f = faults.take('status');
          if (f) return sendFault(res, f);
          if (!r || r.appPath !== reqRoute[1]) return send(res, 404, { detail: 'Request not found' });
          let s = state(r);
          // The poller sees queued, then running, however late its polls come (a loaded CI machine).
          r.polls = (r.polls ?? 0) + 1;
          if (!r.cancelled && !r.fail && r.polls === 1) s = 'IN_QUEUE';
          else if (!r.cancelled && !r.fail && r.polls === 2 && s === 'COMPLETED') s = 'IN_PROGRESS';
          const logs =
            url.searchParams.get('logs') === '1' && s !== 'IN_QUEUE'
              ? [
                  {
                    message: `Generating: ${Math.min(99, Math.round(((Date.now() - r.createdMs) / latencyMs) * 100))}%`,
                    level: 'INFO',
                    source: 'USER',
                    timestamp: new Date().toISOString(),
                  },
                ]
              : [];
          if (s === 'IN_QUEUE') return send(res, 202, { status: s, queue_position: 0, ...urls(r) });
          if (s === 'IN_PROGRESS') return send(res, 202, { status: s, logs, ...urls(r) });
          return send(res, 200, {
            status: s,
            logs,
            metrics: { inference_time: (Date.now() - r.createdMs) / 1000 },
            ...urls(r),
            ...(r.fail && opts.statusErrors !== false
              ? {
                  error: r.fail.status === 422 ? 'Unprocessable Entity' : 'Internal Server Error',
                  ...(r.fail.error_type ? { error_type: r.fail.error_type } : {}),
                }
              : {}),
          });
        }
        if (what === '/cancel' && req.method === 'PUT') {
          stats.cancels++;
          const f = faults.take('cancel');
          if (f) return sendFault(res, f);
          if (!r) return send(res, 404, { detail: 'Request not found' });
          if (state(r) === 'COMPLETED') return send(res, 400, { status: 'ALREADY_COMPLETED' });
          r.cancelled = true;
          return send(res, 202, { status: 'CANCELLATION_REQUESTED' });
        }
        if (!what && req.method === 'GET') {
          stats.results++;
          const f = faults.take('result');
          if (f) return sendFault(res, f);
          if (!r) return send(res, 404, { detail: 'Request not found' });
          if (state(r) !== 'COMPLETED') return send(res, 400, { detail: 'Request is still in progress' });
          if (r.cancelled) return send(res, 400, { detail: 'Request was cancelled' });
          if (r.fail) return send(res, r.fail.status, { detail: r.fail.detail });
          if (r.image) {
            imagesServed++;
            const [width, height] = r.image.size.split('x').map(Number);
            const { format, flux, nsfw } = r.image;
            return send(res, 200, {
              images: [
                {
                  url: `${base}/files/${r.id}/image.${format}`,
                  width,
                  height,
                  content_type: `image/${format}`,
                  ...(flux
                    ? {}
                    : { file_name: `image.${format}`, file_size: (await readFile(r.ready!)).length }),
                },
              ],
              seed: Number(r.input.seed ?? 42),
              ...(flux
                ? { has_nsfw_concepts: [nsfw], prompt: r.input.prompt, timings: { inference: 0.4 } }
                : {}),
            });
          }
          return send(res, 200, {
            video: {
              url: `${base}/files/${r.id}/output.mp4`,
              content_type: 'video/mp4',
              file_name: 'output.mp4',
              file_size: (await readFile(r.ready!)).length,
            },
            seed: 42,
          });
        }
      }
      if (req.method === 'POST') {
        const text = await readBody(req);
        const f = faults.take('submit');
        if (f) return sendFault(res, f);
        const endpoint = path;
        if (!FAL_ENDPOINTS[endpoint] && !FAL_IMAGE_ENDPOINTS[endpoint])
          return send(res, 404, { detail: `Application '${endpoint.split('/')[1] ?? endpoint}' not found` });
        const input = JSON.parse(text || '{}') as Record<string, unknown>;
        stats.submissions++;
        inputs.push({ endpoint, input });
        const [owner, alias] = endpoint.split('/');
        const r: Request = {
          id: randomBytes(8).toString('hex'),
          endpoint,
          appPath: `${owner}/${alias}`,
          createdMs: Date.now(),
          input,
          seconds: 5,
        };
        const jf = faults.nextJob();
        if (jf) r.fail = jf;
        requests.set(r.id, r);
        return send(res, 200, { ...urls(r), queue_position: 0 });
      }
      send(res, 404, { detail: `Path /${path} not found` });
    } catch (err) {
      send(res, 500, { detail: (err as Error).message });
    }
  });
  base = await listenLocal(server);
  return {
    baseUrl: base,
    apiKey,
    stats,
    get imagesServed() {
      return imagesServed;
    },
    inputs,
    ...faults.controls,
    close: () => closeEmulator(server, dir),
  };
}
