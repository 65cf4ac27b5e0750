/**
 * A worker process for the vendor crash test: the real service and engine, the test stages, and the real
 * plugins named in BF_PROVIDERS (from the registry) against the vendor emulators its environment points at.
 * Exits 0 once the project in BF_PROJECTS is finished (done, failed or paused).
 */
import { createLogger, loadConfig } from '@beatframe/core';
import { getProvider } from '@beatframe/registry';
import { createBeatframe } from '../../src/index.js';
import { testDeps } from './deps.js';

const env = process.env;
const config = loadConfig({ env: { BEATFRAME_DATA_DIR: env.BF_DATA_DIR }, cwd: env.BF_DATA_DIR });
const [provider, ...others] = (env.BF_PROVIDERS ?? '').split(',').map((name) => getProvider(name, config));
const bf = await createBeatframe({
  config,
  logger: createLogger({ level: env.BF_LOG_LEVEL ?? 'warn' }),
  deps: testDeps({ shots: Number(env.BF_SHOTS ?? 1), provider: provider!, others }),
  settings: { pollIntervalMs: 200 },
});
await bf.startWorker({ concurrency: 6 });
process.stdout.write('ready\n');
for (const id of (env.BF_PROJECTS ?? '').split(',').filter(Boolean)) await bf.waitFor(id);
await bf.close();
process.exit(0);
