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
import { z } from 'zod';
import { compressText } from './compress.js';
import { fileResponse } from './files.js';
import { withoutPaths } from './public-text.js';
import { mountTimelineRoutes } from './studio-timeline.js';
import { describeRoute, engineOf, fail, jsonOf, projectOr404 } from './studio-util.js';

const Rename = z.object({ name: z.string().trim().min(1).max(120) });
const SwitchModel = z.object({
  provider: z.string().min(1).max(64),
  model: z.string().min(1).max(128).optional(),
  approvedUsd: z.number().nonnegative().optional(),
});
const LIVE = ['queued', 'running'];

/**
 * What a musician needs to finish a video in the dashboard: versions of the cut, the models that can be
 * used here, switching a stuck project's model, renaming, a paginated decision log, takes and the timeline.
 */
export function mountStudioRoutes(app: OpenAPIHono, opts: { bf: Beatframe }): void {
  const { bf } = opts;
  app.use('*', compressText());
  describeRoute(
    app,
    'get',
    '/api/studio/providers',
    'Video models with whether each is set up here (and how to set it up)',
  );
  describeRoute(app, 'patch', '/api/projects/{id}', 'Rename a project ({ name })');
  describeRoute(
    app,
    'get',
    '/api/projects/{id}/versions',
    'Every delivered cut (v1, v2…), which one is current',
  );
  describeRoute(
    app,
    'get',
    '/api/projects/{id}/versions/{n}/video',
    "One version's video (HTTP Range; ?download=1 to save it)",
  );
  describeRoute(app, 'get', '/api/projects/{id}/versions/{n}/thumbnail', "One version's thumbnail");
  describeRoute(
    app,
    'post',
    '/api/projects/{id}/versions/{n}/restore',
    "Make version n the project's video again",
  );
  describeRoute(
    app,
    'post',
    '/api/projects/{id}/model',
    'Go on with another configured model ({ provider, model?, approvedUsd? })',
  );
  describeRoute(
    app,
    'get',
    '/api/projects/{id}/decisions/page',
    'The decision log newest first, a page at a time (?limit=&before=)',
  );
  describeRoute(
    app,
    'get',
    '/api/projects/{id}/shots/{shotId}/takes',
    'Every take of a shot (each generation is kept)',
  );
  describeRoute(
    app,
    'post',
    '/api/projects/{id}/shots/{shotId}/takes/{take}/use',
    'Use this take for the shot, then edit and render again',
  );
  describeRoute(
    app,
    'get',
    '/api/projects/{id}/timeline',
    "Waveform peaks, beats, sections and the cut's shots, for the timeline view",
  );
  describeRoute(
    app,
    'get',
    '/api/studio/eta',
    'Seconds per song second each stage took on this machine (median), for an ETA',
  );
  const engine = () => engineOf(bf);

  app.get('/api/studio/providers', async (c) => {
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
  });

  app.patch('/api/projects/:id', async (c) => {
    const d = await projectOr404(bf, c.req.param('id'));
    const { name } = await jsonOf(c, Rename);
    await engine().database.query('UPDATE projects SET name = $2, updated_at = now() WHERE id = $1', [
      d.project.id,
      name,
    ]);
    await engine().bus.publish({ type: 'project', projectId: d.project.id, status: d.project.status });
    return c.json({ id: d.project.id, name });
  });

  // --- versions: every delivered cut stays watchable, downloadable and restorable ---
  const versionsOf = async (id: string) => {
    const dir = engine().projectDir(id);
    const index = await listVersions(dir);
    return { dir, index };
  };
  app.get('/api/projects/:id/versions', async (c) => {
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
  });
  const versionN = (c: Context) => {
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 1) fail(400, 'INVALID', 'a version is a whole number from 1');
    return n;
  };
  app.on(['GET', 'HEAD'], '/api/projects/:id/versions/:n/video', async (c) => {
    const d = await projectOr404(bf, c.req.param('id'));
    const n = versionN(c);
    const path = versionVideo(engine().projectDir(d.project.id), n);
    if (!existsSync(path)) fail(404, 'NOT_FOUND', `no version ${n}`);
    const name = `${(d.project.name || d.project.id).replace(/[^\w.-]+/g, '_')}-v${n}.mp4`;
    return fileResponse(c.req.raw, path, c.req.query('download') ? { downloadName: name } : {});
  });
  app.get('/api/projects/:id/versions/:n/thumbnail', async (c) => {
    const d = await projectOr404(bf, c.req.param('id'));
    const path = versionThumb(engine().projectDir(d.project.id), versionN(c));
    if (!existsSync(path)) fail(404, 'NOT_FOUND', 'no thumbnail for that version');
    return fileResponse(c.req.raw, path);
  });
  app.post('/api/projects/:id/versions/:n/restore', async (c) => {
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
  });

  // --- a stuck project goes on with another (configured) model ---
  app.post('/api/projects/:id/model', async (c) => {
    const d = await projectOr404(bf, c.req.param('id'));
    const id = d.project.id;
    const body = await jsonOf(c, SwitchModel);
    const provider = await engine().provider(body.provider);
    const status = provider.status({ logger: silentLogger(), env: engine().env });
    if (!status.configured)
      fail(400, 'NOT_CONFIGURED', `${provider.name} is not set up here: ${status.hint ?? 'it needs a key'}`);
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
  });

  // --- the decision log, newest first, one page at a time ---
  app.get('/api/projects/:id/decisions/page', async (c) => {
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
  });

  mountTimelineRoutes(app, { bf });
}
