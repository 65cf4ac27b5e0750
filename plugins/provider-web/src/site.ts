import { writeFile } from 'node:fs/promises';
import { type PluginContext, scrubString } from '@beatframe/core';
import type { Page } from 'playwright-core';
import type { AccountBrowser } from './browser.js';
import { readCredentials } from './credentials.js';
import { type FaultCode, faultOf, WebFault } from './faults.js';
import type { SiteProfile, Target } from './profile.js';
import { describeStep, detectFault, expand, locate, runSteps, type Vars } from './steps.js';

/**
 * One signed-in visit to the site: sign in when the site asks (credentials read from the environment at that
 * moment), compose and submit, find the job, read its state, download it. Every step goes to the decision log
 * with its time and outcome; a failure takes a masked screenshot.
 */

export type JobReading =
  | { state: 'queued' | 'running' | 'done'; progress?: number }
  | { state: 'failed'; fault: FaultCode; text: string };

export interface SiteVisitOptions {
  profile: SiteProfile;
  browser: AccountBrowser;
  baseUrl: string;
  ctx: PluginContext;
  shotId?: string | undefined;
  /** What this visit is for (submit, poll, download): names traces and screenshots. */
  op: string;
}

const POLL_MS = 150;

export class SiteVisit {
  private readonly env: Record<string, string | undefined>;
  /** Values masked in screenshots and scrubbed from the audit trail (the account's email). */
  private secrets: string[] = [];

  constructor(
    readonly page: Page,
    private readonly o: SiteVisitOptions,
  ) {
    this.env = o.ctx.env ?? process.env;
    const email = this.env[`${o.profile.envPrefix}_EMAIL`];
    if (email) this.secrets.push(email);
  }

  /** One line in the decision log for a step: what, how long, how it ended. */
  audit(summary: string, output: Record<string, unknown> = {}, ms?: number): void {
    void this.o.ctx.decisions?.record({
      role: 'web-step',
      summary: scrubString(`${this.o.profile.name} ${this.o.op}: ${summary}`, this.secrets),
      ...(this.o.shotId ? { shotId: this.o.shotId } : {}),
      ...(ms !== undefined ? { ms } : {}),
      output: { profile: this.o.profile.name, op: this.o.op, at: new Date().toISOString(), ...output },
    });
  }

  private steps(steps: SiteProfile['login'], vars: Vars) {
    return runSteps(this.page, steps, {
      profile: this.o.profile,
      vars,
      baseUrl: this.o.baseUrl,
      before: async () => {
        this.o.ctx.signal?.throwIfAborted();
        await this.o.browser.checkKillSwitch();
        await this.o.browser.pace();
      },
      after: (step, ok, ms, code) =>
        this.audit(`${describeStep(step, vars, this.o.profile)}: ${ok ? 'ok' : code}`, { ok }, ms),
      retry: (step, why) => this.audit(`${describeStep(step, vars, this.o.profile)}: ${why}`, { retry: why }),
    });
  }

  run(steps: SiteProfile['login'], vars: Vars = {}) {
    return this.steps(steps, vars);
  }

  url(template: string, vars: Vars): string {
    return new URL(expand(template, vars, this.o.profile), this.o.baseUrl).href;
  }

  async goto(template: string, vars: Vars): Promise<void> {
    await this.o.browser.checkKillSwitch();
    const t0 = Date.now();
    try {
      const url = this.url(template, vars);
      await this.page.goto(url, { timeout: this.o.profile.timeouts.stepMs });
      this.audit(`go to ${new URL(url).pathname}${new URL(url).hash}: ok`, { ok: true }, Date.now() - t0);
    } catch (err) {
      throw faultOf(err, `opening ${template}`);
    }
  }

  visible(t: Target, vars: Vars = {}): Promise<boolean> {
    return locate(this.page, t, vars, this.o.profile)
      .first()
      .isVisible()
      .catch(() => false);
  }

