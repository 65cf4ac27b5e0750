// Plugin overhead per clip against the local emulator (submit, one poll, download + ffprobe verification), so a
// regression in the plugin's own work shows; the vendors' generation time is not measured here (it is minutes).
// Run after `pnpm build` (it loads dist/), from this package: `pnpm bench`.
import { benchRoundtrip, startFalEmulator } from '@beatframe/emulators';

const { createFalProvider } = await import(new URL('../dist/index.js', import.meta.url).href);
const emulator = await startFalEmulator({ latencyMs: 300 });
await benchRoundtrip({
  vendor: 'fal',
  emulator,
  provider: createFalProvider(),
  env: { FAL_KEY: emulator.apiKey, FAL_BASE_URL: emulator.baseUrl },
  req: { prompt: 'bench', seconds: 5, size: '854x480', model: 'wan-2.2' },
});
