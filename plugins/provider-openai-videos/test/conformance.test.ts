import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createOpenAIVideosProvider } from '../src/index.js';

let emu: OpenAIVideosEmulator;
// Filled once the emulator listens; the provider reads its key and base URL from here (ctx.env).
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'openai-videos',
  makeProvider: () => createOpenAIVideosProvider({ thumbnails: true }),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 4, size: '1280x720' },
  env,
  missingKey: { envVar: 'OPENAI_API_KEY' },
  setup: async () => {
    emu = await startOpenAIVideosEmulator({ latencyMs: 500 });
    env.OPENAI_API_KEY = emu.apiKey;
    env.OPENAI_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('create', { status: 429, code: 'rate_limit_exceeded', retryAfter: 3 });
      if (kind === 'content-policy')
        emu.failNextJob({
          code: 'moderation_blocked',
          message: 'The generated video was flagged by moderation.',
        });
      if (kind === 'quota')
        emu.failNext('create', {
          status: 429,
          code: 'insufficient_quota',
          type: 'insufficient_quota',
          message: 'You exceeded your current quota.',
        });
      if (kind === 'auth') emu.failNext('create', { status: 401, code: 'invalid_api_key' });
      if (kind === 'retired')
        emu.failNext('create', {
          status: 404,
          code: 'model_not_found',
          message: "The model 'sora-2' does not exist.",
        });
      if (kind === 'fatal')
        emu.failNext('create', { status: 400, code: 'invalid_value', message: 'Invalid value.' });
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
