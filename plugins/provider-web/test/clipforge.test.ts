import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebVideoSiteSpa, type WebVideoSite } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createWebProvider } from '../src/index.js';

/**
 * The second fake site is built nothing like the first (a single-page app: hash routes, a sign-in dialog, a
 * two-step wizard with a <select> and radio buttons, <progress>, a plain file link). Only a second profile
 * file changes: the provider's code is the same, and it passes the same suite.
 */

let site: WebVideoSite;
const env: Record<string, string | undefined> = {};
const made: Array<{ close(): Promise<void> }> = [];
const dirs: string[] = [];
const profile = fileURLToPath(new URL('./profiles/clipforge.json', import.meta.url));
const shared = mkdtempSync(join(tmpdir(), 'bf-web-clipforge-'));
dirs.push(shared);

runProviderConformance({
  name: 'web (clipforge profile)',
  makeProvider: (e) => {
    // A worker with the account's saved session, or (without credentials) a fresh one with none.
    const dataDir = e?.CLIPFORGE_PASSWORD ? shared : mkdtempSync(join(tmpdir(), 'bf-web-clipforge-'));
    dirs.push(dataDir);
    const p = createWebProvider({
      profile,
      dataDir,
      pacing: { minMs: 0, maxMs: 5 },
      seed: 5,
      idleCloseMs: 3000,
      timeouts: { stepMs: 15_000, landmarkMs: 20_000 }, // the profile defaults: a loaded CI machine is slow
    });
    made.push(p);
    return p;
  },
  request: { prompt: 'a kite over green hills, handheld', seconds: 4, size: '640x360' },
  env,
  missingKey: { envVar: 'CLIPFORGE_PASSWORD' },
  pollIntervalMs: 200,
  setup: async () => {
    site = await startWebVideoSiteSpa({ latencyMs: 1500 });
    env.CLIPFORGE_BASE_URL = site.baseUrl;
    env.CLIPFORGE_EMAIL = site.email;
    env.CLIPFORGE_PASSWORD = site.password;
  },
  teardown: async () => {
    await Promise.all(made.map((p) => p.close()));
    await site.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  },
  submissions: () => site.stats.submissions,
  faults: {
    kinds: ['retryable', 'content-policy', 'quota', 'auth', 'fatal'],
    retryAfter: true,
    inject(kind) {
      if (kind === 'retryable') site.faults.queueFull = true;
      if (kind === 'content-policy') site.faults.refuseContent = 'job';
      if (kind === 'quota') site.faults.dailyLimit = true;
      if (kind === 'auth') {
        // The saved session is no longer good: the provider must sign in again, and is refused.
        site.expireSessions();
        site.faults.captcha = 'login';
      }
      if (kind === 'fatal') site.faults.failGeneration = true;
    },
    clear: () => {
      for (const k of Object.keys(site.faults)) delete site.faults[k as keyof typeof site.faults];
    },
  },
  corruptDownload: () => {
    site.faults.interruptDownload = 1;
  },
});
