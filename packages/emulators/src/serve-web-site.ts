#!/usr/bin/env node
// Runs a fake video website on its own, to try `beatframe make|clip --provider web` by hand with no account:
//   node packages/emulators/dist/serve-web-site.js --site sora --port 9401 --latency 4000
// then SORA_BASE_URL=<baseUrl> SORA_EMAIL=<email> SORA_PASSWORD=<password> from the line it prints
// (`--site clipforge` serves the single-page one, for the profile in provider-web's test/profiles).
import { parseArgs } from 'node:util';
import { startWebVideoSite } from './web-video-site.js';
import { startWebVideoSiteSpa } from './web-video-site-spa.js';

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: 'sora' },
    port: { type: 'string', default: '0' },
    latency: { type: 'string', default: '4000' },
    email: { type: 'string' },
  },
});
const opts = {
  port: Number(values.port),
  latencyMs: Number(values.latency),
  ...(values.email ? { email: values.email } : {}),
  // The password is made up for each run (never typed on a command line, where `ps` would show it).
};
const site = values.site === 'clipforge' ? await startWebVideoSiteSpa(opts) : await startWebVideoSite(opts);
process.stdout.write(
  `${JSON.stringify({ baseUrl: site.baseUrl, email: site.email, password: site.password })}\n`,
);
const stop = () => void site.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
