import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, silentLogger } from '@beatframe/core';
import {
  type Beatframe,
  listVersions,
  restoreVersion,
  versionThumb,
  versionVideo,
} from '@beatframe/pipeline';
import { providerEntries } from '@beatframe/registry';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { compressText } from './compress.js';
import { fileResponse } from './files.js';
import { binary, json, jsonRequest, route } from './openapi.js';
import { withoutPaths } from './public-text.js';
import * as S from './schemas.js';
import { mountTimelineRoutes } from './studio-timeline.js';
import { engineOf, fail, jsonOf, projectOr404 } from './studio-util.js';

const LIVE = ['queued', 'running'];

/**
 * What a musician needs to finish a video in the dashboard: versions of the cut, the models that can be
 * used here, switching a stuck project's model, renaming, a paginated decision log, takes and the timeline.
 */
export function mountStudioRoutes(app: OpenAPIHono, opts: { bf: Beatframe }): void {
  const { bf } = opts;
  app.use('*', compressText());
  const engine = () => engineOf(bf);

  route(
    app,
    {
      method: 'get',
      path: '/api/studio/providers',
      summary: 'Video models with whether each is set up here (and how to set it up)',
      responses: { 200: json(S.ProvidersJson) },
    },
    async (c) => {
      const env = engine().env;
      const logger = silentLogger();
      const list = [];
      for (const entry of providerEntries()) {
        const p = await engine()
          .provider(entry.name)
          .catch(() => undefined);
        if (!p || p.capabilities.userClips) continue; // "your own files" is a shot's Replace, not a model
        const status = p.status({ logger, env });
        const caps = p.capabilities;
        const seconds = caps.durations[0] ?? 4;
        const size = caps.sizes[0] ?? '1280x720';
        list.push({
          name: p.name,
          description: p.description,
          configured: status.configured,
          ...(status.hint ? { hint: status.hint } : {}),
          ...(entry.keyEnv ? { keyEnv: entry.keyEnv } : {}),
          models: caps.models,
          aspects: caps.aspects,
          free: caps.usdFor({ seconds, size, ...(caps.models[0] ? { model: caps.models[0] } : {}) }) === 0,
        });
      }
      return c.json({ providers: list });
    },
  );

  route(
    app,
    {
      method: 'patch',
      path: '/api/projects/{id}',
      summary: 'Rename a project',
      request: { body: jsonRequest(S.RenameRequest) },
      responses: { 200: json(S.RenamedJson) },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const { name } = await jsonOf(c, S.RenameRequest);
      await engine().database.query('UPDATE projects SET name = $2, updated_at = now() WHERE id = $1', [
        d.project.id,
        name,
      ]);
      await engine().bus.publish({ type: 'project', projectId: d.project.id, status: d.project.status });
      return c.json({ id: d.project.id, name });
    },
  );

  // --- versions: every delivered cut stays watchable, downloadable and restorable ---
  const versionsOf = async (id: string) => {
    const dir = engine().projectDir(id);
    const index = await listVersions(dir);
    return { dir, index };
  };
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/versions',
      summary: 'Every delivered cut (v1, v2…), which one is current',
      responses: { 200: json(S.VersionsJson) },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const id = d.project.id;
      const { dir, index } = await versionsOf(id);
      return c.json({
        current: index.current,
        versions: index.versions.map((v) => ({
          n: v.n,
          at: v.at,
          ...(v.score !== undefined ? { score: v.score } : {}),
          ...(v.round !== undefined ? { round: v.round } : {}),
          current: v.n === index.current,
          videoUrl: `/api/projects/${id}/versions/${v.n}/video`,
          downloadUrl: `/api/projects/${id}/versions/${v.n}/video?download=1`,
          ...(existsSync(versionThumb(dir, v.n))
            ? { thumbnailUrl: `/api/projects/${id}/versions/${v.n}/thumbnail` }
            : {}),
        })),
      });
    },
  );
  const versionN = (c: Context) => {
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 1) fail(400, 'INVALID', 'a version is a whole number from 1');
    return n;
  };
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/versions/{n}/video',
      summary: "One version's video (HTTP Range; ?download=1 to save it)",
      responses: { 200: binary('video/mp4', 'the video'), 206: binary('video/mp4', 'a range of it') },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const n = versionN(c);
      const path = versionVideo(engine().projectDir(d.project.id), n);
      if (!existsSync(path)) fail(404, 'NOT_FOUND', `no version ${n}`);
      const name = `${(d.project.name || d.project.id).replace(/[^\w.-]+/g, '_')}-v${n}.mp4`;
      return fileResponse(c.req.raw, path, c.req.query('download') ? { downloadName: name } : {});
    },
    ['GET', 'HEAD'],
  );
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/versions/{n}/thumbnail',
      summary: "One version's thumbnail",
      responses: { 200: binary('image/jpeg', 'the thumbnail') },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const path = versionThumb(engine().projectDir(d.project.id), versionN(c));
      if (!existsSync(path)) fail(404, 'NOT_FOUND', 'no thumbnail for that version');
      return fileResponse(c.req.raw, path);
    },
  );
  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/versions/{n}/restore',
      summary: "Make version n the project's video again",
      responses: { 200: json(S.RestoredJson), 409: json(S.ApiError, 'a new cut is being made') },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const id = d.project.id;
      const n = versionN(c);
      if (LIVE.includes(d.project.status))
        fail(409, 'BUSY', 'a new cut is being made; restore a version when it is done or cancelled');
      const dir = engine().projectDir(id);
      const out = d.project.outputPath ?? join(dir, 'video.mp4');
      try {
        await restoreVersion(dir, n, out, join(dir, 'thumbnail.jpg'));
      } catch (err) {
        if (err instanceof InputError) fail(404, 'NOT_FOUND', err.message);
        throw err;
      }
      // A project stopped mid-way becomes done again with the restored cut.
      await engine().database.query(
        `UPDATE projects SET output_path = $2, status = 'done', error = NULL, updated_at = now() WHERE id = $1`,
        [id, out],
      );
      await engine()
        .decisionSink(id, 'deliver')
        .record({ role: 'person', summary: `restored version v${n} as the project's video` });
      await engine().bus.publish({ type: 'project', projectId: id, status: 'done' });
      return c.json({ id, current: n });
    },
  );

  // --- a stuck project goes on with another (configured) model ---
  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/model',
      summary: 'Go on with another configured model',
      request: {
        body: jsonRequest(S.SwitchModelRequest),
      },
      responses: { 200: json(S.SwitchedModelJson) },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const id = d.project.id;
      const body = await jsonOf(c, S.SwitchModelRequest);
      const provider = await engine().provider(body.provider);
      const status = provider.status({ logger: silentLogger(), env: engine().env });
      if (!status.configured)
        fail(
          400,
          'NOT_CONFIGURED',
          `${provider.name} is not set up here: ${status.hint ?? 'it needs a key'}`,
        );
      const models = provider.capabilities.models;
      if (body.model && models.length && !models.includes(body.model) && !body.model.includes('/'))
        fail(400, 'INVALID', `${provider.name} has no model ${body.model}; it has ${models.join(', ')}`);
      const wasLive = LIVE.includes(d.project.status);
      if (wasLive) await bf.interrupt(id);
      await engine().database.query(
        `UPDATE projects SET options = (options - 'model') || $2::jsonb, updated_at = now() WHERE id = $1`,
        [id, JSON.stringify({ provider: provider.name, ...(body.model ? { model: body.model } : {}) })],
      );
      await engine()
        .decisionSink(id, 'generate')
        .record({
          role: 'person',
          summary: `switched the video model from ${d.project.options.provider}${d.project.options.model ? ` ${d.project.options.model}` : ''} to ${provider.name}${body.model ? ` ${body.model}` : ''}`,
        });
      const queued =
        d.project.status === 'done'
          ? []
          : await bf.resume(id, body.approvedUsd !== undefined ? { approvedUsd: body.approvedUsd } : {});
      return c.json({ id, provider: provider.name, ...(body.model ? { model: body.model } : {}), queued });
    },
  );

  // --- the decision log, newest first, one page at a time ---
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/decisions/page',
      summary: 'The decision log newest first, a page at a time (?limit=&before=)',
      request: { query: S.DecisionPageQuery },
      responses: { 200: json(S.DecisionPageJson) },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id'));
      const before = Number(c.req.query('before') ?? 0);
      const limit = Math.min(200, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
      const rows = await engine().database.query<Record<string, unknown>>(
        `SELECT id, stage, role, shot_id AS "shotId", summary, model, cost_usd AS "costUsd", at FROM decisions
       WHERE project_id = $1 AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
        [d.project.id, Number.isFinite(before) && before > 0 ? Math.floor(before) : 0, limit + 1],
      );
      const [{ n } = { n: 0 }] = await engine().database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM decisions WHERE project_id = $1',
        [d.project.id],
      );
      const page = rows.slice(0, limit).map((r) => ({
        ...r,
        id: Number(r.id),
        summary: withoutPaths(String(r.summary)),
        at: new Date(String(r.at)).toISOString(),
      }));
      return c.json({
        total: Number(n),
        decisions: page,
        ...(rows.length > limit ? { next: page.at(-1)?.id } : {}),
      });
    },
  );

  mountTimelineRoutes(app, { bf });
}
