#!/usr/bin/env node
// Runs a vendor emulator on its own, e.g. to try `beatframe make --provider comfyui` with no GPU:
//   node packages/emulators/dist/serve.js --vendor comfyui --port 9500 --latency 3000
// then export the variables from the line it prints (COMFYUI_URL=…, or OPENAI_BASE_URL=… OPENAI_API_KEY=…).
import { parseArgs } from 'node:util';
import { startComfyUIEmulator } from './comfyui.js';
import { startOpenAIVideosEmulator } from './openai-videos.js';
import { startOpenRouterEmulator } from './openrouter.js';
import { startReplicateEmulator } from './replicate.js';

const { values } = parseArgs({
  options: {
    vendor: { type: 'string', default: 'openai-videos' },
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '3000' },
    key: { type: 'string' },
  },
});
const port = Number(values.port);
const latencyMs = Number(values.latency);
let emu: { close(): Promise<void> };
let env: Record<string, string>;
let baseUrl: string;
let apiKey: string | undefined;
if (values.vendor === 'comfyui') {
  const c = await startComfyUIEmulator({ port, latencyMs });
  emu = c;
  baseUrl = c.baseUrl;
  env = { COMFYUI_URL: c.baseUrl };
  // Say what the GPU is doing, so a run by hand shows one queued prompt per shot.
  setInterval(() => {
    process.stderr.write(
      `comfyui: ${c.stats.prompts} prompts queued, ${c.stats.runs} run, ${c.queueLength()} waiting\n`,
    );
  }, 5000).unref();
} else if (values.vendor === 'openai-videos') {
  const o = await startOpenAIVideosEmulator({
    port,
    latencyMs,
    ...(values.key ? { apiKey: values.key } : {}),
  });
  emu = o;
  baseUrl = o.baseUrl;
  apiKey = o.apiKey;
  env = { OPENAI_BASE_URL: o.baseUrl, OPENAI_API_KEY: o.apiKey };
} else if (values.vendor === 'replicate') {
  const r = await startReplicateEmulator({ port, latencyMs, ...(values.key ? { apiKey: values.key } : {}) });
  emu = r;
  baseUrl = r.baseUrl;
  apiKey = r.apiKey;
  env = { REPLICATE_BASE_URL: r.baseUrl, REPLICATE_API_TOKEN: r.apiKey };
  setInterval(
    () => process.stderr.write(`replicate: ${r.stats.submissions} predictions created\n`),
    5000,
  ).unref();
} else if (values.vendor === 'openrouter') {
  const o = await startOpenRouterEmulator({ port, latencyMs, ...(values.key ? { apiKey: values.key } : {}) });
  emu = o;
  baseUrl = o.baseUrl;
  apiKey = o.apiKey;
  env = { OPENROUTER_BASE_URL: o.baseUrl, OPENROUTER_API_KEY: o.apiKey };
  setInterval(
    () => process.stderr.write(`openrouter: ${o.stats.submissions} video jobs submitted\n`),
    5000,
  ).unref();
} else {
  process.stderr.write(
    `unknown --vendor ${values.vendor}: comfyui, replicate, openrouter or openai-videos\n`,
  );
  process.exit(2);
}
process.stdout.write(
  `${JSON.stringify({ vendor: values.vendor, baseUrl, ...(apiKey ? { apiKey } : {}), env })}\n`,
);
const stop = () => void emu.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
