import { type ReplicateEmulator, startReplicateEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createReplicateProvider } from '../src/index.js';

let emu: ReplicateEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'replicate',
  makeProvider: () => createReplicateProvider(),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 5, size: '832x480' },
  env,
  missingKey: { envVar: 'REPLICATE_API_TOKEN' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startReplicateEmulator({ latencyMs: 400, fps: 8 });
    env.REPLICATE_API_TOKEN = emu.apiKey;
    env.REPLICATE_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    inject(kind) {
      if (kind === 'retryable') emu.failNextJob('Prediction interrupted; please retry (code: PA)');
      if (kind === 'content-policy')
        emu.failNextJob(
          'The input or output was flagged as sensitive. Please try again with different inputs. (E005)',
        );
      if (kind === 'quota')
        emu.failNext('create', {
          status: 402,
          body: {
            title: 'Insufficient credit',
            detail:
              'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.',
            status: 402,
          },
        });
      if (kind === 'auth')
        emu.failNext('create', {
          status: 401,
          body: {
            title: 'Unauthenticated',
            detail: 'You did not pass a valid authentication token',
            status: 401,
          },
        });
      if (kind === 'retired')
        emu.failNext('create', {
          status: 404,
          body: { title: 'Not found', detail: 'The requested resource could not be found.', status: 404 },
        });
      if (kind === 'fatal') emu.failNextJob('CUDA error: an illegal memory access was encountered');
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(2),
});
