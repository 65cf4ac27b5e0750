// Plugin overhead per clip against the local emulator (submit, one poll, download + ffprobe verification), so a
// regression in the plugin's own work shows; the vendors' generation time is not measured here (it is minutes).
// Run after `pnpm build` (it loads dist/), from this package: `pnpm bench`.
import { benchRoundtrip, startRunwayEmulator } from '@beatframe/emulators';

const { createRunwayProvider } = await import(new URL('../dist/index.js', import.meta.url).href);
const emulator = await startRunwayEmulator({ latencyMs: 300 });
await benchRoundtrip({
  vendor: 'runway',
  emulator,
  provider: createRunwayProvider(),
  env: { RUNWAYML_API_SECRET: emulator.apiKey, RUNWAYML_BASE_URL: emulator.baseUrl },
  req: { prompt: 'bench', seconds: 4, size: '1280x720' },
});
