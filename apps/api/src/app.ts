/**
 * The HTTP API: middleware (host and origin checks, auth, upload limits), the route modules mounted in order,
 * the OpenAPI document, and the web dashboard at /. Each route is declared once, next to its handler, in
 * routes/<area>.ts; what they share is in api-context.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BeatframeError, InputError, STAGES } from '@beatframe/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { type ApiOptions, createApiContext } from './api-context.js';
import { bearer, cookie, isLoopback, SESSION_COOKIE, sameSecret, sessionValue } from './auth.js';
import { fileResponse, pathInside } from './files.js';
import { mountOpsRoutes } from './ops-routes.js';
import { errorForLog, withoutPaths } from './public-text.js';
import { eventRoutes } from './routes/events.js';
import { fileRoutes } from './routes/files.js';
import { projectRoutes } from './routes/projects.js';
import { setupRoutes } from './routes/setup.js';
import { shotRoutes } from './routes/shots.js';
import { mountStudioRoutes } from './studio-routes.js';

export { type ApiOptions, DEFAULT_MAX_UPLOAD } from './api-context.js';

/** Builds the Hono app: API routes under /api, the OpenAPI document, and the web dashboard at /. */
export function createApi(opts: ApiOptions): OpenAPIHono {
  const ctx = createApiContext(opts);
  const { bf, logger, maxUpload } = ctx;
  const app = new OpenAPIHono();

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

  mountStudioRoutes(app, { bf }); // compression, versions, models, takes, timeline (studio-routes.ts)
  // --- health, readiness, metrics; key rings and alerts (ops-routes.ts) ---
  mountOpsRoutes(app, { bf, ...(opts.token ? { token: opts.token } : {}) });

  // --- routes, in the order the OpenAPI document lists them ---
  app.route('/', setupRoutes(ctx));
  app.route('/', projectRoutes(ctx));
  app.route('/', eventRoutes(ctx));
  app.route('/', fileRoutes(ctx));
  app.route('/', shotRoutes(ctx));

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
