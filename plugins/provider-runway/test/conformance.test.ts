import { type RunwayEmulator, startRunwayEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createRunwayProvider } from '../src/index.js';

let emu: RunwayEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'runway',
  makeProvider: () => createRunwayProvider(),
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 3, size: '1280x720' },
  env,
  missingKey: { envVar: 'RUNWAYML_API_SECRET' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startRunwayEmulator({ latencyMs: 400 });
    env.RUNWAYML_API_SECRET = emu.apiKey;
    env.RUNWAYML_BASE_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable')
        emu.failNext('create', { status: 429, body: { error: 'Too many requests.' }, retryAfter: 3 });
      if (kind === 'content-policy')
        emu.failNextJob({
          failure: 'The prompt did not pass our content moderation.',
          failureCode: 'SAFETY.INPUT.TEXT',
        });
      if (kind === 'quota')
        emu.failNext('create', {
          status: 400,
          body: { error: 'You do not have enough credits to run this task.' },
        });
      if (kind === 'auth') emu.failNext('create', { status: 401, body: { error: 'Invalid API key.' } });
      if (kind === 'retired')
        emu.failNext('create', {
          status: 400,
          body: {
            error: 'Validation of body failed',
            issues: [
              {
                path: ['model'],
                message: "Invalid enum value. Expected 'gen4_turbo' | 'veo3.1', received 'gen4.5'",
              },
            ],
          },
        });
      if (kind === 'fatal')
        emu.failNextJob({ failure: 'The input image could not be decoded.', failureCode: 'ASSET.INVALID' });
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
