import { type FalEmulator, startFalEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createFalProvider } from '../src/index.js';

let emu: FalEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'fal',
  // Wan at 480p keeps the emulator's files small.
  makeProvider: () => createFalProvider({ model: 'wan-2.2' }),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 5, size: '854x480' },
  env,
  missingKey: { envVar: 'FAL_KEY' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startFalEmulator({ latencyMs: 400 });
    env.FAL_KEY = emu.apiKey;
    env.FAL_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
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
        emu.failNext('submit', { status: 404, body: { detail: "Application 'wan' not found" } });
      if (kind === 'fatal')
        emu.failNextJob({
          status: 422,
          detail: [{ loc: ['body', 'num_frames'], msg: 'out of range', type: 'value_error.number' }],
        });
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
