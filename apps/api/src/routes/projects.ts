import { rm } from 'node:fs/promises';
import { probeMedia } from '@beatframe/media';
import type { Beatframe } from '@beatframe/pipeline';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { type ApiContext, AUDIO_EXT, jsonBody, parse } from '../api-context.js';
import { pathInside } from '../files.js';
import { json, jsonRequest, route } from '../openapi.js';
import { detailJson, projectJson } from '../project-json.js';
import { deepWithoutPaths } from '../public-text.js';
import * as S from '../schemas.js';
import { fail } from '../studio-util.js';

export function projectRoutes(ctx: ApiContext): OpenAPIHono {
  const { bf, uploadDir, sweep, listed, detail, upload, withUpload, saveLyrics, displayName } = ctx;
  const app = new OpenAPIHono();

  route(
    app,
    {
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
    },
    async (c) => {
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
            bpm: fields.bpm,
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
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/projects',
      summary: 'List projects, newest first (filter with ?status=running,queued)',
      request: { query: S.StatusFilter },
      responses: { 200: json(S.ProjectList) },
    },
    async (c) => {
      const status = c.req.query('status');
      const statuses = status ? parse(z.array(S.ProjectJson.shape.status), status.split(',')) : undefined;
      const body = await listed(statuses?.join(',') ?? '', async () =>
        JSON.stringify({
          projects: (await bf.listProjects(statuses ? { status: statuses } : undefined)).map(projectJson),
        }),
      );
      return c.body(body, 200, { 'content-type': 'application/json' });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}',
      summary: 'One project: stages, progress, shots (prompts, thumbnails), costs, evaluation',
      responses: { 200: json(S.ProjectDetailJson) },
    },
    async (c) => c.json(detailJson(await detail(c.req.param('id')))),
  );

  route(
    app,
    {
      method: 'delete',
      path: '/api/projects/{id}',
      summary: 'Delete a project, its rows and its working files',
      responses: { 204: { description: 'deleted' } },
    },
    async (c) => {
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
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/decisions',
      summary: 'The decision log, oldest first',
      responses: { 200: json(S.DecisionList) },
    },
    async (c) => {
      const id = c.req.param('id');
      await detail(id);
      return c.json({ decisions: deepWithoutPaths(await bf.decisions(id)) });
    },
  );

  /** A project asked to do something: it must exist; the answer is its status afterwards (202). */
  const projectAction = (
    path: string,
    summary: string,
    accepted: string,
    act: (id: string) => Promise<unknown>,
  ) =>
    route(
      app,
      {
        method: 'post',
        path: `/api/projects/{id}/${path}`,
        summary,
        responses: { 202: json(S.Accepted, accepted) },
      },
      async (c) => {
        const id = c.req.param('id');
        await detail(id);
        await act(id);
        const p = await detail(id);
        return c.json({ id, status: p.project.status }, 202);
      },
    );
  projectAction(
    'cancel',
    'Stop the project (provider jobs are cancelled where possible); it ends failed: cancelled',
    'cancelling',
    (id) => bf.cancel(id),
  );
  projectAction(
    'final',
    "A delivered preview (options.preview) becomes the final video: the same clips and cut rendered again at full size by the project's renderer",
    'final render queued',
    (id) => bf.renderFinal(id),
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/resume',
      summary: 'Queue a paused or failed project again (optionally approving spend)',
      request: { body: jsonRequest(S.ResumeRequest) },
      responses: { 202: json(S.Accepted, 'queued') },
    },
    async (c) => {
      const id = c.req.param('id');
      await detail(id);
      const body = parse(S.ResumeRequest, await jsonBody(c));
      const queued = await bf.resume(
        id,
        body.approvedUsd !== undefined ? { approvedUsd: body.approvedUsd } : {},
      );
      const p = await detail(id);
      return c.json({ id, status: p.project.status, queued }, 202);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/approve',
      summary:
        "Let a project waiting for cost approval spend up to maxUsd (default: the estimate's upper bound, or what the paused clip needs)",
      request: { body: jsonRequest(S.ApproveRequest) },
      responses: { 202: json(S.Accepted, 'approved') },
    },
    async (c) => {
      const id = c.req.param('id');
      await detail(id);
      const body = parse(S.ApproveRequest, await jsonBody(c));
      await bf.approveCost(id, body.maxUsd);
      const p = await detail(id);
      return c.json({ id, status: p.project.status }, 202);
    },
  );
  return app;
}