  /**
   * Waits until one of `wanted` is visible (its key is returned) or a fault detector matches (thrown);
   * after the landmark timeout, the site changed.
   */
  async waitForAny<K extends string>(wanted: Record<K, Target>, what: string, vars: Vars = {}): Promise<K> {
    const end = Date.now() + this.o.profile.timeouts.landmarkMs;
    for (;;) {
      this.o.ctx.signal?.throwIfAborted();
      // A fault on the page wins over what was wanted: a refusal shown beside an older job's link is a refusal.
      const seen = await detectFault(this.page, this.o.profile, vars).catch((e: unknown) => {
        throw faultOf(e, what);
      });
      if (seen) throw new WebFault(seen.fault, what);
      for (const [k, t] of Object.entries(wanted) as Array<[K, Target]>)
        if (await this.visible(t, vars)) return k;
      if (this.page.isClosed()) throw new WebFault('browser-crash', `${what}: the page closed`);
      if (Date.now() > end)
        throw new WebFault(
          'site-changed',
          `${what}: nothing expected appeared in ${this.o.profile.timeouts.landmarkMs} ms`,
        );
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Signs in when the page shows the sign-in form; returns whether it did. */
  async signInIfAsked(signedIn: Target[], returnTo: { template: string; vars: Vars }): Promise<boolean> {
    const p = this.o.profile;
    const wanted: Record<string, Target> = { out: p.signInPage };
    signedIn.forEach((t, i) => {
      wanted[`in${i}`] = t;
    });
    const where = await this.waitForAny(wanted, 'opening the site', returnTo.vars);
    if (where !== 'out') return false;
    await this.signIn();
    await this.goto(returnTo.template, returnTo.vars);
    return true;
  }

  /** Runs the profile's sign-in with the account's credentials; the trace chunk around it is closed first. */
  async signIn(): Promise<void> {
    const p = this.o.profile;
    // The trace so far is kept; the sign-in itself is never traced.
    await this.o.browser.traceStop(`${this.o.op}-${Date.now()}-before-sign-in`);
    const creds = readCredentials(p.envPrefix, this.env);
    this.secrets = [creds.email];
    const t0 = Date.now();
    await this.steps(p.login, { email: creds.email, password: creds.password });
    await this.waitForAny({ in: p.signedIn }, 'signing in');
    await this.o.browser.saveSession();
    this.audit('signed in; session saved (mode 0600)', { ok: true }, Date.now() - t0);
    await this.o.browser.traceStart(`${this.o.op} after sign-in`);
  }

  /** A fault, with a masked screenshot of the page as it was, and its line in the audit trail. */
  async failed(err: unknown, during: string): Promise<WebFault> {
    const fault = faultOf(err, during);
    if (!this.page.isClosed())
      fault.screenshot = await this.o.browser.screenshot(
        this.page,
        `${this.o.op}-${fault.code}`,
        this.secrets,
      );
    this.audit(`failed: ${fault.code}: ${fault.detail}`, {
      ok: false,
      fault: fault.code,
      screenshot: fault.screenshot,
    });
    return fault;
  }

  /** Reads the job page once it shows one of the profile's states. */
  async readJob(vars: Vars): Promise<JobReading> {
    const p = this.o.profile;
    const end = Date.now() + p.timeouts.landmarkMs;
    for (;;) {
      for (const s of p.status) {
        const loc = locate(this.page, s.target, vars, p).first();
        if (!(await loc.isVisible().catch(() => false))) continue;
        if (s.state === 'failed')
          return {
            state: 'failed',
            fault: s.fault ?? 'generation-failed',
            text: ((await loc.textContent().catch(() => '')) ?? '').trim().slice(0, 200),
          };
        if (s.state === 'done') return { state: 'done', progress: 1 };
        let progress: number | undefined;
        if (s.progress) {
          // The page may redraw between the visibility check and this read (a progress bar replaced as the job
          // moves on, or by the finished job's page): the state stands, its progress is read at the next poll.
          const read = { timeout: 2000 };
          const raw = await (s.progress.attribute
            ? loc.getAttribute(s.progress.attribute, read)
            : loc.textContent(read)
          ).catch(() => null);
          const n = Number(/(\d+(?:\.\d+)?)/.exec(raw ?? '')?.[1]);
          if (Number.isFinite(n)) progress = Math.max(0, Math.min(1, n / s.progress.scale));
        }
        return { state: s.state, ...(progress !== undefined ? { progress } : {}) };
      }
      // None of the job's states: the session may have expired, or the site stands in the way.
      const seen = await detectFault(this.page, p, vars);
      if (seen) throw new WebFault(seen.fault, 'reading the job');
      if (await this.visible(p.signInPage, vars)) {
        await this.signIn();
        await this.goto(p.urls.job, vars);
        continue;
      }
      if (Date.now() > end)
        throw new WebFault('site-changed', 'the job page shows none of the states the profile knows');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Saves the finished video to `tmp`: a browser download, or the link fetched with the account's cookies. */
  async saveVideo(vars: Vars, tmp: string): Promise<void> {
    const d = this.o.profile.download;
    await this.run(d.steps, vars);
    const target = locate(this.page, d.target, vars, this.o.profile).first();
    const timeout = this.o.profile.timeouts.stepMs;
    if (d.via === 'click') {
      // The file may take a while to start (sites prepare it on demand): a longer wait than a step's.
      const [download] = await Promise.all([
        this.page.waitForEvent('download', { timeout: Math.max(timeout, 60_000) }),
        target.click({ timeout }),
      ]);
      const failure = await download.failure();
      if (failure) throw new WebFault('download-interrupted', failure);
      await download.saveAs(tmp);
      return;
    }
    const href = await target.getAttribute('href', { timeout });
    if (!href) throw new WebFault('selector-not-found', 'the download link has no href');
    let body: Buffer;
    try {
      const res = await this.page.request.get(new URL(href, this.page.url()).href, { timeout: 120_000 });
      if (!res.ok()) throw new WebFault('download-interrupted', `the file answered ${res.status()}`);
      body = await res.body();
    } catch (err) {
      if (err instanceof WebFault) throw err;
      throw new WebFault('download-interrupted', (err as Error).message.split('\n')[0] ?? 'failed', {
        cause: err,
      });
    }
    await writeFile(tmp, body);
  }
}
