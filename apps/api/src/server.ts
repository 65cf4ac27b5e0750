import type { AddressInfo } from 'node:net';
import { ConfigError } from '@beatframe/core';
import { serve } from '@hono/node-server';
import { type ApiOptions, createApi } from './app.js';
import { isLoopback } from './auth.js';

export interface StartServerOptions extends ApiOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the API (and the dashboard) over HTTP. Refuses a non-loopback address without a token. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.token)
    throw new ConfigError(
      `refusing to listen on ${host} without a token: set BEATFRAME_API_TOKEN (or use --host 127.0.0.1)`,
    );
  const app = createApi(opts);
  const server = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? 8787 });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError(`port ${opts.port} on ${host} is already in use`)
          : err.code === 'EADDRNOTAVAIL'
            ? new ConfigError(`${host} is not an address of this machine`)
            : err,
      ),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Open SSE streams would keep close() waiting forever.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
