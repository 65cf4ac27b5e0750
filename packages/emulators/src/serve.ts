#!/usr/bin/env node
// Runs the OpenAI Videos emulator on its own, e.g. to try `beatframe clip --provider sora` with no key:
//   node packages/emulators/dist/serve.js --port 8931 --latency 3000
// then OPENAI_BASE_URL=<baseUrl> OPENAI_API_KEY=<apiKey> from the line it prints.
import { parseArgs } from 'node:util';
import { startOpenAIVideosEmulator } from './openai-videos.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '3000' },
    key: { type: 'string' },
  },
});
const emu = await startOpenAIVideosEmulator({
  port: Number(values.port),
  latencyMs: Number(values.latency),
  ...(values.key ? { apiKey: values.key } : {}),
});
process.stdout.write(`${JSON.stringify({ baseUrl: emu.baseUrl, apiKey: emu.apiKey })}\n`);
const stop = () => void emu.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
