import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody, sendJson } from './http.js';

/**
 * fal.ai's Platform API for keys (https://api.fal.ai/v1): POST /keys {alias} → {key_id, key_secret,
 * key = "key_id:key_secret"}, GET /keys, DELETE /keys/{key_id}, all with an ADMIN key in
 * `Authorization: Key …`; and GET /models, which any active key may call (how a key is checked).
 */
export interface FalKeysEmulator {
  /** Base URL, ending in /v1. */
  url: string;
  adminKey: string;
  /** key_id → key and whether it is active. */
  keys: Map<string, { key: string; alias: string; active: boolean }>;
  /** Adds an active API key (as if made in the dashboard); returns `key_id:key_secret`. */
  addKey(alias: string): string;
  isActive(key: string): boolean;
  /** The next `times` requests to `route` answer with this HTTP status. */
  failNext(route: 'create' | 'delete' | 'models', status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startFalKeysEmulator(opts: { adminKey?: string } = {}): Promise<FalKeysEmulator> {
  const adminKey =
    opts.adminKey ?? `admin-${randomBytes(6).toString('hex')}:${randomBytes(12).toString('hex')}`;
  const keys: FalKeysEmulator['keys'] = new Map();
  const faults: Array<{ route: string; status: number; left: number }> = [];
  const addKey = (alias: string) => {
    const id = randomBytes(6).toString('hex');
    const key = `${id}:${randomBytes(16).toString('hex')}`;
    keys.set(id, { key, alias, active: true });
    return key;
  };
  const activeKey = (k: string | undefined) => [...keys.values()].some((e) => e.active && e.key === k);
  const fault = (route: string) => {
    const f = faults.find((x) => x.route === route && x.left > 0);
    if (f) f.left--;
    return f?.status;
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const given = /^Key\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return sendJson(res, 404, { detail: 'Not Found' });
    if (parts[1] === 'models' && req.method === 'GET') {
      const f = fault('models');
      if (f) return sendJson(res, f, { detail: 'emulated failure' });
      if (!activeKey(given) && given !== adminKey) return sendJson(res, 401, { detail: 'Invalid API key' });
      return sendJson(res, 200, {
        models: [{ endpoint_id: 'fal-ai/kling-video' }],
        next_cursor: null,
        has_more: false,
      });
    }
    if (parts[1] !== 'keys') return sendJson(res, 404, { detail: 'Not Found' });
    if (!given) return sendJson(res, 401, { detail: 'Missing credentials' });
    if (given !== adminKey) return sendJson(res, 403, { detail: 'This API requires an ADMIN scope key' });
    if (req.method === 'POST' && parts.length === 2) {
      const f = fault('create');
      if (f) return sendJson(res, f, { detail: 'emulated failure' });
      const body = JSON.parse((await readBody(req)) || '{}') as { alias?: string };
      if (!body.alias || body.alias.length > 255)
        return sendJson(res, 422, { detail: 'alias is required (1-255 characters)' });
      const key = addKey(body.alias);
      const [key_id, key_secret] = key.split(':');
      return sendJson(res, 201, { key_id, key_secret, key });
    }
    if (req.method === 'GET' && parts.length === 2)
      return sendJson(res, 200, {
        keys: [...keys]
          .filter(([, k]) => k.active)
          .map(([key_id, k]) => ({
            key_id,
            alias: k.alias,
            scope: 'API',
            created_at: new Date().toISOString(),
          })),
        next_cursor: null,
        has_more: false,
      });
    if (req.method === 'DELETE' && parts.length === 3) {
      const f = fault('delete');
      if (f) return sendJson(res, f, { detail: 'emulated failure' });
      const k = keys.get(parts[2]!);
      if (!k?.active) return sendJson(res, 404, { detail: 'Key not found' });
      k.active = false;
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 405, { detail: 'Method Not Allowed' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { detail: (err as Error).message }));
  });
  const base = await listenLocal(server);
  return {
    url: `${base}/v1`,
    adminKey,
    keys,
    addKey,
    isActive: (k) => activeKey(k),
    failNext(route, status, times = 1) {
      faults.push({ route, status, left: times });
    },
    close: () => closeServer(server),
  };
}
