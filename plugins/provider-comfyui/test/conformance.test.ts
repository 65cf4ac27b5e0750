import { type ComfyUIEmulator, startComfyUIEmulator } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createComfyUIProvider } from '../src/index.js';

let emu: ComfyUIEmulator;
const env: Record<string, string | undefined> = {};

runProviderConformance({
  name: 'comfyui',
  makeProvider: () => createComfyUIProvider(),
  // LTX-Video's smallest portrait size, 2 s: 49 frames at 24 fps.
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 2, size: '512x768' },
  env,
  missingKey: { envVar: 'COMFYUI_URL' },
  pollIntervalMs: 50,
  setup: async () => {
    emu = await startComfyUIEmulator({ latencyMs: 400 });
    env.COMFYUI_URL = emu.baseUrl;
  },
  teardown: () => emu.close(),
  submissions: () => emu.stats.prompts,
  faults: {
    kinds: ['retryable', 'fatal', 'auth'],
    inject(kind) {
      if (kind === 'retryable') emu.interruptNextJob();
      if (kind === 'fatal')
        emu.failNextJob({
          exception_type: 'torch.OutOfMemoryError',
          exception_message: 'Allocation on device 0 would exceed allowed memory. (out of memory)',
        });
      if (kind === 'auth') emu.failNext('prompt', { status: 401, body: { error: 'Unauthorized' } });
    },
    clear: () => emu.clearFaults(),
  },
  corruptDownload: () => emu.corruptNextDownload(1),
});
