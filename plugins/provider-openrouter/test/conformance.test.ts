import { type OpenRouterEmulator, startOpenRouterEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createOpenRouterProvider } from '../src/index.js';

let emu: OpenRouterEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'openrouter',
  makeProvider: () => createOpenRouterProvider(),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 5, size: '720x720' },
  env,
  missingKey: { envVar: 'OPENROUTER_API_KEY' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startOpenRouterEmulator({ latencyMs: 400, fps: 8 });
    env.OPENROUTER_API_KEY = emu.apiKey;
    env.OPENROUTER_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('submit', {
          status: 429,
          body: { error: { code: 429, message: 'Rate limit exceeded: too many video requests' } },
          retryAfter: 4,
        });
      if (kind === 'content-policy')
        emu.failNext('submit', {
          status: 403,
          body: {
            error: {
              code: 403,
              message: 'Your input was flagged by moderation',
              metadata: { reasons: ['violence'], flagged_input: 'a lighthouse…' },
            },
          },
        });
      if (kind === 'quota')
        emu.failNext('submit', {
          status: 402,
          body: {
            error: {
              code: 402,
              message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
            },
          },
        });
      if (kind === 'auth')
        emu.failNext('submit', { status: 401, body: { error: { code: 401, message: 'User not found.' } } });
      if (kind === 'retired')
        emu.failNext('submit', {
          status: 404,
          body: {
            error: { code: 404, message: 'Model alibaba/wan-2.6 does not exist or has no video endpoints' },
          },
        });
      if (kind === 'fatal')
        emu.failNextJob('Upstream provider rejected the request: invalid image dimensions');
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
