// Plugin overhead per clip against the local emulator (submit, one poll, download + ffprobe verification), so a
// regression in the plugin's own work shows; the vendors' generation time is not measured here (it is minutes).
// Run after `pnpm build` (it loads dist/), from this package: `pnpm bench`.
import { benchRoundtrip, startVeoEmulator } from '@beatframe/emulators';

const { createVeoProvider } = await import(new URL('../dist/index.js', import.meta.url).href);
const emulator = await startVeoEmulator({ latencyMs: 300 });
await benchRoundtrip({
  vendor: 'veo',
  emulator,
  provider: createVeoProvider(),
  env: { GEMINI_API_KEY: emulator.apiKey, GOOGLE_GEMINI_BASE_URL: emulator.baseUrl },
  req: { prompt: 'bench', seconds: 4, size: '1280x720' },
});
