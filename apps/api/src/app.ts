import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatframeError, InputError, type Logger, STAGES, VideoStyle, VisualizerKind } from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import type { Beatframe, PipelineEvent, ProjectDetail } from '@beatframe/pipeline';
import { providerNames, rendererNames } from '@beatframe/registry';
import { OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { bearer, cookie, isLoopback, SESSION_COOKIE, sameSecret, sessionValue } from './auth.js';
import { fileResponse, pathInside } from './files.js';
import { listCache } from './list-cache.js';
import { MultipartError, readMultipart } from './multipart.js';
import { mountOpsRoutes } from './ops-routes.js';
import {
  deepWithoutPaths,
  errorForLog,
  maybeWithoutPaths,
  projectWithoutPaths,
  publicEvent,
  withoutPaths,
} from './public-text.js';
import * as S from './schemas.js';
import { mountStudioRoutes } from './studio-routes.js';
import { fail, projectOr404 } from './studio-util.js';
import { sweepUploads, throttled } from './uploads.js';
import { badId } from './validate-request.js';

export interface ApiOptions {
  bf: Beatframe;
  /** When set, every /api route needs `Authorization: Bearer <token>` (or the web session cookie). */
  token?: string;
  /** Origins allowed to call the API from a browser; CORS is off when empty. */
  cors?: string[];
  /** Largest upload (song or clip), bytes. Default 200 MB. */
  maxUploadBytes?: number;
  /** Where uploads are stored under generated names (default <dataDir>/uploads). */
  uploadDir?: string;
  /** The built web dashboard to serve at `/` (apps/web's public folder). */
  webDir?: string;
  /** SSE heartbeat interval, ms (default 15 s). */
  heartbeatMs?: number;
  /** Uploads no project needs are removed once untouched this long (default 1 h). */
  uploadGraceMs?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024;
const AUDIO_EXT = new Set([
  '.mp3',
  '.wav',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.aac',
  '.aiff',
  '.webm',
]);
const VIDEO_EXT = new Set(['.mp4', '.mov', '.webm', '.mkv', '.m4v']);

/** One line from zod's issues, e.g. "aspect: Invalid option". */
function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) fail(400, 'INVALID', issues(r.error));
  return r.data;
}

async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) {
    const raw = await c.req.text();
    return raw.trim() === '' ? {} : fail(400, 'INVALID', 'send JSON (Content-Type: application/json)');
  }
  try {
    return await c.req.json();
  } catch {
    return fail(400, 'INVALID', 'the body is not valid JSON');
  }
}

