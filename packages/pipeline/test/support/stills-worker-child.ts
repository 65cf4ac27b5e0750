/**
 * A worker process for the stills crash test: the real service and engine, the test stages, Veo and Gemini
 * images (the real plugins) against the Gemini API emulator its environment points at, and one recurring
 * character with a sheet (so look development makes a reference still). Exits 0 once the project in
 * BF_PROJECTS is settled (done, failed or paused).
 */
import { createLogger, loadConfig } from '@beatframe/core';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { createBeatframe } from '../../src/index.js';
import { MARA, testDeps } from './deps.js';

const env = process.env;
const config = loadConfig({ env: { BEATFRAME_DATA_DIR: env.BF_DATA_DIR }, cwd: env.BF_DATA_DIR });
const bf = await createBeatframe({
  config,
  env,
  logger: createLogger({ level: env.BF_LOG_LEVEL ?? 'warn' }),
  deps: testDeps({
    shots: Number(env.BF_SHOTS ?? 2),
    provider: getProvider('veo', config),
    imageProvider: getImageProvider('veo', config),
    characters: [MARA],
    prompt: (i) =>
      `Mara, shot ${i + 1}: ${['walks under a streetlight', 'looks up at the rain', 'runs'][i % 3]}`,
  }),
  settings: { pollIntervalMs: 200 },
});
await bf.startWorker({ concurrency: 2 });
process.stdout.write('ready\n');
for (const id of (env.BF_PROJECTS ?? '').split(',').filter(Boolean)) await bf.waitFor(id);
await bf.close();
process.exit(0);
