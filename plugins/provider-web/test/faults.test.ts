import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type ProviderError } from '@beatframe/core';
import { errorOf, makeTestStill, startWebVideoSite, type WebVideoSite } from '@beatframe/emulators';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebProvider, type WebSettings } from '../src/index.js';
import { chromiumChildren, zipContents } from './support.js';

/** Each fault switch of the fake site, driven through the real browser, ends in the right class of error. */

let site: WebVideoSite;
let dir: string;
let env: Record<string, string | undefined>;
const providers: Array<{ close(): Promise<void> }> = [];
const REQ = { prompt: 'paper lanterns over a river at dusk', seconds: 5, size: '854x480' };

function provider(dataDir = join(dir, 'shared'), extra: WebSettings = {}) {
  const p = createWebProvider({
    profile: 'sora',
    dataDir,
    pacing: { minMs: 0, maxMs: 5 },
    seed: 11,
    // The profile's own step and landmark timeouts: shorter ones made a loaded CI machine's slow page read as a
    // fault (a sign-in step past 4 s failed the first test and, through the shared counters, a later one).
    idleCloseMs: 5000,
    ...extra,
  });
  providers.push(p);
  return p;
}
const fresh = (name: string) => provider(join(dir, name));
const ctx = () => recordingContext(env);

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function clearFaults() {
  for (const k of Object.keys(site.faults)) delete site.faults[k as keyof typeof site.faults];
}

async function failing(p: Promise<unknown>): Promise<ProviderError> {
  const err = await errorOf(p);
  expect(err, 'the call should have failed').toBeDefined();
  return err!;
}

function expectPaused(err: ProviderError, code: string, kind: string) {
  expect(err.providerCode).toBe(code);
  expect(err.kind).toBe(kind);
  expect(err.needsPerson).toBe(true);
  expect(err.message).not.toContain('\n');
  expect(err.screenshot && existsSync(err.screenshot)).toBe(true);
}

