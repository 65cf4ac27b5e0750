import { defaultKeyHealth, ringStatus } from '@beatframe/keyring';
import { createMetrics, opsTargetOf, readiness } from '@beatframe/ops';
import type { Beatframe } from '@beatframe/pipeline';
import { providerEntries } from '@beatframe/registry';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bearer, sameSecret } from './auth.js';

const started = Date.now();

/**
 * Health, readiness and metrics for a container host, and the key rings and alerts for the dashboard.
 * /healthz and /readyz answer without a token (Railway's healthcheck sends none) and say nothing secret;
 * /metrics needs the API token when one is set (Prometheus sends it as a bearer token).
 */
export function mountOpsRoutes(app: OpenAPIHono, opts: { bf: Beatframe; token?: string }): void {
  const target = opsTargetOf(opts.bf);
  const metrics = target ? createMetrics(target.database) : undefined;

  app.get('/healthz', (c) => c.json({ ok: true, uptimeSec: Math.round((Date.now() - started) / 1000) }));

  app.get('/readyz', async (c) => {
    if (!target) return c.json({ ok: false, error: 'no database handle' }, 503);
    const r = await readiness(target);
    return c.json(r, r.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    if (opts.token) {
      const given = bearer(c.req.header('authorization'));
      if (!given || !sameSecret(given, opts.token)) {
        c.header('WWW-Authenticate', 'Bearer realm="beatframe"');
        return c.json({ error: { code: 'UNAUTHORIZED', message: 'a valid API token is required' } }, 401);
      }
    }
    if (!metrics) return c.text('# no database handle\n', 503);
    return c.body(await metrics.text(), 200, { 'content-type': metrics.contentType });
  });

  // Behind the /api auth middleware like every other API route.
  app.get('/api/ops/keys', async (c) => {
    const rings = providerEntries()
      .filter((e) => e.keyEnv)
      .map((e) => ringStatus(e.name, e.keyEnv!, defaultKeyHealth));
    const switches = target
      ? await target.database.query<Record<string, unknown>>(
          `SELECT project_id AS "projectId", shot_id AS "shotId", summary, output, at FROM decisions
           WHERE role = 'keyring' ORDER BY id DESC LIMIT 50`,
        )
      : [];
    return c.json({ rings, switches });
  });

  app.get('/api/ops/alerts', async (c) => {
    if (!target) return c.json({ alerts: [], quotaPaused: [] });
    const alerts = await target.database.query<Record<string, unknown>>(
      'SELECT scope, scope_key AS "key", threshold, at FROM budget_alerts ORDER BY at DESC LIMIT 100',
    );
    const quotaPaused = await target.database.query<Record<string, unknown>>(
      `SELECT id, name, error AS reason, updated_at AS "since" FROM projects
       WHERE status = 'paused' AND error ILIKE '%quota%' ORDER BY updated_at DESC`,
    );
    return c.json({ alerts, quotaPaused });
  });
}
