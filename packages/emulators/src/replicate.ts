import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeEmulator, emulatorFaults, listenLocal, readBody, sendClip, sendJson } from './http.js';
import { startJobClip } from './job-clip.js';

/**
 * A local stand-in for Replicate's HTTP API (api.replicate.com/v1), shaped after the official `replicate` client
 * (lib/predictions.js) and Replicate's API docs: `POST /v1/models/{owner}/{name}/predictions` (official models, latest
 * version) and `POST /v1/predictions {version}` (a pinned version: 422 "Invalid version or not permitted" when
 * unknown) → 201 prediction; `GET /v1/predictions/{id}` moves starting → processing (tqdm progress in `logs`) →
 * succeeded with `output` (a file URL) | failed with `error`; `POST /v1/predictions/{id}/cancel`. Errors are
 * problem details `{title, detail, status}` (422 with `invalid_fields` for a bad input). Output files are real MP4s
 * and are deleted `outputTtlMs` after the prediction completed (an hour on Replicate): the file answers 404 and the
 * prediction says `data_removed: true`. A `webhook` gets the finished prediction POSTed to it.
 */

export interface ReplicateFault {
  status: number;
  body?: unknown;
  retryAfter?: number;
}
export type ReplicateRoute = 'create' | 'get' | 'cancel';

interface ModelSchema {
  enums: Record<string, Array<string | number>>;
  ranges?: Record<string, [number, number]>;
  image?: string;
  imageRequired?: boolean;
  size(input: Record<string, unknown>): string | undefined;
  seconds(input: Record<string, unknown>): number;
}

const ASPECT_RES: Record<string, string> = {
  '16:9 480p': '832x480',
  '9:16 480p': '480x832',
  '16:9 720p': '1280x720',
  '9:16 720p': '720x1280',
};
const SEEDANCE: Record<string, string> = {
  '16:9 480p': '864x480',
  '9:16 480p': '480x864',
  '1:1 480p': '640x640',
  '16:9 720p': '1248x704',
  '9:16 720p': '704x1248',
  '1:1 720p': '960x960',
};
const wanFrames = (i: Record<string, unknown>) =>
  (Number(i.num_frames ?? 81) - 1) / Number(i.frames_per_second ?? 16);

export const REPLICATE_SCHEMAS: Record<string, ModelSchema> = {
  'wan-video/wan-2.2-t2v-fast': {
    enums: { resolution: ['480p', '720p'], aspect_ratio: ['16:9', '9:16'] },
    ranges: { num_frames: [81, 121], frames_per_second: [5, 30] },
    size: (i) => ASPECT_RES[`${i.aspect_ratio ?? '16:9'} ${i.resolution ?? '480p'}`],
    seconds: wanFrames,
  },
  'wan-video/wan-2.2-i2v-fast': {
    enums: { resolution: ['480p', '720p'], aspect_ratio: ['16:9', '9:16'] },
    ranges: { num_frames: [81, 121], frames_per_second: [5, 30] },
    image: 'image',
    imageRequired: true,
    size: (i) => ASPECT_RES[`${i.aspect_ratio ?? '16:9'} ${i.resolution ?? '480p'}`],
    seconds: wanFrames,
  },
  'bytedance/seedance-1-lite': {
    enums: {
      duration: [5, 10],
      resolution: ['480p', '720p', '1080p'],
      aspect_ratio: ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', '9:21'],
    },
    image: 'image',
    size: (i) => SEEDANCE[`${i.aspect_ratio ?? '16:9'} ${i.resolution ?? '720p'}`],
    seconds: (i) => Number(i.duration ?? 5),
  },
  'minimax/hailuo-02': {
    enums: { duration: [6, 10], resolution: ['512p', '768p', '1080p'] },
    image: 'first_frame_image',
    size: (i) => (i.resolution === '1080p' ? '1920x1080' : i.resolution === '512p' ? '912x512' : '1366x768'),
    seconds: (i) => Number(i.duration ?? 6),
  },
};

interface Pred {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  createdMs: number;
  webhook?: string;
  fail?: string;
  canceled?: boolean;
  size?: string;
  seconds: number;
  file?: Promise<string>;
  ready?: string;
  completedMs?: number;
  notified?: boolean;
}

