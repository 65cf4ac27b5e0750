/** What a new project can be given, the session cookie, and the estimate before one is made. */

import { VideoStyle, VisualizerKind } from '@beatframe/core';
import { providerNames, rendererNames } from '@beatframe/registry';
import { OpenAPIHono } from '@hono/zod-openapi';
import { type ApiContext, jsonBody, parse } from '../api-context.js';
import { SESSION_COOKIE, sessionValue } from '../auth.js';
import { json, jsonRequest, route } from '../openapi.js';
import * as S from '../schemas.js';

export function setupRoutes(ctx: ApiContext): OpenAPIHono {
  const { bf, opts, maxUpload } = ctx;
  const app = new OpenAPIHono();

  route(
    app,
    {
      method: 'get',
      path: '/api/options',
      summary: 'What a new project can be given (providers, renderers, crews, aspects) and the upload limit',
      responses: { 200: json(S.OptionsJson) },
    },
    (c) =>
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

  route(
    app,
    {
      method: 'post',
      path: '/api/session',
      summary:
        'Exchange the bearer token for a session cookie (lets <video>, <img> and EventSource authenticate)',
      responses: { 204: { description: 'cookie set' } },
    },
    (c) => {
      if (opts.token)
        c.header(
          'Set-Cookie',
          `${SESSION_COOKIE}=${sessionValue(opts.token)}; Path=/api; HttpOnly; SameSite=Strict`,
        );
      return c.body(null, 204);
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/estimate',
      summary: 'Cost estimate before a project is created (shown before paid generation)',
      request: { body: jsonRequest(S.EstimateRequest) },
      responses: { 200: json(S.EstimateJson) },
    },
    async (c) => {
      const body = parse(S.EstimateRequest, await jsonBody(c));
      const est = await bf.estimateCost({
        provider: body.provider,
        durationSec: body.durationSec,
        ...(body.model ? { model: body.model } : {}),
        ...(body.aspect ? { aspect: body.aspect } : {}),
        ...(body.resolution ? { resolution: body.resolution } : {}),
      });
      return c.json(est);
    },
  );
  return app;
}
