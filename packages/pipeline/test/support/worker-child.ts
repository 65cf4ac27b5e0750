/**
 * A worker process for the crash and multi-worker tests: the real service and engine with the
 * test stage implementations against the loopback emulator. Exits 0 once every project in
 * BF_PROJECTS is finished (done, failed or paused).
 */
import { createLogger, loadConfig } from '@beatframe/core';
import { getProvider } from '@beatframe/registry';
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
// BF_PROVIDER names a real provider plugin (pointed at its vendor's emulator by the environment).
const provider = env.BF_PROVIDER
  ? getProvider(env.BF_PROVIDER, { dataDir: env.BF_DATA_DIR!, providers: {} })
  : emulatedProvider(env.BF_EMU_URL!, {
      concurrency: Number(env.BF_PROVIDER_CONCURRENCY ?? 4),
      worker: String(process.pid),
    });
const bf = await createBeatframe({
  config,
  logger: createLogger({ level: env.BF_LOG_LEVEL ?? 'warn' }),
  deps: testDeps({ shots: Number(env.BF_SHOTS ?? 4), provider }),
  settings: { pollIntervalMs: 50 },
});
await bf.startWorker({ concurrency: Number(env.BF_CONCURRENCY ?? 4) });
process.stdout.write('ready\n');
for (const id of (env.BF_PROJECTS ?? '').split(',').filter(Boolean)) await bf.waitFor(id);
await bf.close();
process.exit(0);
