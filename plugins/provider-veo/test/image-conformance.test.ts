import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestStill, startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { runImageProviderConformance } from '@beatframe/provider-conformance';
import { createGeminiImageProvider } from '../src/index.js';

let emu: VeoEmulator;
const env: Record<string, string | undefined> = {};

runImageProviderConformance({
  name: 'veo (gemini images)',
  makeProvider: () => createGeminiImageProvider(),
  request: { prompt: 'a woman of thirty in a red wool coat on a wet street at night', size: '1280x720' },
  env,
  missingKey: { envVar: 'GEMINI_API_KEY' },
  setup: async () => {
    emu = await startVeoEmulator();
    env.GEMINI_API_KEY = emu.apiKey;
    env.GOOGLE_GEMINI_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.images,
  lastReferenceCount: () =>
    emu.imageBodies
      .at(-1)
      ?.body.contents.flatMap((c) => c.parts)
      .filter((p) => p.inlineData).length ?? -1,
  referenceImages: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-gemini-refs-'));
    return Promise.all(['a', 'b'].map((n) => makeTestStill(join(dir, `${n}.png`), '96x96')));
  },
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('image', {
          httpStatus: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'Resource has been exhausted (e.g. check quota).',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
        });
      if (kind === 'content-policy') emu.refuseNextImage({ finishReason: 'IMAGE_SAFETY' });
      if (kind === 'quota')
        emu.failNext('image', {
          httpStatus: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'You exceeded your current quota, please check your plan and billing details.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel' }],
            },
          ],
        });
      if (kind === 'auth')
        emu.failNext('image', {
          httpStatus: 403,
          status: 'PERMISSION_DENIED',
          message: 'Permission denied.',
        });
      if (kind === 'retired')
        emu.failNext('image', {
          httpStatus: 404,
          status: 'NOT_FOUND',
          message: 'models/gemini-2.5-flash-image is not found for API version v1beta.',
        });
      if (kind === 'fatal')
        emu.failNext('image', {
          httpStatus: 400,
          status: 'INVALID_ARGUMENT',
          message: 'Request contains an invalid argument.',
        });
    },
    clear: () => emu.clearFaults(),
  },
});