/** Builds the Hono app: API routes under /api, the OpenAPI document, and the web dashboard at /. */
export function createApi(opts: ApiOptions): OpenAPIHono {
  const { bf } = opts;
  const maxUpload = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const uploadDir = opts.uploadDir ?? join(bf.config.dataDir, 'uploads');
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const logger = opts.logger ?? bf.logger;
  const app = new OpenAPIHono();
  const sweep = throttled(
    () =>
      sweepUploads({
        uploadDir,
        inUse: () => bf.songFilesInUse(),
        graceMs: opts.uploadGraceMs ?? 3600_000,
        logger,
      }),
    opts.uploadGraceMs ?? 600_000,
    logger,
  );
  const listed = listCache(bf);

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof InputError || (err instanceof BeatframeError && err.exitCode === 2))
      return c.json({ error: { code: err.code, message: withoutPaths(err.message) } }, 400);
    logger.error({ err: errorForLog(err), path: c.req.path }, 'request failed');
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  if (opts.cors?.length) app.use('/api/*', cors({ origin: opts.cors, credentials: true }));

  // Browsers reach a local server from any web page: refuse what a page elsewhere could make them send.
  app.use('/api/*', async (c, next) => {
    const url = new URL(c.req.url);
    // DNS rebinding: without a token, only loopback names may address this server.
    if (!opts.token && !isLoopback(url.hostname))
      return c.json({ error: { code: 'FORBIDDEN', message: `unexpected Host ${url.hostname}` } }, 403);
    // Cross-site requests that change things (a form on another site posting here): same origin or allowed only.
    const origin = c.req.header('origin');
    if (
      !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) &&
      origin &&
      origin !== url.origin &&
      !opts.cors?.includes(origin)
    )
      return c.json(
        { error: { code: 'FORBIDDEN', message: `requests from ${origin} are not allowed` } },
        403,
      );
    return next();
  });

  // Auth on every API route when a token is set.
  app.use('/api/*', async (c, next) => {
    if (!opts.token || c.req.method === 'OPTIONS') return next();
    const given = bearer(c.req.header('authorization'));
    const session = cookie(c.req.header('cookie'), SESSION_COOKIE);
    const ok =
      (given !== undefined && sameSecret(given, opts.token)) ||
      (session !== undefined && sameSecret(session, sessionValue(opts.token)));
    if (!ok) {
      c.header('WWW-Authenticate', 'Bearer realm="beatframe"');
      return c.json({ error: { code: 'UNAUTHORIZED', message: 'a valid API token is required' } }, 401);
    }
    return next();
  });

  const uploadLimit = bodyLimit({
    maxSize: maxUpload,
    onError: (c) => {
      // The rest of the body is not read: the connection cannot carry another request.
      c.header('Connection', 'close');
      return c.json(
        {
          error: {
            code: 'TOO_LARGE',
            message: `${(c.req.header('content-type') ?? '').includes('multipart') ? 'the upload' : 'the request body'} is larger than ${Math.round(maxUpload / 1024 / 1024)} MB`,
          },
        },
        413,
      );
    },
  });
  app.use('/api/projects', async (c, next) => (c.req.method === 'POST' ? uploadLimit(c, next) : next()));
  app.use('/api/projects/:id/shots/:shotId/replace', uploadLimit);
  app.use('/api/*', uploadLimit); // nothing unbounded anywhere; the same one-line JSON 413, connection closed

  // --- OpenAPI: every route is described from its zod schemas. ---
  const doc = (r: Omit<RouteConfig, 'responses'> & { responses?: RouteConfig['responses'] }) => {
    const errors = {
      400: { description: 'invalid input', content: { 'application/json': { schema: S.ApiError } } },
      401: { description: 'missing or wrong token', content: { 'application/json': { schema: S.ApiError } } },
      404: { description: 'not found', content: { 'application/json': { schema: S.ApiError } } },
    };
    app.openAPIRegistry.registerPath({
      ...r,
      security: [{ bearer: [] }],
      responses: { ...(r.responses ?? { 200: { description: 'OK' } }), ...errors },
    });
  };
  const idParam = z.object({ id: z.string() });
  const shotParams = z.object({ id: z.string(), shotId: z.string() });
  const json = (schema: z.ZodType, description = 'OK') => ({
    description,
    content: { 'application/json': { schema } },
  });
  const binary = (type: string, description: string) => ({
    description,
    content: { [type]: { schema: z.string().openapi({ type: 'string', format: 'binary' }) } },
  });

  // --- helpers ---
  /** A file's modification time, for URLs that must change when the file does (a re-rolled still). */
  const stillVersion = (path: string) => Math.round(statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  const urls = (id: string) => ({
    video: `/api/projects/${id}/video`,
    thumbnail: `/api/projects/${id}/thumbnail`,
  });
  const projectJson = (p: Awaited<ReturnType<Beatframe['getProject']>>['project']) => {
    const u = urls(p.id);
    // Server paths stay on the server; files are reached through their URLs.
    const { outputPath: _out, options, ...rest } = p;
    const { outPath: _outPath, ...publicOptions } = options;
    return {
      ...projectWithoutPaths(rest),
      options: publicOptions,
      ...(p.status === 'done' ? { videoUrl: u.video, thumbnailUrl: u.thumbnail } : {}),
    };
  };
  // The screenshot is reached by its URL; its server path stays on the server.
  const attentionJson = (id: string, a: NonNullable<ProjectDetail['attention']>) => ({
    reason: maybeWithoutPaths(a.reason),
    ...(a.screenshot ? { screenshotUrl: `/api/projects/${id}/attention/screenshot` } : {}),
    ...(a.shotId ? { shotId: a.shotId } : {}),
  });
  const detail = (id: string): Promise<ProjectDetail> => projectOr404(bf, id);
  function detailJson(d: ProjectDetail) {
    const id = d.project.id;
    const u = urls(id);
    const ev = d.evaluation;
    return {
      ...projectJson(d.project),
      ...(d.videoPath ? { videoUrl: u.video, downloadUrl: `${u.video}?download=1` } : {}),
      ...(d.thumbnailPath ? { thumbnailUrl: u.thumbnail } : {}),
      currentStage: d.currentStage,
      awaitingApproval: d.awaitingApproval,
      ...(d.reason ? { reason: maybeWithoutPaths(d.reason) } : {}),
      ...(d.attention ? { attention: attentionJson(id, d.attention) } : {}),
      costs: d.costs,
      notices: d.notices.map(maybeWithoutPaths),
      ...(d.song
        ? {
            song: {
              title: d.song.title,
              ...(d.song.artist ? { artist: d.song.artist } : {}),
              durationSec: d.song.durationSec,
              styleTags: d.song.styleTags,
            },
          }
        : {}),
      shots: d.shots.map((s) => ({
        id: s.id,
        index: s.index,
        sceneId: s.sceneId,
        start: s.start,
        end: s.end,
        description: s.description,
        prompt: s.prompt,
        status: s.status,
        attempt: s.attempt,
        progress: s.progress,
        costUsd: s.costUsd,
        ...(s.error ? { error: maybeWithoutPaths(s.error) } : {}),
        ...(s.thumbnailPath ? { thumbnailUrl: `/api/projects/${id}/shots/${s.id}/thumbnail` } : {}),
        ...(s.clipPath ? { clipUrl: `/api/projects/${id}/shots/${s.id}/clip` } : {}),
      })),
      ...(d.storyboard
        ? {
            storyboard: {
              ...(d.storyboard.phase ? { phase: d.storyboard.phase } : {}),
              stills: d.storyboard.stills.map((x) => ({
                shotId: x.shotId,
                index: x.index,
                prompt: x.prompt,
                // The file's time in the URL: a re-rolled still is a new address, never a cached old picture.
                ...(x.path
                  ? { stillUrl: `/api/projects/${id}/shots/${x.shotId}/still?v=${stillVersion(x.path)}` }
                  : {}),
              })),
              stillsUsd: d.storyboard.stillsUsd,
              stillsSpentUsd: d.storyboard.stillsSpentUsd,
              rerollUsd: d.storyboard.rerollUsd,
              videoUsd: d.storyboard.videoUsd,
              videoMaxUsd: d.storyboard.videoMaxUsd,
              imageProvider: d.storyboard.imageProvider,
              ...(d.storyboard.stills.some((x) => x.path)
                ? { sheetUrl: `/api/projects/${id}/storyboard/sheet` }
                : {}),
            },
          }
        : {}),
      ...(ev
        ? {
            evaluation: {
              score: ev.score,
              passed: ev.passed,
              summary: withoutPaths(ev.summary),
              ...(ev.components ? { components: ev.components } : {}),
              metrics: Object.fromEntries(
                Object.entries(ev.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
              ),
              issues: deepWithoutPaths(ev.issues),
              ...(ev.round !== undefined ? { round: ev.round } : {}),
              ...(ev.plotPath ? { plotUrl: `/api/projects/${id}/evaluation/plot` } : {}),
            },
          }
        : {}),
    };
  }
  async function shot(id: string, shotId: string) {
    const bad = badId(shotId);
    if (bad) fail(400, 'INVALID', bad);
    const d = await detail(id);
    const s = d.shots.find((x) => x.id === shotId);
    if (!s) fail(404, 'NOT_FOUND', `project ${id} has no shot ${shotId}`);
    return { d, s };
  }
  /** Streams a multipart body: its one file to a generated name, the client's file name is never a path. */
  async function upload(c: Context, field: string, kind: 'songs' | 'clips', allowed: Set<string>) {
    const type = c.req.header('content-type') ?? '';
    if (!type.includes('multipart/form-data'))
      fail(400, 'INVALID', `send multipart/form-data with the file in \`${field}\``);
    let result: Awaited<ReturnType<typeof readMultipart>>;
    try {
      result = await readMultipart(c.req.raw, {
        fileField: field,
        dir: join(uploadDir, kind),
        allowedExt: allowed,
        maxBytes: maxUpload,
      });
    } catch (err) {
      if (err instanceof MultipartError)
        fail(err.status, err.status === 413 ? 'TOO_LARGE' : 'INVALID', err.message);
      throw err;
    }
    const { file } = result;
    if (!file) fail(400, 'INVALID', `send the file in the form field \`${field}\``);
    if (file.size === 0) {
      await rm(file.path, { force: true });
      fail(400, 'INVALID', 'the uploaded file is empty');
    }
    return { fields: result.fields, file };
  }
  /** The pipeline's messages name files; a person uploaded "song.mp3", not a generated path. */
  async function withUpload<T>(path: string, label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await rm(path, { force: true });
      if (err instanceof BeatframeError) err.message = err.message.replaceAll(path, label);
      throw err;
    }
  }
  /** Lyrics come as a text field; the pipeline reads them from a file at ingest, like the CLI's --lyrics. */
  async function saveLyrics(text: string): Promise<string> {
    const dir = join(uploadDir, 'lyrics');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${randomUUID()}.lrc`);
    await writeFile(path, text, 'utf8');
    return path;
  }
  const displayName = (fileName: string) =>
    fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[^\p{L}\p{N} _().,'&-]+/gu, ' ')
      .trim()
      .slice(0, 120) || undefined;

  mountStudioRoutes(app, { bf }); // compression, versions, models, takes, timeline (studio-routes.ts)
  // --- health, readiness, metrics; key rings and alerts (ops-routes.ts) ---
  mountOpsRoutes(app, { bf, ...(opts.token ? { token: opts.token } : {}) });

  // --- routes ---
  doc({
    method: 'get',
    path: '/api/options',
    summary: 'What a new project can be given (providers, renderers, crews, aspects) and the upload limit',
    responses: { 200: json(S.OptionsJson) },
  });
  app.get('/api/options', (c) =>
    c.json({
      providers: providerNames(),
      renderers: rendererNames(),
      crews: ['auto', 'llm', 'heuristic'],
      aspects: ['16:9', '9:16', '1:1'],
      resolutions: ['720p', '1080p'],
      visualizers: VisualizerKind.options,
      styles: VideoStyle.options,
      statuses: ['queued', 'running', 'paused', 'failed', 'done'],
      maxUploadBytes: maxUpload,
    }),
  );

  doc({
    method: 'post',
    path: '/api/session',
    summary:
      'Exchange the bearer token for a session cookie (lets <video>, <img> and EventSource authenticate)',
    responses: { 204: { description: 'cookie set' } },
  });
  app.post('/api/session', (c) => {
    if (opts.token)
      c.header(
        'Set-Cookie',
        `${SESSION_COOKIE}=${sessionValue(opts.token)}; Path=/api; HttpOnly; SameSite=Strict`,
      );
    return c.body(null, 204);
  });

  doc({
    method: 'post',
    path: '/api/estimate',
    summary: 'Cost estimate before a project is created (shown before paid generation)',
    request: { body: { content: { 'application/json': { schema: S.EstimateRequest } } } },
    responses: { 200: json(S.EstimateJson) },
  });
  app.post('/api/estimate', async (c) => {
    const body = parse(S.EstimateRequest, await jsonBody(c));
    const est = await bf.estimateCost({
      provider: body.provider,
      durationSec: body.durationSec,
      ...(body.model ? { model: body.model } : {}),
      ...(body.aspect ? { aspect: body.aspect } : {}),
      ...(body.resolution ? { resolution: body.resolution } : {}),
    });
    return c.json(est);
  });

  doc({
    method: 'post',
    path: '/api/projects',
    summary:
      'Create a project: multipart with the song in `audio` (and `theme`…), or JSON with `url` or `sunoId`',
    request: {
      body: {
        content: {
          'multipart/form-data': { schema: S.CreateProjectMultipart },
          'application/json': { schema: S.CreateProjectJson },
        },
      },
    },
    responses: {
      201: json(S.ProjectJson, 'created and queued'),
      413: json(S.ApiError, 'upload too large'),
    },
  });
  app.post('/api/projects', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const create = async (
      fields: z.infer<typeof S.CreateProjectFields>,
      song: { path: string } | { url: string } | { sunoId: string },
      fallbackName?: string,
    ) => {
      const options = Object.fromEntries(
        Object.entries({
          theme: fields.theme,
          provider: fields.provider,
          model: fields.model,
          crew: fields.crew,
          renderer: fields.renderer,
          aspect: fields.aspect,
          resolution: fields.resolution,
          maxRounds: fields.maxRounds,
          captions: fields.captions,
          titleCard: fields.titleCard,
          visualizer: fields.visualizer,
          style: fields.style,
          preview: fields.preview,
        }).filter(([, v]) => v !== undefined),
      );
      const name = fields.name ?? fallbackName;
      const lyricsPath = fields.lyrics ? await saveLyrics(fields.lyrics) : undefined;
      const run = () =>
        bf.createProject({
          song,
          options,
          ...(lyricsPath ? { lyricsPath } : {}),
          ...(name ? { name } : {}),
          ...(fields.title ? { title: fields.title } : {}),
          ...(fields.artist ? { artist: fields.artist } : {}),
          ...(fields.maxCostUsd !== undefined ? { maxCostUsd: fields.maxCostUsd } : {}),
          ...(fields.approvedUsd !== undefined ? { approvedUsd: fields.approvedUsd } : {}),
        });
      // A refused project leaves no lyrics file behind; its message says "the lyrics", not a server path.
      return lyricsPath ? withUpload(lyricsPath, 'the lyrics', run) : run();
    };
    let project: Awaited<ReturnType<Beatframe['createProject']>>;
    if (type.includes('multipart/form-data')) {
      const { fields: form, file } = await upload(c, 'audio', 'songs', AUDIO_EXT);
      const path = file.path;
      const label = displayName(file.name);
      project = await withUpload(path, `the uploaded file ${label ?? 'song'}`, async () => {
        const fields = parse(S.CreateProjectFields, form);
        // The stored file has a generated name: without a title tag the song is titled after the upload's name.
        const tags = await probeMedia(path).then(
          (i) => i.tags,
          () => ({}) as Record<string, string>,
        );
        const tagged = Object.keys(tags).some((k) => k.toLowerCase() === 'title');
        const withTitle = fields.title || tagged || !label ? fields : { ...fields, title: label };
        return create(withTitle, { path }, label);
      });
    } else {
      const raw = await jsonBody(c);
      const given = (raw && typeof raw === 'object' ? raw : {}) as { url?: unknown; sunoId?: unknown };
      if (!given.url === !given.sunoId)
        fail(400, 'INVALID', 'give the song as `url` or `sunoId` (or upload it as `audio`)');
      const body = parse(S.CreateProjectJson, raw);
      project = await create(body, body.url ? { url: body.url } : { sunoId: body.sunoId as string });
    }
    sweep();
    c.header('Location', `/api/projects/${project.id}`);
    return c.json(projectJson(project), 201);
  });

  doc({
    method: 'get',
    path: '/api/projects',
    summary: 'List projects, newest first (filter with ?status=running,queued)',
    request: { query: S.StatusFilter },
    responses: { 200: json(S.ProjectList) },
  });
  app.get('/api/projects', async (c) => {
    const status = c.req.query('status');
    const statuses = status ? parse(z.array(S.ProjectJson.shape.status), status.split(',')) : undefined;
    const body = await listed(statuses?.join(',') ?? '', async () =>
      JSON.stringify({
        projects: (await bf.listProjects(statuses ? { status: statuses } : undefined)).map(projectJson),
      }),
    );
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  doc({
    method: 'get',
    path: '/api/projects/{id}',
    summary: 'One project: stages, progress, shots (prompts, thumbnails), costs, evaluation',
    request: { params: idParam },
    responses: { 200: json(S.ProjectDetailJson) },
  });
  app.get('/api/projects/:id', async (c) => c.json(detailJson(await detail(c.req.param('id')))));

  doc({
    method: 'delete',
    path: '/api/projects/{id}',
    summary: 'Delete a project, its rows and its working files',
    request: { params: idParam },
    responses: { 204: { description: 'deleted' } },
  });
  app.delete('/api/projects/:id', async (c) => {
    const id = c.req.param('id');
    const d = await detail(id);
    await bf.deleteProject(id);
    // The song this API stored for the project goes with it (a file the user pointed at stays).
    const source = d.song?.source;
    const mine =
      source?.kind === 'file' ? pathInside(uploadDir, source.path.slice(uploadDir.length)) : undefined;
    if (mine && source?.kind === 'file' && mine === source.path) await rm(mine, { force: true });
    sweep(); // an upload whose project went before its song was read
    return c.body(null, 204);
  });

  const sse = (c: Context, projectId: string | '*') => {
    const header = c.req.header('last-event-id') ?? c.req.query('after');
    const after = header && /^\d+$/.test(header) ? Number(header) : undefined;
    return streamSSE(c, async (stream) => {
      const queue: PipelineEvent[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      const off = bf.subscribe(projectId, (e) => {
        queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      const send = (e: PipelineEvent) =>
        stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(publicEvent(e)) });
      try {
        // Replay what a reconnecting client missed, then go live (events are ordered by id).
        let last = after ?? 0;
        if (after !== undefined) {
          for (;;) {
            const page = await bf.eventsSince(projectId, last, 500);
            for (const e of page) await send(e);
            last = page.at(-1)?.id ?? last;
            if (page.length < 500) break;
          }
        } else {
          // A fresh client starts live; tell it where the stream stands so it can reconnect.
          await stream.writeSSE({ event: 'hello', data: JSON.stringify({ projectId }) });
        }
        while (!closed) {
          while (queue.length) {
            const e = queue.shift() as PipelineEvent;
            if (e.id > last) {
              await send(e);
              last = e.id;
            }
          }
          if (closed) break;
          const timer = new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, heartbeatMs);
          });
          await timer;
          wake = undefined;
          if (!queue.length && !closed) await stream.write(': ping\n\n');
        }
      } finally {
        off();
      }
    });
  };

  doc({
    method: 'get',
    path: '/api/projects/{id}/events',
    summary: 'Live events of one project (Server-Sent Events; Last-Event-ID or ?after= replays missed ones)',
    request: { params: idParam },
    responses: {
      200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    },
  });
  app.get('/api/projects/:id/events', async (c) => {
    await detail(c.req.param('id'));
    return sse(c, c.req.param('id'));
  });

  doc({
    method: 'get',
    path: '/api/events',
    summary: 'Live events of every project (Server-Sent Events), for the project list',
    responses: {
      200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    },
  });
  app.get('/api/events', (c) => sse(c, '*'));

  const fileRoute = async (c: Context, path: string | undefined, what: string, downloadName?: string) => {
    if (!path || !existsSync(path)) fail(404, 'NOT_FOUND', `${what} is not there (yet)`);
    return fileResponse(c.req.raw, path, downloadName ? { downloadName } : {});
  };

  doc({
    method: 'get',
    path: '/api/projects/{id}/video',
    summary: 'The final video (HTTP Range supported; ?download=1 to save it)',
    request: { params: idParam, query: z.object({ download: z.string().optional() }) },
    responses: {
      200: binary('video/mp4', 'the video'),
      206: binary('video/mp4', 'a byte range of it'),
      416: { description: 'range not satisfiable' },
    },
  });
  app.on(['GET', 'HEAD'], '/api/projects/:id/video', async (c) => {
    const d = await detail(c.req.param('id'));
    const name = `${(d.project.name || d.project.id).replace(/[^\w.-]+/g, '_')}.mp4`;
    return fileRoute(c, d.videoPath, 'the video', c.req.query('download') ? name : undefined);
  });

  /** An image the project made, served from its file: documented and routed in one place. */
  const projectImage = (
    path: string,
    summary: string,
    type: 'image/jpeg' | 'image/png',
    label: string,
    fileOf: (d: ProjectDetail) => string | undefined,
  ) => {
    doc({
      method: 'get',
      path: `/api/projects/{id}/${path}`,
      summary,
      request: { params: idParam },
      responses: { 200: binary(type, 'image') },
    });
    app.get(`/api/projects/:id/${path}`, async (c) =>
      fileRoute(c, fileOf(await detail(c.req.param('id'))), label),
    );
  };
  projectImage(
    'thumbnail',
    "The final video's thumbnail",
    'image/jpeg',
    'the thumbnail',
    (d) => d.thumbnailPath,
  );
  projectImage(
    'attention/screenshot',
    'What the provider saw when it paused the project for a person (credential fields masked)',
    'image/png',
    'the screenshot',
    (d) => d.attention?.screenshot,
  );
  projectImage(
    'evaluation/plot',
    'The evaluation plot (motion vs music energy, cuts vs beats)',
    'image/png',
    'the evaluation plot',
    (d) => d.evaluation?.plotPath,
  );

  doc({
    method: 'get',
    path: '/api/projects/{id}/decisions',
    summary: 'The decision log, oldest first',
    request: { params: idParam },
    responses: { 200: json(S.DecisionList) },
  });
  app.get('/api/projects/:id/decisions', async (c) => {
    const id = c.req.param('id');
    await detail(id);
    return c.json({ decisions: deepWithoutPaths(await bf.decisions(id)) });
  });

  doc({
    method: 'get',
    path: '/api/projects/{id}/shots/{shotId}/thumbnail',
    summary: "A shot's thumbnail",
    request: { params: shotParams },
    responses: { 200: binary('image/jpeg', 'image') },
  });
  app.get('/api/projects/:id/shots/:shotId/thumbnail', async (c) => {
    const { s } = await shot(c.req.param('id'), c.req.param('shotId'));
    return fileRoute(c, s.thumbnailPath, "the shot's thumbnail");
  });

  doc({
    method: 'get',
    path: '/api/projects/{id}/shots/{shotId}/clip',
    summary: "A shot's generated clip (HTTP Range supported)",
    request: { params: shotParams },
    responses: { 200: binary('video/mp4', 'the clip'), 206: binary('video/mp4', 'a byte range of it') },
  });
  app.on(['GET', 'HEAD'], '/api/projects/:id/shots/:shotId/clip', async (c) => {
    const { s } = await shot(c.req.param('id'), c.req.param('shotId'));
    return fileRoute(c, s.clipPath, "the shot's clip");
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/shots/{shotId}/regenerate',
    summary: 'Generate one shot again (optionally with a new prompt), then edit and render again',
    request: {
      params: shotParams,
      body: { content: { 'application/json': { schema: S.RegenerateRequest } } },
    },
    responses: { 202: json(S.Accepted, 'queued') },
  });
  app.post('/api/projects/:id/shots/:shotId/regenerate', async (c) => {
    const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
    const body = parse(S.RegenerateRequest, await jsonBody(c));
    await bf.regenerateShot(d.project.id, s.id, body.prompt);
    const p = await detail(d.project.id);
    return c.json({ id: p.project.id, status: p.project.status }, 202);
  });

  doc({
    method: 'get',
    path: '/api/projects/{id}/shots/{shotId}/still',
    summary: "A shot's keyframe: the still its clip starts from",
    request: { params: shotParams },
    responses: { 200: binary('image/png', 'image') },
  });
  app.get('/api/projects/:id/shots/:shotId/still', async (c) => {
    const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
    return fileRoute(c, d.storyboard?.stills.find((x) => x.shotId === s.id)?.path, "the shot's still");
  });

  doc({
    method: 'get',
    path: '/api/projects/{id}/storyboard/sheet',
    summary: "The storyboard's contact sheet: every keyframe in shot order, numbered, in one JPEG",
    request: { params: idParam },
    responses: { 200: binary('image/jpeg', 'image') },
  });
  app.get('/api/projects/:id/storyboard/sheet', async (c) => {
    const d = await detail(c.req.param('id'));
    if (!d.storyboard?.stills.some((x) => x.path))
      fail(404, 'NOT_FOUND', 'the storyboard has no still (yet)');
    return fileRoute(c, await bf.contactSheet(d.project.id), 'the contact sheet');
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/shots/{shotId}/reroll',
    summary:
      "While the storyboard waits for approval: make the shot's still again (a new seed; with `prompt`, the shot's new words), paying for one still",
    request: {
      params: shotParams,
      body: { content: { 'application/json': { schema: S.RerollRequest } } },
    },
    responses: { 200: json(S.RerollJson, 'the new still') },
  });
  app.post('/api/projects/:id/shots/:shotId/reroll', async (c) => {
    const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
    const body = parse(S.RerollRequest, await jsonBody(c));
    const r = await bf.rerollStill(d.project.id, s.id, body.prompt);
    return c.json({
      shotId: r.shotId,
      take: r.take,
      seed: r.seed,
      usd: r.usd,
      stillUrl: `/api/projects/${d.project.id}/shots/${s.id}/still?v=${stillVersion(r.path)}`,
    });
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/shots/{shotId}/replace',
    summary: 'Replace one shot with an uploaded clip (multipart field `clip`), then edit and render again',
    request: {
      params: shotParams,
      body: { content: { 'multipart/form-data': { schema: S.ReplaceMultipart } } },
    },
    responses: { 202: json(S.Accepted, 'queued'), 413: json(S.ApiError, 'upload too large') },
  });
  app.post('/api/projects/:id/shots/:shotId/replace', async (c) => {
    const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
    const { file } = await upload(c, 'clip', 'clips', VIDEO_EXT);
    await withUpload(file.path, `the uploaded clip ${displayName(file.name) ?? ''}`.trim(), () =>
      bf.replaceShotClip(d.project.id, s.id, file.path),
    );
    // The project has its own copy now.
    await rm(file.path, { force: true });
    const p = await detail(d.project.id);
    return c.json({ id: p.project.id, status: p.project.status }, 202);
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/cancel',
    summary: 'Stop the project (provider jobs are cancelled where possible); it ends failed: cancelled',
    request: { params: idParam },
    responses: { 202: json(S.Accepted, 'cancelling') },
  });
  app.post('/api/projects/:id/cancel', async (c) => {
    const id = c.req.param('id');
    await detail(id);
    await bf.cancel(id);
    const p = await detail(id);
    return c.json({ id, status: p.project.status }, 202);
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/final',
    summary:
      "A delivered preview (options.preview) becomes the final video: the same clips and cut rendered again at full size by the project's renderer",
    request: { params: idParam },
    responses: { 202: json(S.Accepted, 'final render queued') },
  });
  app.post('/api/projects/:id/final', async (c) => {
    const id = c.req.param('id');
    await detail(id);
    await bf.renderFinal(id);
    const p = await detail(id);
    return c.json({ id, status: p.project.status }, 202);
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/resume',
    summary: 'Queue a paused or failed project again (optionally approving spend)',
    request: { params: idParam, body: { content: { 'application/json': { schema: S.ResumeRequest } } } },
    responses: { 202: json(S.Accepted, 'queued') },
  });
  app.post('/api/projects/:id/resume', async (c) => {
    const id = c.req.param('id');
    await detail(id);
    const body = parse(S.ResumeRequest, await jsonBody(c));
    const queued = await bf.resume(
      id,
      body.approvedUsd !== undefined ? { approvedUsd: body.approvedUsd } : {},
    );
    const p = await detail(id);
    return c.json({ id, status: p.project.status, queued }, 202);
  });

  doc({
    method: 'post',
    path: '/api/projects/{id}/approve',
    summary:
      "Let a project waiting for cost approval spend up to maxUsd (default: the estimate's upper bound, or what the paused clip needs)",
    request: { params: idParam, body: { content: { 'application/json': { schema: S.ApproveRequest } } } },
    responses: { 202: json(S.Accepted, 'approved') },
  });
  app.post('/api/projects/:id/approve', async (c) => {
    const id = c.req.param('id');
    await detail(id);
    const body = parse(S.ApproveRequest, await jsonBody(c));
    await bf.approveCost(id, body.maxUsd);
    const p = await detail(id);
    return c.json({ id, status: p.project.status }, 202);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'beatframe API',
      version: '0.1.0',
      description: `Turn a song into a beat-synced music video. Stages: ${STAGES.join(' → ')}.`,
    },
  });

  // The web dashboard: static files; anything else that is not /api gets index.html.
  if (opts.webDir) {
    const webDir = opts.webDir;
    app.on(['GET', 'HEAD'], '*', async (c, next) => {
      if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
      const candidate = c.req.path === '/' ? undefined : pathInside(webDir, c.req.path);
      const file =
        candidate && statSync(candidate, { throwIfNoEntry: false })?.isFile() ? candidate : undefined;
      const path = file ?? join(webDir, 'index.html');
      if (!existsSync(path)) return next();
      try {
        return await fileResponse(c.req.raw, path);
      } catch {
        return fileResponse(c.req.raw, join(webDir, 'index.html'));
      }
    });
  }
  return app;
}
