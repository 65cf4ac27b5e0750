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
    'sine=frequency=196:duration=6',
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\\,0.5)\\,0.03):d=6',
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

describe.skipIf(!existsSync(CHROMIUM))('web dashboard in Chromium', () => {
  it('asks for the token once, then shows the form and the empty list', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('#token');
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

  it('starts a project through the form, watches it finish, and plays the video', async () => {
    await page.setInputFiles('#f-audio', song);
    // The estimate comes from the API before anything is spent; the local model is free.
    await page.waitForFunction(() => document.querySelector('#estimate')?.textContent?.includes('Free'));
    await page.fill('#f-theme', 'a night drive through a neon city');
    await page.selectOption('#f-provider', 'local');
    await page.selectOption('#f-crew', 'heuristic');
    await page.selectOption('#f-renderer', 'ffmpeg');
    await shot('2-new-project');
    await page.click('#f-submit');
    await page.waitForURL(/#\/projects\//);
    // Mid-way: the storyboard is planned and shots are being made (or already made).
    await page.waitForSelector('article.shot', { timeout: 120_000 });
    await shot('3-project-running');

    // Live: the page shows the video when the pipeline delivers it (SSE, no reload).
    await page.waitForSelector('#video', { timeout: 240_000 });
    await page.waitForSelector('.shot img.shot-thumb');
    await page.waitForSelector('#evaluation .score');
    const meta = await page.$eval('#video', async (v: HTMLVideoElement) => {
      if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      v.muted = true;
      await v.play();
      const t0 = v.currentTime;
      // Playback advances at its own pace on a loaded machine: wait for it, up to 15 s.
      const end = Date.now() + 15_000;
      while (v.currentTime < t0 + 0.5 && !v.ended && Date.now() < end)
        await new Promise((r) => setTimeout(r, 100));
      return { duration: v.duration, t0, t1: v.currentTime, readyState: v.readyState, error: v.error?.code };
    });
    expect(meta.error).toBeUndefined();
    expect(Math.abs(meta.duration - 6)).toBeLessThan(0.3);
    expect(meta.t1).toBeGreaterThan(meta.t0 + 0.3);
    expect(meta.readyState).toBeGreaterThanOrEqual(2);
    await page.$eval('#video', (v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = 2;
    });
    await page.waitForSelector('.badge-done');
    await page.waitForSelector('#decisions table');
    await shot('4-project-done');

    const href = await page.getAttribute('#download', 'href');
    const res = await page.request.get(server.url + href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-disposition']).toMatch(/attachment; filename="Night_Drive\.mp4"/);

    // Fix a shot by hand: a new prompt, regenerate; the page follows the new round to a new video.
    const first = page.locator('article.shot').first();
    await first.locator('summary').click();
    await first.locator('textarea').fill('slow dolly through rain-soaked neon streets, magenta reflections');
    await first.locator('button', { hasText: 'Regenerate' }).click();
    await page.waitForSelector('article.shot >> text=try 2', { timeout: 120_000 });
    await page.waitForSelector('.project-header .badge-done', { timeout: 240_000 });
    await page.waitForFunction(
      () => (document.querySelector('#video') as HTMLVideoElement | null)?.readyState,
    );
    expect(await page.textContent('article.shot')).toContain('rain-soaked neon streets');
    await shot('6-after-regenerate');

    await page.click('a.back');
    await page.waitForSelector('.project-row .badge-done');
    expect(await page.textContent('.project-row')).toContain('Night Drive');
    await shot('5-project-list');
  }, 300_000);

  it('a paid model: the form shows the estimate and needs approval; a paused project offers Approve', async () => {
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('#new-project');
    await page.setInputFiles('#f-audio', song);
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
    await shot('7-paid-estimate');
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
    await shot('8-awaiting-approval');
    expect(emu.stats.submissions).toBe(0);
    await page.click('.project-header button.danger:has-text("Cancel")');
    await page.waitForSelector('.project-header .badge-failed', { timeout: 60_000 });
    expect(emu.stats.submissions).toBe(0);
  }, 120_000);
});
