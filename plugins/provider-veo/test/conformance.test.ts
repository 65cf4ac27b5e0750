import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createVeoProvider } from '../src/index.js';

let emu: VeoEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'veo',
  makeProvider: () => createVeoProvider(),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 4, size: '1280x720' },
  env,
  missingKey: { envVar: 'GEMINI_API_KEY' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startVeoEmulator({ latencyMs: 400 });
    env.GEMINI_API_KEY = emu.apiKey;
    env.GOOGLE_GEMINI_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('create', {
          httpStatus: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'Resource has been exhausted (e.g. check quota).',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
        });
      if (kind === 'content-policy')
        emu.filterNextJob(['The prompt could not be submitted: it violates our usage guidelines.']);
      if (kind === 'quota')
        emu.failNext('create', {
          httpStatus: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'You exceeded your current quota, please check your plan and billing details.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaId: 'PredictLongRunningRequestsPerDayPerProjectPerModel' }],
            },
          ],
        });
      if (kind === 'auth')
        emu.failNext('create', {
          httpStatus: 403,
          status: 'PERMISSION_DENIED',
          message: "Method doesn't allow unregistered callers.",
        });
      if (kind === 'retired')
        emu.failNext('create', {
          httpStatus: 404,
          status: 'NOT_FOUND',
          message:
            'models/veo-3.1-fast-generate-preview is not found for API version v1beta, or is not supported for predictLongRunning.',
        });
      if (kind === 'fatal')
        emu.failNext('create', {
          httpStatus: 400,
          status: 'INVALID_ARGUMENT',
          message: 'Request contains an invalid argument.',
        });
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
