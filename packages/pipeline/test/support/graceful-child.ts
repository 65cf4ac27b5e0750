/**
 * A worker process for the graceful-stop tests: like worker-child.ts, and on SIGTERM it stops the way
 * `beatframe worker` does (grace period, then hand-back) and exits 0. BF_SLOW_RENDER_MS makes its
 * renderer take that long (aborting when told), so a SIGTERM can land during the render stage;
 * BF_NO_RECOVER starts it without picking up unfinished projects, so only a hand-back gives it work;
 * BF_START_ON_SIGNAL loads everything, prints `loaded`, and starts working on SIGUSR2.
 */
import { createLogger, loadConfig } from '@beatframe/core';
import { createBeatframe } from '../../src/index.js';
import { emulatedProvider, testDeps } from './deps.js';

const env = process.env;
const config = loadConfig({
  env: {
    BEATFRAME_DATA_DIR: env.BF_DATA_DIR,
    ...(env.BF_DATABASE_URL ? { DATABASE_URL: env.BF_DATABASE_URL } : {}),
  },
  cwd: env.BF_DATA_DIR,
});
const provider = emulatedProvider(env.BF_EMU_URL!, {
  concurrency: Number(env.BF_PROVIDER_CONCURRENCY ?? 4),
  worker: String(process.pid),
});
const deps = testDeps({ shots: Number(env.BF_SHOTS ?? 3), provider });
const slowMs = Number(env.BF_SLOW_RENDER_MS ?? 0);
if (slowMs > 0) {
  const real = deps.renderer;
  deps.renderer = async (name, cfg) => {
    const r = await real(name, cfg);
    return {
      ...r,
      async render(timeline, out, ctx) {
        process.stdout.write('rendering\n');
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, slowMs);
          ctx.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new Error('render aborted'));
          });
        });
        return r.render(timeline, out, ctx);
      },
    };
  };
}
const logger = createLogger({ level: env.BF_LOG_LEVEL ?? 'info' });
const bf = await createBeatframe({ config, logger, deps, settings: { pollIntervalMs: 50 } });
// Loading takes long on a busy machine: a stand-by worker loads first and starts working on SIGUSR2.
if (env.BF_START_ON_SIGNAL === '1') {
  process.stdout.write('loaded\n');
  await new Promise((resolve) => process.once('SIGUSR2', resolve));
}
const worker = await bf.startWorker({
  concurrency: Number(env.BF_CONCURRENCY ?? 4),
  recover: env.BF_NO_RECOVER !== '1',
});
process.once('SIGTERM', () => {
  void (async () => {
    await worker.stop({ graceMs: Number(env.BF_GRACE_MS ?? 200) });
    await bf.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  })();
});
process.stdout.write('ready\n');
for (const id of (env.BF_PROJECTS ?? '').split(',').filter(Boolean)) await bf.waitFor(id);
await bf.close();
process.exit(0);
