/** One shot changed by a person: generated again, its still re-rolled, or its clip replaced by an upload. */

import { rm } from 'node:fs/promises';
import { OpenAPIHono } from '@hono/zod-openapi';
import { type ApiContext, jsonBody, parse, VIDEO_EXT } from '../api-context.js';
import { json, jsonRequest, route } from '../openapi.js';
import { stillVersion } from '../project-json.js';
import * as S from '../schemas.js';

export function shotRoutes(ctx: ApiContext): OpenAPIHono {
  const { bf, detail, shot, upload, withUpload, displayName } = ctx;
  const app = new OpenAPIHono();

  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/shots/{shotId}/regenerate',
      summary: 'Generate one shot again (optionally with a new prompt), then edit and render again',
      request: {
        body: jsonRequest(S.RegenerateRequest),
      },
      responses: { 202: json(S.Accepted, 'queued') },
    },
    async (c) => {
      const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
      const body = parse(S.RegenerateRequest, await jsonBody(c));
      await bf.regenerateShot(d.project.id, s.id, body.prompt);
      const p = await detail(d.project.id);
      return c.json({ id: p.project.id, status: p.project.status }, 202);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/shots/{shotId}/reroll',
      summary:
        "While the storyboard waits for approval: make the shot's still again (a new seed; with `prompt`, the shot's new words), paying for one still",
      request: {
        body: jsonRequest(S.RerollRequest),
      },
      responses: { 200: json(S.RerollJson, 'the new still') },
    },
    async (c) => {
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
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/shots/{shotId}/replace',
      summary: 'Replace one shot with an uploaded clip (multipart field `clip`), then edit and render again',
      request: {
        body: { content: { 'multipart/form-data': { schema: S.ReplaceMultipart } } },
      },
      responses: { 202: json(S.Accepted, 'queued'), 413: json(S.ApiError, 'upload too large') },
    },
    async (c) => {
      const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
      const { file } = await upload(c, 'clip', 'clips', VIDEO_EXT);
      await withUpload(file.path, `the uploaded clip ${displayName(file.name) ?? ''}`.trim(), () =>
        bf.replaceShotClip(d.project.id, s.id, file.path),
      );
      // The project has its own copy now.
      await rm(file.path, { force: true });
      const p = await detail(d.project.id);
      return c.json({ id: p.project.id, status: p.project.status }, 202);
    },
  );
  return app;
}
