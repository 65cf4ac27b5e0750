import { isLoopback, startServer } from '@beatframe/api';
import { ConfigError, loadConfig, UsageError } from '@beatframe/core';
import { startQuotaWatcher } from '@beatframe/ops';
import { webBuilt, webDir } from '@beatframe/web';
import type { Command } from 'commander';
import { openSession, shutdownGraceMs, writers } from '../pipeline-session.js';

/** `beatframe serve`: the HTTP API, the web dashboard and an in-process worker. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the web dashboard, with a worker (Ctrl-C stops)')
    .option('--host <host>', 'address to listen on (default: config api.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: PORT, else config api.port, 8787)')
    .option('--concurrency <n>', 'shots generated at once by the in-process worker', '8')
    .option('--no-worker', 'serve only; separate `beatframe worker` processes do the work')
    .option('--max-upload-mb <mb>', 'largest song or clip upload, MB', '200')
    .action(
      async (
        opts: { host?: string; port?: string; concurrency: string; worker: boolean; maxUploadMb: string },
        cmd: Command,
      ) => {
        const { out, err } = writers(cmd);
        // A container host (Railway) says which port to listen on in PORT.
        const portArg = opts.port ?? (process.env.PORT || undefined);
        const port = portArg === undefined ? undefined : Number(portArg);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
          throw new UsageError(`--port must be a port number (0-65535), not ${portArg}`);
        const concurrency = Number(opts.concurrency);
        if (!(Number.isInteger(concurrency) && concurrency > 0))
          throw new UsageError(`--concurrency must be a whole number above 0, not ${opts.concurrency}`);
        const maxMb = Number(opts.maxUploadMb);
        if (!(maxMb > 0))
          throw new UsageError(`--max-upload-mb must be a number above 0, not ${opts.maxUploadMb}`);
        const token = process.env.BEATFRAME_API_TOKEN || undefined;
        const host = opts.host ?? loadConfig().api.host;
        // Checked before anything opens, listens or works.
        if (!isLoopback(host) && !token) {
          throw new ConfigError(
            `refusing to listen on ${host} without a token: set BEATFRAME_API_TOKEN (or use --host 127.0.0.1)`,
          );
        }
        const { bf, logger } = await openSession({ logsToStderr: true });
        if (!webBuilt())
          err(
            `beatframe: the web dashboard is not built (pnpm --filter @beatframe/web build); serving the API only`,
          );
        let worker: Awaited<ReturnType<typeof bf.startWorker>> | undefined;
        let server: Awaited<ReturnType<typeof startServer>> | undefined;
        let quota: ReturnType<typeof startQuotaWatcher> | undefined;
        try {
          server = await startServer({
            bf,
            host,
            port: port ?? bf.config.api.port,
            ...(token ? { token } : {}),
            cors: bf.config.api.cors,
            maxUploadBytes: Math.round(maxMb * 1024 * 1024),
            ...(webBuilt() ? { webDir } : {}),
            logger,
          });
          if (opts.worker) worker = await bf.startWorker({ concurrency });
          if (opts.worker) quota = startQuotaWatcher(bf, { logger });
          out(server.url);
          logger.info(
            { url: server.url, worker: opts.worker, auth: token ? 'token' : 'none' },
            'beatframe is serving',
          );
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          logger.info('stopping: finishing the jobs in hand, then handing the rest back');
        } finally {
          quota?.stop();
          await server?.close();
          await worker?.stop({ graceMs: shutdownGraceMs() });
          await bf.close();
        }
      },
    );
}
