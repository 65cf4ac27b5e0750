import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeEmulator, emulatorFaults, listenLocal, readBody, sendClip, sendJson } from './http.js';
import { jobClip } from './job-clip.js';

/**
 * A local stand-in for Runway's API (api.dev.runwayml.com), shaped after @runwayml/sdk's resource types and
 * Runway's reference: `POST /v1/text_to_video` and `/v1/image_to_video` answer `{id}`; `GET /v1/tasks/{id}` moves
 * PENDING → RUNNING (progress 0…1) → SUCCEEDED (`output`: signed URLs that expire) or FAILED (`failure`,
 * `failureCode`); `DELETE /v1/tasks/{id}` cancels. It insists on `Authorization: Bearer` and `X-Runway-Version`,
 * checks each model's ratios and durations, and answers errors as `{error, issues?}`. Files are real MP4s.
 */

export interface RunwayFault {
  status: number;
  body?: unknown;
  retryAfter?: number;
}
export type RunwayRoute = 'create' | 'retrieve' | 'delete';

const GEN4_IMAGE = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const MODELS: Record<string, { text?: string[]; image?: string[]; durations: number[] }> = {
  'gen4.5': { text: ['1280:720', '720:1280'], image: GEN4_IMAGE, durations: [2, 3, 4, 5, 6, 7, 8, 9, 10] },
  gen4_turbo: { image: GEN4_IMAGE, durations: [5, 10] },
  'veo3.1': { text: VEO, image: VEO, durations: [4, 6, 8] },
  'veo3.1_fast': { text: VEO, image: VEO, durations: [4, 6, 8] },
};

interface Task {
  id: string;
  createdMs: number;
  /** Retrieves so far: every task is seen PENDING once and RUNNING once, however slow the poller is. */
  views?: number;
  createdAt: string;
  model: string;
  size: string;
  seconds: number;
  audio: boolean;
  fail?: { failure: string; failureCode: string };
  file?: Promise<string>;
  ready?: string;
  deleted?: boolean;
}

