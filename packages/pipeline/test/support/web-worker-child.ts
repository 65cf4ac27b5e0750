/**
 * A worker process for the web provider's crash test: the real service and engine, the test stages, and the
 * real web provider (from the registry, driving Chromium) against the fake video site at SORA_BASE_URL.
 * Exits 0 once the project in BF_PROJECTS is finished (done, failed or paused).
 */
import { createLogger, loadConfig } from '@beatframe/core';
import { getProvider } from '@beatframe/registry';
import { createBeatframe } from '../../src/index.js';
import { testDeps } from './deps.js';

const env = process.env;
const config = loadConfig({ env: { BEATFRAME_DATA_DIR: env.BF_DATA_DIR }, cwd: env.BF_DATA_DIR });
config.providers.web = {
  pacing: { minMs: 0, maxMs: 5 },
  seed: 3,
  timeouts: { stepMs: 10_000, landmarkMs: 15_000 },
};
const provider = getProvider('web', config);
const bf = await createBeatframe({
  config,
  logger: createLogger({ level: env.BF_LOG_LEVEL ?? 'warn' }),
  deps: testDeps({ shots: Number(env.BF_SHOTS ?? 1), provider }),
  settings: { pollIntervalMs: 300 },
});
await bf.startWorker({ concurrency: 2 });
process.stdout.write('ready\n');
for (const id of (env.BF_PROJECTS ?? '').split(',').filter(Boolean)) await bf.waitFor(id);
await bf.close();
process.exit(0);
