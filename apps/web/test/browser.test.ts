import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '@beatframe/api';
import { loadConfig, silentLogger } from '@beatframe/core';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { runFfmpeg } from '@beatframe/media';
import { type Beatframe, createBeatframe, type RunningWorker } from '@beatframe/pipeline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webBuilt, webDir } from '../src/index.js';
import { axeCheck } from './axe.js';

// The dashboard driven in headless Chromium against the real API, pipeline (offline) and worker.
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(pkg, 'test-artifacts');
const TOKEN = 'browser-test-token';
const dir = mkdtempSync(join(tmpdir(), 'bf-web-'));
let bf: Beatframe;
let worker: RunningWorker;
let server: RunningServer;
let browser: Browser;
let emu: OpenAIVideosEmulator;
let page: Page;
const song = join(dir, 'Night Drive.mp3');

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM))
  console.warn(`skipping the browser test: no ${CHROMIUM} (npm run setup installs it)`);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  // The compiled app is what the browser loads; build it so the test never runs a stale one.
  try {
    execSync('pnpm run --silent build', { cwd: pkg, stdio: 'pipe' });
  } catch (err) {
    if (!webBuilt()) throw err;
  }
  mkdirSync(artifacts, { recursive: true });
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=196:duration=5',
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\\,0.5)\\,0.03):d=5',
    '-filter_complex',
    '[0][1]amix=inputs=2',
    '-c:a',
    'libmp3lame',
    song,
  ]);
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
  // A paid model behind a local emulator of its API: the form must show its cost and ask before spending.
  emu = await startOpenAIVideosEmulator({ latencyMs: 2000, fps: 4 });
  bf = await createBeatframe({
    config,
    logger: silentLogger(),
    env: { OPENAI_API_KEY: emu.apiKey, OPENAI_BASE_URL: emu.baseUrl },
  });
  worker = await bf.startWorker({ concurrency: 2 });
  server = await startServer({ bf, port: 0, token: TOKEN, webDir, heartbeatMs: 2000 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.stop({ graceMs: 2000 });
  await bf?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
let projectId = '';

/** Plays the video muted and reports whether its time moved on (at the machine's pace, up to 15 s). */
const playsOn = () =>
  page.$eval('#video', async (v: HTMLVideoElement) => {
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    v.muted = true;
    if (v.ended) v.currentTime = 0;
    await v.play();
    const t0 = v.currentTime;
    const end = Date.now() + 15_000;
    while (v.currentTime < t0 + 0.5 && !v.ended && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    v.pause();
    return { src: v.currentSrc, duration: v.duration, t0, t1: v.currentTime, error: v.error?.code };
  });

/**
 * Clicks "Make the video" once it is wholly in view: pressing a button that shows only in part scrolls the
 * page as it takes the focus, and the release then lands beside it (no click, no submit).
 */
async function submitForm() {
  await page.$eval('#f-submit', (b) => b.scrollIntoView({ block: 'center' }));
  await page.click('#f-submit');
}

describe.skipIf(!existsSync(CHROMIUM))('web dashboard in Chromium', () => {
  it('asks for the token once (an accessible page), then shows the form and the empty list', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('#token');
    expect(await axeCheck(page)).toEqual([]);
    await shot('1-token');
    await page.fill('#token', 'wrong');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=That token was not accepted.');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#new-project');
    await page.waitForSelector('text=No projects yet.');
    expect(await page.evaluate(() => sessionStorage.getItem('beatframe.token'))).toBe(TOKEN);
    expect(errors).toEqual([]);
  });

  it('offers only the models set up here: veo without a key is greyed out and cannot be started', async () => {
    await page.waitForSelector('#f-provider option[value="veo"]', { state: 'attached' });
    expect(await page.$eval('#f-provider option[value="veo"]', (o: HTMLOptionElement) => o.disabled)).toBe(
      true,
    );
    expect(await page.$eval('#f-provider option[value="local"]', (o: HTMLOptionElement) => o.disabled)).toBe(
      false,
    );
    // The hint says how to set it up.
    expect(await page.textContent('.setup-hint')).toContain('GEMINI_API_KEY');
    // The API refuses it too, before anything is stored or paid.
    const res = await page.request.post(`${server.url}/api/projects`, {
      multipart: {
        audio: { name: 'x.mp3', mimeType: 'audio/mpeg', buffer: readFileSync(song) },
        provider: 'veo',
      },
    });
    expect(res.status()).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/GEMINI_API_KEY/);
    expect(await axeCheck(page)).toEqual([]);
  });

  it('makes a video through the form; the timeline seeks; a re-render keeps the old cut playing', async () => {
    await page.setInputFiles('#f-audio', song);
    await page.waitForFunction(() => document.querySelector('#estimate')?.textContent?.includes('Free'));
    await page.fill('#f-theme', 'a night drive through a neon city');
    await page.fill('#f-title', 'Night Drive');
    await page.selectOption('#f-provider', 'local');
    await page.selectOption('#f-crew', 'heuristic');
    await page.selectOption('#f-renderer', 'ffmpeg');
    await page.uncheck('#f-captions');
    // Tap tempo: the chosen song plays in the form to tap along; a key press is a tap, the first of a series.
    await page.waitForSelector('#f-listen:not(.hidden)');
    await page.focus('#f-tap');
    await page.keyboard.press(' ');
    expect(await page.textContent('#f-tap-status')).toBe('Tap 3 more times…');
    // A pause starts again; then eight presses 500 ms apart (timed in the page) give about 120.
    const tapped = await page.evaluate(async () => {
      const button = document.querySelector('#f-tap') as HTMLButtonElement;
      await new Promise((r) => setTimeout(r, 2600));
      for (let i = 0; i < 8; i++) {
        if (i) await new Promise((r) => setTimeout(r, 500));
        button.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      }
      return {
        bpm: Number((document.querySelector('#f-bpm') as HTMLInputElement).value),
        status: document.querySelector('#f-tap-status')?.textContent ?? '',
      };
    });
    expect(tapped.bpm).toBeGreaterThan(110);
    expect(tapped.bpm).toBeLessThan(130);
    expect(tapped.status).toBe(
      `${tapped.bpm} BPM from 8 taps: keep tapping to refine, pause to start again.`,
    );
    expect(await axeCheck(page)).toEqual([]); // the player and the tap controls shown
    // A tempo typed out of range is refused in the form, before anything is uploaded.
    await page.fill('#f-bpm', '500');
    await submitForm();
    await page.waitForSelector('text=The tempo must be 30–300 BPM, not 500');
    expect(page.url()).not.toMatch(/#\/projects\//);
    await page.fill('#f-bpm', String(tapped.bpm));
    expect(await page.textContent('#new-project [role=alert]')).toBe(''); // the refusal goes with the change
    await shot('2-new-project');
    await submitForm();
    await page.waitForURL(/#\/projects\//);
    projectId = decodeURIComponent(/#\/projects\/([^/]+)/.exec(page.url())?.[1] ?? '');
    await page.waitForSelector('article.shot', { timeout: 120_000 });
    await page.waitForSelector('[role=progressbar][aria-label="Overall progress"]');
    await shot('3-project-running');

    // Live: the video, the first version and the timeline appear without a reload.
    await page.waitForSelector('#video:not(.hidden)', { timeout: 240_000 });
    await page.waitForSelector('.project-header .badge-done', { timeout: 120_000 });
    await page.waitForSelector('#timeline .block');
    // The ticks are the grid the editor cut on, named under the timeline.
    expect(await page.textContent('#timeline-summary')).toMatch(
      /(\d+ beats|cuts on every other beat \(\d+\)|no steady beat: cuts on the music's \d+ changes) · \d+ cuts/,
    );
    const first = await playsOn();
    expect(first.error).toBeUndefined();
    expect(first.src).toContain('/versions/1/video');
    expect(Math.abs(first.duration - 5)).toBeLessThan(0.3);
    expect(first.t1).toBeGreaterThan(first.t0 + 0.3);
    expect(await page.title()).toContain('Night Drive');
    const opts = await page.request.get(`${server.url}/api/projects/${projectId}`);
    const made = ((await opts.json()) as { options: { captions: boolean; bpm?: number } }).options;
    expect(made.captions).toBe(false);
    expect(made.bpm).toBe(tapped.bpm);

    // A block on the timeline seeks the video and opens that shot.
    const blocks = page.locator('#timeline .block');
    const n = await blocks.count();
    expect(n).toBeGreaterThan(1);
    const target = blocks.nth(n - 1);
    const shotId = await target.getAttribute('data-shot');
    await target.click();
    expect(await page.$eval('#video', (v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(1);
    await page.waitForSelector(`article[data-shot="${shotId}"] details[open]`);
    // The same from the keyboard: a block is a button.
    await page.focus('#timeline .block');
    await page.keyboard.press('Enter');
    expect(await page.$eval('#video', (v: HTMLVideoElement) => v.currentTime)).toBeLessThan(0.5);
    expect(await axeCheck(page)).toEqual([]);
    await shot('4-project-done');

    // Regenerate the first shot with a new prompt: the old cut stays playable while the new one is made.
    const card = page.locator('article.shot').first();
    const firstShot = await card.getAttribute('data-shot');
    // (the timeline click may have opened it already)
    await card.locator('details').evaluate((d: HTMLDetailsElement) => {
      d.open = true;
    });
    await card.locator('textarea').fill('slow dolly through rain-soaked neon streets, magenta reflections');
    await card.locator('button', { hasText: 'Regenerate' }).click();
    await page.waitForSelector('#player-notice:has-text("stays playable")', { timeout: 60_000 });
    const during = await playsOn();
    expect(during.src).toContain('/versions/1/video');
    expect(during.t1).toBeGreaterThan(during.t0 + 0.3);
    expect(await page.getAttribute('#download', 'href')).toContain('/versions/1/video');
    await shot('5-rerender-keeps-old-cut');

    // The new cut arrives as v2; the regenerated thumbnail is the new one without a reload.
    await page.waitForSelector('[data-version="2"]', { timeout: 240_000 });
    await page.waitForSelector('.project-header .badge-done', { timeout: 60_000 });
    await page.waitForFunction(() =>
      document.querySelector('#video')?.getAttribute('src')?.includes('/versions/2/'),
    );
    const thumb = await page.getAttribute(`article[data-shot="${firstShot}"] img.shot-thumb`, 'src');
    expect(thumb).toContain('a=2');
    expect(await page.textContent(`article[data-shot="${firstShot}"]`)).toContain('rain-soaked neon streets');

    // Both takes are kept; the first can be picked again.
    // The takes load when the card opens; a live refresh may redraw the card meanwhile, so open it until
    // they show (under load the first opening could miss).
    await page.waitForFunction(
      (id) => {
        const d = document.querySelector<HTMLDetailsElement>(`article[data-shot="${id}"] details`);
        if (d && !d.open) d.open = true;
        const take = document.querySelector<HTMLElement>(`article[data-shot="${id}"] [data-take="a1"]`);
        if (!take && d && Date.now() % 5000 < 250) d.open = false; // retry the load now and then
        return !!take && take.offsetParent !== null;
      },
      firstShot,
      { timeout: 60_000, polling: 250 },
    );
    expect(await page.locator(`article[data-shot="${firstShot}"] .take`).count()).toBe(2);
    await shot('6-takes-and-versions');

    // v1 can be restored as the project's video.
    await page.click('[data-version="1"] button:has-text("Restore v1")');
    await page.waitForFunction(() =>
      document.querySelector('[data-version="1"]')?.textContent?.includes('current'),
    );
    const restored = await page.request.get(`${server.url}/api/projects/${projectId}/video`);
    const v1 = await page.request.get(`${server.url}/api/projects/${projectId}/versions/1/video`);
    expect((await restored.body()).equals(await v1.body())).toBe(true);

    // Text responses are compressed; the decision log comes a page at a time, newest first.
    for (const [path, enc] of [
      ['/style.css', 'br'],
      [`/api/projects/${projectId}/decisions/page?limit=40`, 'gzip'],
    ] as const) {
      const r = await page.request.get(server.url + path, { headers: { 'accept-encoding': enc } });
      expect(r.headers()['content-encoding']).toBe(enc);
    }
    const page1 = await page.request.get(`${server.url}/api/projects/${projectId}/decisions/page?limit=5`);
    const log = (await page1.json()) as { total: number; decisions: Array<{ id: number }>; next?: number };
    expect(log.decisions).toHaveLength(5);
    expect(log.total).toBeGreaterThan(5);
    expect(log.decisions[0]!.id).toBeGreaterThan(log.decisions[4]!.id);
  }, 400_000);

  it('the list is newest first with rename and delete; phone layout has no sideways scrolling', async () => {
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('.project-row .badge-done');
    expect(await page.textContent('.project-row')).toContain('Night Drive');
    expect(await axeCheck(page)).toEqual([]);
    page.once('dialog', (d) => void d.accept('Night Drive (final cut)'));
    await page.click(`.project-row[data-id="${projectId}"] button:has-text("Rename")`);
    await page.waitForSelector('.project-row >> text=Night Drive (final cut)');
    await shot('7-project-list');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/', `#/projects/${projectId}`]) {
      await page.goto(`${server.url}/${hash}`);
      await page.waitForSelector(hash === '#/' ? '.project-row' : '#timeline .block');
      const wide = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const over = [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((e) => e.getBoundingClientRect().right > w + 1)
          .slice(0, 4)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
        return { by: document.documentElement.scrollWidth - w, over };
      });
      expect(wide.by, `${hash}: ${wide.over.join(', ')}`).toBeLessThanOrEqual(0);
    }
    await shot('8-phone-project');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('a paid model: the form shows the estimate and needs approval; Cancel leaves it cancelled, not failed', async () => {
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('#new-project');
    await page.setInputFiles('#f-audio', song);
    await page.waitForSelector('#f-provider option[value="openai-videos"]:not([disabled])', {
      state: 'attached',
    });
    await page.selectOption('#f-provider', 'openai-videos');
    await page.waitForFunction(() =>
      /≈ \$\d+\.\d\d/.test(document.querySelector('#estimate')?.textContent ?? ''),
    );
    await page.waitForSelector('label.approve:not(.hidden)');
    await page.click('#f-submit');
    await page.waitForFunction(() =>
      /Approve the estimated \$\d+\.\d\d to start/.test(
        document.querySelector('.new-project .error')?.textContent ?? '',
      ),
    );
    expect(emu.stats.submissions).toBe(0);

    // Created without approval (as the CLI does without --yes): it pauses before spending.
    const res = await page.request.post(`${server.url}/api/projects`, {
      multipart: {
        audio: { name: 'paid.mp3', mimeType: 'audio/mpeg', buffer: readFileSync(song) },
        provider: 'openai-videos',
        crew: 'heuristic',
        renderer: 'ffmpeg',
      },
    });
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${server.url}/#/projects/${id}`);
    await page.waitForSelector('.project-header button.primary:has-text("Approve")', { timeout: 60_000 });
    await shot('9-awaiting-approval');
    expect(await page.textContent('.project-header .reason')).toContain('the Approve button');
    page.once('dialog', (d) => void d.accept());
    await page.click('.project-header button.danger:has-text("Cancel")');
    await page.waitForSelector('.project-header .badge-cancelled', { timeout: 60_000 });
    expect(emu.stats.submissions).toBe(0);

    // A stuck project goes on with another model, but only one that is set up here.
    const veo = await page.request.post(`${server.url}/api/projects/${id}/model`, {
      data: { provider: 'veo' },
    });
    expect(veo.status()).toBe(400);
    expect(((await veo.json()) as { error: { code: string } }).error.code).toBe('NOT_CONFIGURED');
    await page.click('.switch-model summary');
    await page.selectOption('#f-switch', 'local');
    const [switched] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/projects/${id}/model`)),
      page.click('.switch-model button:has-text("Switch and go on")'),
    ]);
    expect(switched.status(), await switched.text()).toBe(200);
    expect(((await switched.json()) as { queued: string[] }).queued).toEqual([id]);
    const after = (await (await page.request.get(`${server.url}/api/projects/${id}`)).json()) as {
      options: { provider: string };
    };
    expect(after.options.provider).toBe('local');
    await page.request.post(`${server.url}/api/projects/${id}/cancel`);
  }, 120_000);
});