export interface RunwayEmulator {
  /** For RUNWAYML_BASE_URL (no /v1). */
  baseUrl: string;
  apiKey: string;
  stats: { submissions: number; retrieves: number; fileHits: number; deletes: number; faultsServed: number };
  bodies: Array<{ route: 'text_to_video' | 'image_to_video'; body: Record<string, unknown> }>;
  failNext(route: RunwayRoute, fault: RunwayFault, times?: number): void;
  failNextJob(f: { failure: string; failureCode: string }): void;
  expireNextDownload(times?: number): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startRunwayEmulator(
  opts: { latencyMs?: number; apiKey?: string; fps?: number } = {},
): Promise<RunwayEmulator> {
  const apiKey = opts.apiKey ?? 'key_emulator_0000';
  const latencyMs = opts.latencyMs ?? 500;
  const fps = opts.fps ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'bf-runway-emulator-'));
  const tasks = new Map<string, Task>();
  const faults = emulatorFaults<RunwayRoute, RunwayFault, NonNullable<Task['fail']>>(
    () => stats.faultsServed++,
  );
  const signatures = new Map<string, string>();
  const stats: RunwayEmulator['stats'] = {
    submissions: 0,
    retrieves: 0,
    fileHits: 0,
    deletes: 0,
    faultsServed: 0,
  };
  const bodies: RunwayEmulator['bodies'] = [];
  let base = '';

  const sendFault = (res: ServerResponse, f: RunwayFault) =>
    sendJson(
      res,
      f.status,
      f.body ?? { error: 'An unexpected error occurred.' },
      f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
    );

  function render(t: Task): Promise<string> {
    return jobClip(dir, t.id, t, { fps, ...(t.audio ? { toneHz: 523 } : {}) });
  }

  /** The task object as the API returns it, advanced by wall-clock time. */
  function view(t: Task): Record<string, unknown> {
    const head = { id: t.id, createdAt: t.createdAt };
    if (t.deleted) return { ...head, status: 'CANCELLED' };
    const elapsed = Date.now() - t.createdMs;
    t.views = (t.views ?? 0) + 1;
    if (t.views === 1 || elapsed < latencyMs * 0.2)
      return { ...head, status: 'PENDING', estimatedCost: { credits: 10 } };
    if (!t.file && !t.fail) {
      t.file = render(t);
      t.file.then((p) => {
        t.ready = p;
      });
    }
    if (t.views === 2 || elapsed < latencyMs || (!t.fail && !t.ready))
      return {
        ...head,
        status: 'RUNNING',
        progress: Math.min(0.99, Math.round((elapsed / latencyMs) * 100) / 100),
        estimatedCost: { credits: 10 },
      };
    if (t.fail) return { ...head, status: 'FAILED', ...t.fail };
    const sig = randomBytes(8).toString('hex');
    signatures.set(sig, t.id);
    return {
      ...head,
      status: 'SUCCEEDED',
      output: [`${base}/outputs/${t.id}.mp4?_jwt=${sig}`],
      cost: { credits: 10 },
    };
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const file = /^\/outputs\/([a-f0-9-]+)\.mp4$/.exec(url.pathname);
      if (file && req.method === 'GET') {
        stats.fileHits++;
        const sig = url.searchParams.get('_jwt') ?? '';
        if (faults.downloads.expired() || signatures.get(sig) !== file[1]) {
          res.writeHead(403, { 'content-type': 'text/plain' });
          res.end('Forbidden: signature expired');
          return;
        }
        const t = tasks.get(file[1]!);
        if (!t?.ready) return sendJson(res, 404, { error: 'Not found' });
        return sendClip(res, t.ready, faults.downloads.corrupted());
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return sendJson(res, 401, { error: 'Invalid API key.' });
      if (!req.headers['x-runway-version'])
        return sendJson(res, 400, { error: 'The X-Runway-Version header is required.' });
      const create = /^\/v1\/(text_to_video|image_to_video)$/.exec(url.pathname);
      if (create && req.method === 'POST') {
        const text = await readBody(req);
        const f = faults.take('create');
        if (f) return sendFault(res, f);
        const route = create[1] as 'text_to_video' | 'image_to_video';
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        const issues: Array<{ path: string[]; message: string }> = [];
        const spec = MODELS[String(body.model)];
        if (!spec || !(route === 'text_to_video' ? spec.text : spec.image))
          issues.push({
            path: ['model'],
            message: `Invalid enum value. Expected ${Object.keys(MODELS)
              .map((m) => `'${m}'`)
              .join(' | ')}, received '${String(body.model)}'`,
          });
        else {
          const ratios = (route === 'text_to_video' ? spec.text : spec.image)!;
          if (!ratios.includes(String(body.ratio)))
            issues.push({ path: ['ratio'], message: `Invalid enum value. Expected ${ratios.join(' | ')}` });
          if (!spec.durations.includes(Number(body.duration)))
            issues.push({ path: ['duration'], message: 'Invalid duration for this model' });
        }
        if (typeof body.promptText === 'string' && body.promptText.length > 1000)
          issues.push({ path: ['promptText'], message: 'String must contain at most 1000 character(s)' });
        if (route === 'image_to_video') {
          const imgs = Array.isArray(body.promptImage)
            ? (body.promptImage as Array<{ uri?: string }>).map((p) => p.uri)
            : [body.promptImage];
          if (
            !imgs.length ||
            imgs.some(
              (u) => typeof u !== 'string' || !/^(https:\/\/|data:image\/(jpeg|png|webp);base64,)/.test(u),
            )
          )
            issues.push({
              path: ['promptImage'],
              message: 'Invalid image: an HTTPS URL or a base64 data URI is required',
            });
        }
        if (issues.length) return sendJson(res, 400, { error: 'Validation of body failed', issues });
        stats.submissions++;
        bodies.push({ route, body });
        const t: Task = {
          id: randomUUID(),
          createdMs: Date.now(),
          createdAt: new Date().toISOString(),
          model: String(body.model),
          size: String(body.ratio).replace(':', 'x'),
          seconds: Number(body.duration),
          audio: String(body.model).startsWith('veo') && body.audio !== false,
        };
        const jf = faults.nextJob();
        if (jf) t.fail = jf;
        tasks.set(t.id, t);
        return sendJson(res, 200, { id: t.id, estimatedCost: { credits: 10 } });
      }
      const task = /^\/v1\/tasks\/([a-f0-9-]+)$/.exec(url.pathname);
      if (task && req.method === 'GET') {
        stats.retrieves++;
        const f = faults.take('retrieve');
        if (f) return sendFault(res, f);
        const t = tasks.get(task[1]!);
        if (!t) return sendJson(res, 404, { error: 'Task not found.' });
        return sendJson(res, 200, view(t));
      }
      if (task && req.method === 'DELETE') {
        stats.deletes++;
        const f = faults.take('delete');
        if (f) return sendFault(res, f);
        const t = tasks.get(task[1]!);
        if (!t || t.deleted) return sendJson(res, 404, { error: 'Task not found.' });
        t.deleted = true;
        res.writeHead(204);
        res.end();
        return;
      }
      sendJson(res, 404, { error: `No route for ${req.method} ${url.pathname}` });
    } catch (err) {
      sendJson(res, 500, { error: (err as Error).message });
    }
  });
  base = await listenLocal(server);
  return {
    baseUrl: base,
    apiKey,
    stats,
    bodies,
    ...faults.controls,
    close: () => closeEmulator(server, dir),
  };
}
