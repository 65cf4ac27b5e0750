import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReadinessTarget, readiness } from './health.js';

/**
 * /healthz and /readyz for a process without the API (a worker), so a container host can check it.
 * Nothing else is served.
 */
export async function startHealthServer(opts: {
  target: ReadinessTarget | undefined;
  host?: string;
  port: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const started = Date.now();
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/healthz')
      return send(200, { ok: true, uptimeSec: Math.round((Date.now() - started) / 1000) });
    if (path === '/readyz') {
      if (!opts.target) return send(503, { ok: false, error: 'no database handle' });
      readiness(opts.target).then(
        (r) => send(r.ok ? 200 : 503, r),
        () => send(503, { ok: false }),
      );
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '::', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