describe('web provider faults (sora profile, fake site)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-web-faults-'));
    site = await startWebVideoSite({ latencyMs: 1200 });
    env = { SORA_BASE_URL: site.baseUrl, SORA_EMAIL: site.email, SORA_PASSWORD: site.password };
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in once, keeps the session (mode 0600), and never writes a credential anywhere', async () => {
    const p = provider(join(dir, 'shared'), { trace: true });
    const c = ctx();
    const still = await makeTestStill(join(dir, 'start.png'));
    const ref = await p.submit({ ...REQ, imagePath: still }, c);
    expect(ref.jobId).toMatch(/^gen_/);
    const job = site.jobs.get(ref.jobId)!;
    expect(job.size).toBe('854x480');
    expect(job.seconds).toBe(5);
    expect(job.image?.type).toBe('image/png');
    expect((await pollUntilSettled(p, ref, c, { intervalMs: 200 })).state).toBe('done');
    const session = join(dir, 'shared', 'sessions', 'sora.json');
    expect(statSync(session).mode & 0o777).toBe(0o600);
    expect(site.stats.logins).toBe(1);
    // Not in the audit trail, nor in any file the provider wrote (session cookies aside): screenshots, traces.
    const trail = JSON.stringify(c.recorded);
    expect(trail).toContain('signed in');
    expect(trail).not.toContain(site.password);
    expect(trail).not.toContain(site.email);
    const traces = readdirSync(join(dir, 'shared', 'traces'));
    expect(traces.length).toBeGreaterThan(0);
    let composerTraced = false;
    for (const t of traces) {
      expect(t).not.toContain(site.email);
      const bytes = zipContents(join(dir, 'shared', 'traces', t));
      if (bytes.includes('Describe your video')) composerTraced = true;
      expect(bytes.includes(site.password)).toBe(false);
      expect(bytes.includes(site.email)).toBe(false);
    }
    expect(composerTraced, 'the traces are real: one shows the composer').toBe(true);
    expect(JSON.stringify(ref)).not.toContain(site.password);
    await p.close();
  });

  it('a missing credential is a configuration error naming the variables', async () => {
    const p = fresh('nocreds');
    const e = { SORA_BASE_URL: site.baseUrl };
    expect(p.status(recordingContext(e)).configured).toBe(false);
    const err = await errorOf(p.submit(REQ, recordingContext(e)));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/SORA_EMAIL.*SORA_PASSWORD/);
  });

  it.each([
    ['login-failed', 'rejectLogin'],
    ['captcha', 'captcha'],
    ['two-factor', 'twoFactor'],
  ] as const)('%s at sign-in pauses for a person (auth), with a screenshot', async (code, sw) => {
    clearFaults();
    if (sw === 'captcha') site.faults.captcha = 'login';
    else site.faults[sw] = true;
    try {
      const err = await failing(fresh(`login-${code}`).submit(REQ, ctx()));
      expectPaused(err, code, 'auth');
      // Nothing that names the account in the screenshot's file name.
      expect(err.screenshot).not.toContain(site.email);
    } finally {
      clearFaults();
    }
  });

  it('a full queue is retryable with the wait the profile gives; a daily limit is quota', async () => {
    const p = provider();
    const before = site.stats.submissions;
    site.faults.queueFull = true;
    const c = ctx();
    const full = await failing(p.submit(REQ, c));
    // Read from the banner while waiting for the library, not after that wait's 15-s timeout ran out.
    const wait = c.recorded.find((d) => d.summary.endsWith('wait heading "Library": queue-full'));
    expect(wait?.ms).toBeLessThan(15_000);
    expect([full.kind, full.providerCode, full.retryAfterSec, full.needsPerson]).toEqual([
      'retryable',
      'queue-full',
      120,
      false,
    ]);
    clearFaults();
    site.faults.dailyLimit = true;
    const daily = await failing(p.submit(REQ, ctx()));
    expect([daily.kind, daily.providerCode]).toEqual(['quota', 'daily-limit']);
    clearFaults();
    expect(site.stats.submissions).toBe(before); // refused ones created nothing
  });

  it('a refused prompt is content-policy, at submission and when the job ends', async () => {
    const p = provider();
    site.faults.refuseContent = 'submit';
    const atSubmit = await failing(p.submit(REQ, ctx()));
    expect([atSubmit.kind, atSubmit.providerCode]).toEqual(['content-policy', 'content-refused']);
    site.faults.refuseContent = 'job';
    const ref = await p.submit(REQ, ctx());
    clearFaults();
    const st = await pollUntilSettled(p, ref, ctx(), { intervalMs: 200 });
    expect(st.state).toBe('failed');
    expect([st.error?.kind, st.error?.code]).toEqual(['content-policy', 'content-refused']);
    expect(st.error?.screenshot && existsSync(st.error.screenshot)).toBe(true);
  });

  it('a failed generation is fatal (a new attempt), not a person', async () => {
    const p = provider();
    site.faults.failGeneration = true;
    const ref = await p.submit(REQ, ctx());
    clearFaults();
    const st = await pollUntilSettled(p, ref, ctx(), { intervalMs: 200 });
    expect([st.state, st.error?.kind, st.error?.code, st.error?.needsPerson]).toEqual([
      'failed',
      'fatal',
      'generation-failed',
      undefined,
    ]);
  });

  it('a download that keeps breaking off is retryable; one that breaks once is fetched again', async () => {
    const p = provider();
    const ref = await p.submit(REQ, ctx());
    await pollUntilSettled(p, ref, ctx(), { intervalMs: 200 });
    site.faults.interruptDownload = 1;
    const clip = await p.download(ref, join(dir, 'once.mp4'), ctx());
    expect(site.stats.downloads).toBeGreaterThan(1);
    expect(clip.width).toBe(854);
    // Chromium resumes a broken download by itself a few times: a site that always breaks it off.
    site.faults.interruptDownload = 1000;
    const err = await failing(p.download(ref, join(dir, 'never.mp4'), ctx()));
    expect([err.kind, err.providerCode]).toEqual(['retryable', 'download-interrupted']);
    expect(existsSync(join(dir, 'never.mp4'))).toBe(false);
    clearFaults();
  });

  it('a missing control is selector-not-found, a redesign is site-changed: both pause', async () => {
    const p = provider();
    site.faults.missingControl = 'duration';
    expectPaused(await failing(p.submit(REQ, ctx())), 'selector-not-found', 'fatal');
    clearFaults();
    site.faults.redesign = true;
    expectPaused(await failing(p.submit(REQ, ctx())), 'site-changed', 'fatal');
    clearFaults();
  });

  it('a menu that does not open on the first click is opened again, not taken for a changed site', async () => {
    const p = provider();
    const before = site.stats.submissions;
    site.faults.menuMissesClicks = 1;
    const c = ctx();
    const ref = await p.submit(REQ, c);
    expect(ref.jobId).toBeTruthy();
    expect(site.stats.submissions).toBe(before + 1);
    // The audit trail says which opener was clicked a second time and which item was tried again.
    const retries = c.recorded.map((d) => d.summary).filter((t) => /clicked again|tried again/.test(t));
    expect(retries).toContain(
      'sora submit: click button "Aspect ratio": clicked again: menuitemradio "16:9" did not show',
    );
    expect(retries).toContain(
      'sora submit: click menuitemradio "16:9": tried again after reopening its menu',
    );
    clearFaults();
  });

  it('a browser that crashes mid-call is retryable, and the next call starts a new one', async () => {
    const p = provider();
    const ref = await p.submit(REQ, ctx());
    site.faults.stallPages = true;
    const polling = errorOf(p.poll(ref, ctx()));
    await until(() => site.stats.stalled > 0);
    const pids = chromiumChildren();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const err = await polling;
    clearFaults();
    expect([err?.kind, err?.providerCode]).toEqual(['retryable', 'browser-crash']);
    expect((await pollUntilSettled(p, ref, ctx(), { intervalMs: 200 })).state).toBe('done');
  });

  it('the kill switch stops every call until it is removed', async () => {
    const p = provider();
    const stop = join(dir, 'shared', 'STOP');
    writeFileSync(stop, '');
    try {
      // It stops before any page opens: there is nothing to screenshot.
      const err = await failing(p.submit(REQ, ctx()));
      expect([err.kind, err.providerCode, err.needsPerson]).toEqual(['fatal', 'kill-switch', true]);
    } finally {
      rmSync(stop);
    }
    expect((await p.submit(REQ, ctx())).jobId).toMatch(/^gen_/);
    const env2 = { ...env, BEATFRAME_WEB_STOP: '1' };
    const e2 = await errorOf(p.submit(REQ, recordingContext(env2)));
    expect(e2?.providerCode).toBe('kill-switch');
  });
});
