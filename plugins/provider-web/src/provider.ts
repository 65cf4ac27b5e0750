import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type Clip,
  ConfigError,
  InputError,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  snapDuration,
  type VideoProvider,
  validateSize,
} from '@beatframe/core';
import { clipOfProbe, downloadJob, requireVideo } from '@beatframe/media';
import { AccountBrowser } from './browser.js';
import { credentialVars, storageStateFromEnv } from './credentials.js';
import { FAULTS, WebFault } from './faults.js';
import { loadProfile, type SiteProfile } from './profile.js';
import type { WebSettings } from './settings.js';
import { SiteVisit } from './site.js';
import { expand, locate, matcher, type Vars } from './steps.js';

interface WebJobData {
  profile: string;
  jobUrl: string;
}

const on = (v: string | undefined) => v === '1' || v === 'true';

export function createWebProvider(settings: WebSettings = {}): VideoProvider & { close(): Promise<void> } {
  const name = settings.name ?? 'web';
  let profile: SiteProfile;
  let profileError: ConfigError | undefined;
  try {
    profile = loadProfile(settings.profile ?? 'sora');
  } catch (err) {
    // `beatframe providers` lists every provider: a broken profile shows as unconfigured there.
    profileError = err as ConfigError;
    profile = loadProfile('sora');
  }
  profile = { ...profile, timeouts: { ...profile.timeouts, ...(settings.timeouts ?? {}) } };
  const caps = profile.capabilities;
  const dataDir = settings.dataDir ?? join(homedir(), '.beatframe', 'web');
  const vars = credentialVars(profile.envPrefix);
  const sessionFile = join(dataDir, 'sessions', `${profile.name}.json`);
  const killFile = settings.killSwitchFile ?? join(dataDir, 'STOP');
  const perSecond = settings.usdPerSecond ?? caps.usdPerSecond;
  let browser: AccountBrowser | undefined;
  let idle: NodeJS.Timeout | undefined;
  let busy = 0;
  const lastState = new Map<string, string>();
  /** The environment of the call in progress (the kill switch variable is read from it). */
  let currentEnv: Record<string, string | undefined> = process.env;

  const baseUrlOf = (env: PluginContext['env']) =>
    (settings.baseUrl ?? env?.[`${profile.envPrefix}_BASE_URL`] ?? profile.baseUrl).replace(/\/+$/, '');

  function browserFor(ctx: PluginContext): AccountBrowser {
    const env = ctx.env ?? process.env;
    if (!browser) {
      const trace = settings.trace ?? on(env.BEATFRAME_WEB_TRACE);
      browser = new AccountBrowser(
        {
          executablePath:
            settings.browserExecutable ?? env.BEATFRAME_BROWSER_EXECUTABLE ?? '/usr/bin/chromium',
          headless: !(settings.headed ?? on(env.BEATFRAME_WEB_HEADED)),
          // Traces are one chunk per visit: one page at a time while tracing.
          maxPages: trace ? 1 : Math.max(1, settings.concurrency ?? 2),
          pacing: settings.pacing ?? { minMs: 400, maxMs: 1600 },
          ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
          sessionFile,
          screenshotDir: join(dataDir, 'screenshots'),
          ...(trace ? { traceDir: join(dataDir, 'traces') } : {}),
          killFile,
          killed: () => on(currentEnv.BEATFRAME_WEB_STOP),
        },
        () =>
          storageStateFromEnv(profile.envPrefix, env, {
            baseUrl: baseUrlOf(env),
            sessionCookie: profile.sessionCookie,
          }),
      );
    }
    return browser;
  }

  function requireUsable(ctx: PluginContext): void {
    if (profileError) throw profileError;
    const env = ctx.env ?? process.env;
    if (!existsSync(sessionFile) && !env[vars.storageState] && !(env[vars.email] && env[vars.password]))
      throw new ConfigError(
        `${name} (${profile.name}) needs a dedicated account: set ${vars.email} and ${vars.password}, or ${vars.storageState}`,
      );
  }

  /** One visit to the site on a page of the account's context; faults come back classified, with a screenshot. */
  async function visit<T>(
    op: string,
    ctx: PluginContext,
    shotId: string | undefined,
    fn: (v: SiteVisit) => Promise<T>,
  ): Promise<T> {
    currentEnv = ctx.env ?? process.env;
    const b = browserFor(ctx);
    clearTimeout(idle);
    busy++;
    try {
      await b.checkKillSwitch();
      return await b.withPage(async (page) => {
        const v = new SiteVisit(page, { profile, browser: b, baseUrl: baseUrlOf(ctx.env), ctx, shotId, op });
        await b.traceStart(op);
        try {
          return await fn(v);
        } catch (err) {
          if (err instanceof ConfigError || err instanceof ProviderError || ctx.signal?.aborted) throw err;
          throw await v.failed(err, op);
        } finally {
          const trace = await b.traceStop(`${op}-${Date.now()}`).catch(() => undefined);
          if (trace) v.audit(`trace saved to ${trace}`, { trace });
        }
      });
    } catch (err) {
      if (err instanceof WebFault) {
        // A crashed browser is started afresh by the next call.
        if (err.code === 'browser-crash') await b.close();
        throw err.toProviderError(`${name} (${profile.name})`, {
          queueFullRetrySec: profile.queueFullRetrySec,
        });
      }
      throw err;
    } finally {
      busy--;
      if (busy === 0) idle = setTimeout(() => void browser?.close(), settings.idleCloseMs ?? 60_000).unref();
    }
  }

  function jobVars(ref: ProviderJobRef): Vars {
    return { jobId: ref.jobId };
  }

  const provider: VideoProvider & { close(): Promise<void> } = {
    name,
    aliases: name === 'web' ? ['rpa', 'browser', 'sora-web'] : [],
    description: `drives a video website in Chromium from a site profile (now: ${profile.title}); needs a dedicated account, and may breach the site's terms`,
    capabilities: {
      durations: caps.durations,
      sizes: Object.keys(caps.sizes),
      aspects: [...new Set(Object.values(caps.sizes).map((s) => s.aspect))],
      imageToVideo: caps.imageToVideo,
      remix: false,
      maxPromptChars: caps.maxPromptChars,
      models: [profile.name],
      audio: caps.audio,
      usdFor: (req) => Number((perSecond * req.seconds).toFixed(4)),
      seeds: false,
      concurrency: settings.concurrency ?? 2,
      rpm: settings.rpm ?? 4,
      ...(caps.promptGuide ? { promptGuide: caps.promptGuide } : {}),
    },

    status(ctx) {
      if (profileError) return { configured: false, hint: profileError.message };
      const env = ctx.env ?? process.env;
      if (existsSync(sessionFile) || env[vars.storageState] || (env[vars.email] && env[vars.password]))
        return { configured: true };
      return {
        configured: false,
        hint: `set ${vars.email} and ${vars.password} for a dedicated ${profile.name} account (or ${vars.storageState})`,
      };
    },

    async submit(req, ctx) {
      const size = validateSize(req.size, Object.keys(caps.sizes), `${name} (${profile.name})`);
      if (req.imagePath && !caps.imageToVideo)
        throw new InputError(`${profile.title} cannot start from an image`);
      if (req.imagePath && !existsSync(req.imagePath))
        throw new InputError(`start image ${req.imagePath} does not exist`);
      const seconds = snapDuration(req.seconds, caps.durations, {
        ...ctx,
        provider: name,
        ...(req.shotId ? { shotId: req.shotId } : {}),
      });
      let prompt = req.prompt.replace(/\s+/g, ' ').trim();
      if (prompt.length > caps.maxPromptChars) {
        const summary = `prompt cut from ${prompt.length} to the ${caps.maxPromptChars} characters ${profile.name} takes`;
        void ctx.decisions?.record({
          role: 'prompt-cut',
          summary,
          ...(req.shotId ? { shotId: req.shotId } : {}),
        });
        prompt = prompt.slice(0, caps.maxPromptChars);
      }
      requireUsable(ctx);
      const { aspect, resolution } = caps.sizes[size]!;
      const v: Vars = {
        prompt,
        promptStart: prompt.slice(0, 60),
        seconds: String(seconds),
        aspect,
        resolution,
        size,
        ...(req.imagePath ? { imagePath: req.imagePath } : {}),
      };
      const jobId = await visit('submit', ctx, req.shotId, async (site) => {
        await site.goto(profile.urls.compose, v);
        await site.signInIfAsked([profile.signedIn], { template: profile.urls.compose, vars: v });
        await site.waitForAny({ composer: profile.composer }, 'opening the composer', v);
        try {
          await site.run(profile.compose, v);
        } catch (err) {
          // The composer is there but a control is not: the profile's selector, not the whole site, is off.
          if (
            err instanceof WebFault &&
            err.code === 'site-changed' &&
            (await site.visible(profile.composer, v))
          )
            throw new WebFault('selector-not-found', err.detail, { cause: err });
          throw err;
        }
        await site.run(profile.submit, v);
        return findJob(site, v);
      });
      const jobUrl = expand(profile.urls.job, { jobId }, profile);
      lastState.set(jobId, 'submitted');
      ctx.logger.info({ jobId, seconds, size, shotId: req.shotId }, 'video submitted on the site');
      return {
        provider: name,
        jobId,
        model: profile.name,
        submittedAt: new Date().toISOString(),
        seconds,
        size,
        data: { profile: profile.name, jobUrl } satisfies WebJobData,
      };
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      requireUsable(ctx);
      const v = jobVars(ref);
      const reading = await visit('poll', ctx, undefined, async (site) => {
        await site.goto(profile.urls.job, v);
        const r = await site.readJob(v);
        if (lastState.get(ref.jobId) !== r.state) {
          lastState.set(ref.jobId, r.state);
          site.audit(`job ${ref.jobId} is ${r.state}`, { jobId: ref.jobId, state: r.state });
        }
        if (r.state === 'failed') {
          const shot = await site.failed(
            new WebFault(r.fault, r.text || 'the job page says it failed'),
            'poll',
          );
          return { ...r, screenshot: shot.screenshot };
        }
        return r;
      });
      if (reading.state !== 'failed') return reading;
      const c = FAULTS[reading.fault];
      return {
        state: 'failed',
        error: {
          kind: c.kind,
          message: `${name} (${profile.name}) job ${ref.jobId}: ${c.says}${reading.text ? `: ${reading.text}` : ''}`,
          code: reading.fault,
          ...(c.needsPerson ? { needsPerson: true } : {}),
          ...(reading.screenshot ? { screenshot: reading.screenshot } : {}),
        },
      };
    },

    async download(ref, dest, ctx): Promise<Clip> {
      requireUsable(ctx);
      const v = jobVars(ref);
      const info = await downloadJob(ref, dest, ctx, {
        retryMessage: 'the download broke off; fetching it again',
        source: async () => ref.jobId,
        save: async (_id, tmp) => {
          await visit('download', ctx, undefined, async (site) => {
            await site.goto(profile.urls.job, v);
            const r = await site.readJob(v);
            if (r.state !== 'done')
              throw new ProviderError('fatal', `job ${ref.jobId} is ${r.state}, not done`);
            await site.saveVideo(v, tmp);
          });
          return requireVideo(tmp, ref.jobId);
        },
      });
      return {
        ...clipOfProbe(dest, info),
        provider: name,
        model: profile.name,
        jobId: ref.jobId,
        costUsd: Number((perSecond * ref.seconds).toFixed(4)),
      };
    },

    async close() {
      clearTimeout(idle);
      await browser?.close();
    },
  };

  /** The new job's id: from the URL the site went to, or from the job's link on the page it shows. */
  async function findJob(site: SiteVisit, v: Vars): Promise<string> {
    const f = profile.findJob;
    await site.run(f.steps, v);
    const pattern = matcher(f.pattern);
    const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
    const end = Date.now() + profile.timeouts.landmarkMs;
    for (;;) {
      if (f.target) await site.waitForAny({ link: f.target }, 'finding the new job', v);
      const source =
        f.from === 'url'
          ? site.page.url()
          : ((await locate(site.page, f.target!, v, profile).first().getAttribute('href')) ?? '');
      const id = re.exec(source)?.[1];
      if (id) {
        site.audit(`found the new job ${id}`, { jobId: id });
        return id;
      }
      // Submitted but not found: a person must look (submitting again could pay twice).
      if (Date.now() > end) throw new WebFault('site-changed', 'the new job was not found after submitting');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return provider;
}
