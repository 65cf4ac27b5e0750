import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestStill, type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { runImageProviderConformance } from '@beatframe/provider-conformance';
import { createOpenAIImageProvider } from '../src/index.js';

let emu: OpenAIVideosEmulator;
const env: Record<string, string | undefined> = {};

runImageProviderConformance({
  name: 'openai images',
  makeProvider: () => createOpenAIImageProvider({ imageQuality: 'low' }),
  request: { prompt: 'a woman of thirty in a red wool coat on a wet street at night', size: '1280x720' },
  env,
  missingKey: { envVar: 'OPENAI_API_KEY' },
  setup: async () => {
    emu = await startOpenAIVideosEmulator({ blockedWords: ['gore'] });
    env.OPENAI_API_KEY = emu.apiKey;
    env.OPENAI_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.images.stats.generations + emu.images.stats.edits,
  lastReferenceCount: () => emu.images.requests.at(-1)?.images.length ?? -1,
  referenceImages: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-openai-image-refs-'));
    return Promise.all(['a', 'b'].map((n) => makeTestStill(join(dir, `${n}.png`), '96x96')));
  },
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      const route = 'image-generate';
      if (kind === 'retryable')
        emu.failNext(route, {
          status: 429,
          type: 'requests',
          code: 'rate_limit_exceeded',
          message:
            'Rate limit reached for gpt-image-1.5 on images per minute (IPM): Limit 5, Used 5. Please try again in 12s.',
          retryAfter: 12,
        });
      if (kind === 'content-policy')
        emu.failNext(route, {
          status: 400,
          type: 'image_generation_user_error',
          code: 'moderation_blocked',
          message: 'Your request was rejected by the safety system. safety_violations=[violence].',
        });
      if (kind === 'quota')
        emu.failNext(route, {
          status: 429,
          type: 'insufficient_quota',
          code: 'insufficient_quota',
          message: 'You exceeded your current quota, please check your plan and billing details.',
        });
      if (kind === 'auth')
        emu.failNext(route, {
          status: 401,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          message: 'Incorrect API key provided: sk-***0000.',
        });
      if (kind === 'retired')
        emu.failNext(route, {
          status: 404,
          type: 'invalid_request_error',
          code: 'model_not_found',
          message: "The model 'gpt-image-1.5' does not exist or you do not have access to it.",
        });
      if (kind === 'fatal')
        emu.failNext(route, {
          status: 400,
          type: 'invalid_request_error',
          code: 'invalid_value',
          message: "Invalid value: 'x'. Supported values are: 'png', 'jpeg', and 'webp'.",
        });
    },
    clear: () => emu.clearFaults(),
  },
});
