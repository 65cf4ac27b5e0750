import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { WebVideoSite } from '@beatframe/emulators';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createWebProvider } from '../src/index.js';

/** Chromium processes this test process started (Playwright launches the browser as its direct child). */
export function chromiumChildren(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read from the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && /chrom/i.test(comm)) out.push(Number(name));
    } catch {}
  }
  return out;
}

/** Every file inside a zip (a Playwright trace), decompressed and joined, to search it for secrets. */
export function zipContents(path: string): Buffer {
  const zip = readFileSync(path);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const parts: Buffer[] = [];
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    parts.push(method === 8 ? inflateRawSync(data) : data);
  }
  return Buffer.concat(parts);
}

/**
 * The provider conformance suite run on one web profile against one fake video site: only what differs between
 * sites is passed in (the profile, the site, the env prefix, how a refusal and a failed sign-in show).
 */
export function runWebConformance(o: {
  name: string;
  profile: string;
  envPrefix: string;
  startSite: (opts: { latencyMs: number }) => Promise<WebVideoSite>;
  seed: number;
  idleCloseMs: number;
  request: { prompt: string; seconds: number; size: string };
  jobTimeoutMs?: number;
  refuseContent: NonNullable<WebVideoSite['faults']['refuseContent']>;
  /** What refuses the second sign-in once the saved session has expired. */
  refuseLogin: (site: WebVideoSite) => void;
}): void {
  let site: WebVideoSite;
  const env: Record<string, string | undefined> = {};
  const made: Array<{ close(): Promise<void> }> = [];
  const shared = mkdtempSync(join(tmpdir(), 'bf-web-conf-'));
  const dirs: string[] = [shared];
  const password = `${o.envPrefix}_PASSWORD`;
  runProviderConformance({
    name: o.name,
    // A restarted worker keeps the account's saved session; one without credentials starts with none.
    makeProvider: (e) => {
      const dataDir = e?.[password] ? shared : mkdtempSync(join(tmpdir(), 'bf-web-conf-'));
      dirs.push(dataDir);
      const p = createWebProvider({
        profile: o.profile,
        dataDir,
        pacing: { minMs: 0, maxMs: 5 },
        seed: o.seed,
        idleCloseMs: o.idleCloseMs,
        timeouts: { stepMs: 15_000, landmarkMs: 20_000 }, // the profile defaults: a loaded CI machine is slow
      });
      made.push(p);
      return p;
    },
    request: o.request,
    env,
    missingKey: { envVar: password },
    pollIntervalMs: 200,
    ...(o.jobTimeoutMs ? { jobTimeoutMs: o.jobTimeoutMs } : {}),
    setup: async () => {
      site = await o.startSite({ latencyMs: 1500 });
      env[`${o.envPrefix}_BASE_URL`] = site.baseUrl;
      env[`${o.envPrefix}_EMAIL`] = site.email;
      env[password] = site.password;
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
        if (kind === 'content-policy') site.faults.refuseContent = o.refuseContent;
        if (kind === 'quota') site.faults.dailyLimit = true;
        if (kind === 'auth') {
          // The saved session is no longer good: the provider must sign in again, and is refused.
          site.expireSessions();
          o.refuseLogin(site);
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
}
