import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FalEmulator, makeTestStill, startFalEmulator } from '@beatframe/emulators';
import { runImageProviderConformance } from '@beatframe/provider-conformance';
import { createFalImageProvider } from '../src/index.js';

let emu: FalEmulator;
const env: Record<string, string | undefined> = {};

runImageProviderConformance({
  name: 'fal images (seedream)',
  makeProvider: () => createFalImageProvider({ imagePollIntervalMs: 50 }),
  request: { prompt: 'a woman of thirty in a red wool coat on a wet street at night', size: '1280x720' },
  env,
  missingKey: { envVar: 'FAL_KEY' },
  setup: async () => {
    emu = await startFalEmulator({ latencyMs: 200 });
    env.FAL_KEY = emu.apiKey;
    env.FAL_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  lastReferenceCount: () => (emu.inputs.at(-1)?.input.image_urls as unknown[] | undefined)?.length ?? 0,
  referenceImages: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-fal-image-refs-'));
    return Promise.all(['a', 'b'].map((n) => makeTestStill(join(dir, `${n}.png`), '96x96')));
  },
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('submit', { status: 429, body: { detail: 'Too many requests' }, retryAfter: 3 });
      if (kind === 'content-policy')
        emu.failNextJob({
          status: 422,
          detail: [
            {
              loc: ['body', 'prompt'],
              msg: 'The content could not be processed because it contained material flagged by a content checker.',
              type: 'content_policy_violation',
            },
          ],
        });
      if (kind === 'quota')
        emu.failNext('submit', {
          status: 403,
          body: {
            detail:
              'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
          },
        });
      if (kind === 'auth') emu.failNext('submit', { status: 401, body: { detail: 'Invalid Key' } });
      if (kind === 'retired')
        emu.failNext('submit', { status: 404, body: { detail: "Application 'seedream' not found" } });
      if (kind === 'fatal')
        emu.failNextJob({
          status: 422,
          detail: [{ loc: ['body', 'image_size'], msg: 'out of range', type: 'value_error.number' }],
        });
    },
    clear: () => emu.clearFaults(),
  },
});
