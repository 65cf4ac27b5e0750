import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebVideoSite, type WebVideoSite } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createWebProvider } from '../src/index.js';

let site: WebVideoSite;
const env: Record<string, string | undefined> = {};
const made: Array<{ close(): Promise<void> }> = [];
const shared = mkdtempSync(join(tmpdir(), 'bf-web-conf-'));
const dirs: string[] = [shared];

runProviderConformance({
  name: 'web (sora profile)',
  // A restarted worker keeps the account's saved session; one without credentials starts with none.
  makeProvider: (e) => {
    const dataDir = e?.SORA_PASSWORD ? shared : mkdtempSync(join(tmpdir(), 'bf-web-conf-'));
    dirs.push(dataDir);
    const p = createWebProvider({
      profile: 'sora',
      dataDir,
      pacing: { minMs: 0, maxMs: 5 },
      seed: 7,
      idleCloseMs: 2000,
      timeouts: { stepMs: 15_000, landmarkMs: 20_000 }, // the profile defaults: a loaded CI machine is slow
    });
    made.push(p);
    return p;
  },
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 5, size: '854x480' },
  env,
  missingKey: { envVar: 'SORA_PASSWORD' },
  pollIntervalMs: 200,
  jobTimeoutMs: 60_000,
  setup: async () => {
    site = await startWebVideoSite({ latencyMs: 1500 });
    env.SORA_BASE_URL = site.baseUrl;
    env.SORA_EMAIL = site.email;
    env.SORA_PASSWORD = site.password;
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
      if (kind === 'content-policy') site.faults.refuseContent = 'submit';
      if (kind === 'quota') site.faults.dailyLimit = true;
      if (kind === 'auth') {
        // The saved session is no longer good: the provider must sign in again, and is refused.
        site.expireSessions();
        site.faults.rejectLogin = true;
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