export interface ReplicateEmulator {
  /** For REPLICATE_BASE_URL (the client's baseUrl): `<origin>/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Latest version id of each model (`owner/name` → 64 hex), for pinning. */
  versions: Record<string, string>;
  stats: { submissions: number; gets: number; fileHits: number; cancels: number; webhooks: number };
  /** Create requests received: model, version and input. */
  inputs: Array<{ model: string; version: string; input: Record<string, unknown> }>;
  failNext(route: ReplicateRoute, fault: ReplicateFault, times?: number): void;
  /** The next prediction fails with this `error` string. */
  failNextJob(error: string): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  /** Moves every finished prediction past its output's lifetime (as if an hour went by). */
  expireOutputs(): void;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}) => ({
  title,
  detail,
  status,
  ...extra,
});

export async function startReplicateEmulator(
  opts: { latencyMs?: number; apiKey?: string; outputTtlMs?: number; fps?: number; port?: number } = {},
): Promise<ReplicateEmulator> {
  const apiKey = opts.apiKey ?? `r8_${randomBytes(16).toString('hex')}`;
  const latencyMs = opts.latencyMs ?? 1000;
  let ttl = opts.outputTtlMs ?? 60 * 60 * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'bf-replicate-emulator-'));
  const preds = new Map<string, Pred>();
  const versions = Object.fromEntries(
    Object.keys(REPLICATE_SCHEMAS).map((m) => [m, randomBytes(32).toString('hex')]),
  );
  const byVersion = new Map(Object.entries(versions).map(([m, v]) => [v, m]));
  const faults = emulatorFaults<ReplicateRoute, ReplicateFault, string>();
  const stats: ReplicateEmulator['stats'] = { submissions: 0, gets: 0, fileHits: 0, cancels: 0, webhooks: 0 };
  const inputs: ReplicateEmulator['inputs'] = [];
  let base = '';

  function status(p: Pred): 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' {
    if (p.canceled) return 'canceled';
    const age = Date.now() - p.createdMs;
    if (age < latencyMs * 0.25) return 'starting';
    startJobClip(dir, p, { fps: opts.fps ?? 16, motion: true });
    if (age < latencyMs || !(p.fail || p.ready)) return 'processing';
    p.completedMs ??= Date.now();
    return p.fail ? 'failed' : 'succeeded';
  }

  function view(p: Pred) {
    const s = status(p);
    const removed = !!p.completedMs && Date.now() - p.completedMs > ttl;
    const pct = Math.min(100, Math.round(((Date.now() - p.createdMs) / latencyMs) * 100));
    const body = {
      id: p.id,
      model: p.model,
      version: p.version,
      input: removed ? {} : p.input,
      logs:
        s === 'starting'
          ? ''
          : `Generating video\n${pct}%|${'█'.repeat(Math.floor(pct / 10))} | ${pct}/100\n`,
      output: s === 'succeeded' && !removed ? `${base}/delivery/${p.id}/output.mp4` : null,
      data_removed: removed,
      error: s === 'failed' ? p.fail : null,
      status: s,
      source: 'api',
      created_at: new Date(p.createdMs).toISOString(),
      ...(s !== 'starting' ? { started_at: new Date(p.createdMs + latencyMs * 0.25).toISOString() } : {}),
      ...(p.completedMs ? { completed_at: new Date(p.completedMs).toISOString() } : {}),
      ...(p.completedMs ? { metrics: { predict_time: (p.completedMs - p.createdMs) / 1000 } } : {}),
      urls: {
        get: `${base}/v1/predictions/${p.id}`,
        cancel: `${base}/v1/predictions/${p.id}/cancel`,
        web: `https://replicate.com/p/${p.id}`,
      },
      ...(p.webhook ? { webhook: p.webhook, webhook_events_filter: ['completed'] } : {}),
    };
    if ((s === 'succeeded' || s === 'failed') && p.webhook && !p.notified) {
      p.notified = true;
      stats.webhooks++;
      void fetch(p.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch(() => {});
    }
    return body;
  }

  function fault(res: ServerResponse, route: ReplicateRoute): boolean {
    const f = faults.take(route);
    if (!f) return false;
    sendJson(res, f.status, f.body ?? problem(f.status, 'Internal Server Error', 'Something went wrong'), {
      ...(f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {}),
    });
    return true;
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const file = /^\/delivery\/([a-z0-9]+)\/output\.mp4$/.exec(url.pathname);
      if (file && req.method === 'GET') {
        stats.fileHits++;
        const p = preds.get(file[1]!);
        if (!p?.ready || (p.completedMs && Date.now() - p.completedMs > ttl))
          return void res.writeHead(404).end();
        return sendClip(res, p.ready, faults.downloads.corrupted());
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return sendJson(
          res,
          401,
          problem(401, 'Unauthenticated', 'You did not pass a valid authentication token'),
        );
      const modelRoute = /^\/v1\/models\/([^/]+\/[^/]+)\/predictions$/.exec(url.pathname);
      if (req.method === 'POST' && (modelRoute || url.pathname === '/v1/predictions')) {
        const body = JSON.parse((await readBody(req)) || '{}') as {
          version?: string;
          input?: Record<string, unknown>;
          webhook?: string;
        };
        if (fault(res, 'create')) return;
        let model = modelRoute?.[1];
        let version = model ? versions[model] : undefined;
        if (!modelRoute) {
          const v = String(body.version ?? '')
            .split(':')
            .at(-1)!;
          model = byVersion.get(v);
          version = v;
          if (!model)
            return sendJson(
              res,
              422,
              problem(
                422,
                'Invalid version or not permitted',
                "The specified version does not exist (or perhaps you don't have permission to use it?)",
              ),
            );
        }
        const schema = REPLICATE_SCHEMAS[model!];
        if (!schema)
          return sendJson(res, 404, problem(404, 'Not found', 'The requested resource could not be found.'));
        const input = body.input ?? {};
        const invalid: Array<{ type: string; field: string; description: string }> = [];
        if (typeof input.prompt !== 'string' || !input.prompt)
          invalid.push({ type: 'required', field: 'input', description: 'prompt is required' });
        for (const [k, allowed] of Object.entries(schema.enums))
          if (input[k] !== undefined && !allowed.includes(input[k] as string))
            invalid.push({
              type: 'enum',
              field: `input.${k}`,
              description: `${k} must be one of the following: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
            });
        for (const [k, [lo, hi]] of Object.entries(schema.ranges ?? {})) {
          const v = input[k];
          if (v !== undefined && !(Number(v) >= lo && Number(v) <= hi))
            invalid.push({
              type: 'number_range',
              field: `input.${k}`,
              description: `${k} must be between ${lo} and ${hi}`,
            });
        }
        const img = schema.image ? input[schema.image] : undefined;
        if (schema.imageRequired && typeof img !== 'string')
          invalid.push({ type: 'required', field: 'input', description: `${schema.image} is required` });
        if (img !== undefined && !/^(data:image\/|https?:\/\/)/.test(String(img)))
          invalid.push({
            type: 'format',
            field: `input.${schema.image}`,
            description: "Does not match format 'uri'",
          });
        if (invalid.length)
          return sendJson(
            res,
            422,
            problem(
              422,
              'Input validation failed',
              invalid.map((i) => `- ${i.field}: ${i.description}`).join('\n'),
              {
                invalid_fields: invalid,
              },
            ),
          );
        stats.submissions++;
        inputs.push({ model: model!, version: version!, input });
        const p: Pred = {
          id: randomBytes(13).toString('hex').slice(0, 26),
          model: model!,
          version: version!,
          input,
          createdMs: Date.now(),
          seconds: schema.seconds(input),
          ...(schema.size(input) ? { size: schema.size(input)! } : {}),
          ...(body.webhook ? { webhook: body.webhook } : {}),
        };
        const jf = faults.nextJob();
        if (jf) p.fail = jf;
        preds.set(p.id, p);
        return sendJson(res, 201, view(p));
      }
      const pred = /^\/v1\/predictions\/([a-z0-9]+)(\/cancel)?$/.exec(url.pathname);
      if (pred) {
        const p = preds.get(pred[1]!);
        if (pred[2] && req.method === 'POST') {
          stats.cancels++;
          if (fault(res, 'cancel')) return;
          if (!p)
            return sendJson(
              res,
              404,
              problem(404, 'Not found', 'The requested resource could not be found.'),
            );
          if (['starting', 'processing'].includes(status(p))) p.canceled = true;
          return sendJson(res, 200, view(p));
        }
        if (req.method === 'GET') {
          stats.gets++;
          if (fault(res, 'get')) return;
          if (!p)
            return sendJson(
              res,
              404,
              problem(404, 'Not found', 'The requested resource could not be found.'),
            );
          return sendJson(res, 200, view(p));
        }
      }
      sendJson(res, 404, problem(404, 'Not found', 'The requested resource could not be found.'));
    } catch (err) {
      sendJson(res, 500, problem(500, 'Internal Server Error', (err as Error).message));
    }
  });
  base = await listenLocal(server, opts.port ?? 0);
  return {
    baseUrl: `${base}/v1`,
    apiKey,
    versions,
    stats,
    inputs,
    ...faults.controls,
    expireOutputs: () => {
      for (const p of preds.values()) if (p.completedMs) p.completedMs -= ttl + 1000;
      ttl = Math.max(0, ttl);
    },
    close: () => closeEmulator(server, dir),
  };
}
