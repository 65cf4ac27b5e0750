import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '@beatframe/api';
import { loadConfig, silentLogger } from '@beatframe/core';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { runFfmpeg } from '@beatframe/media';
import { type Beatframe, createBeatframe, type RunningWorker } from '@beatframe/pipeline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webBuilt, webDir } from '../src/index.js';
import { axeCheck } from './axe.js';

// The "Needs you" storyboard panel in headless Chromium: the real API and pipeline, Veo and Gemini images
// behind the Gemini API emulator. The project is stopped once approved: the video itself is the pipeline's test.
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(pkg, 'test-artifacts');
const TOKEN = 'stills-test-token';
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'bf-web-stills-'));
let bf: Beatframe;
let worker: RunningWorker;
let server: RunningServer;
let browser: Browser;
let emu: VeoEmulator;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  try {
    execSync('pnpm run --silent build', { cwd: pkg, stdio: 'pipe' });
  } catch (err) {
    if (!webBuilt()) throw err;
  }
  mkdirSync(artifacts, { recursive: true });
  const song = join(dir, 'Lighthouse.mp3');
  await runFfmpeg(['-y', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=4', song]);
  emu = await startVeoEmulator({ latencyMs: 100, fps: 4 });
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
  bf = await createBeatframe({
    config,
    logger: silentLogger(),
    env: { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl },
  });
  worker = await bf.startWorker({ concurrency: 2 });
  server = await startServer({ bf, port: 0, token: TOKEN, webDir, heartbeatMs: 2000 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((t) => sessionStorage.setItem('beatframe.token', t), TOKEN);
  const { id } = await bf.createProject({
    song: { path: song },
    options: { provider: 'veo', crew: 'heuristic', renderer: 'ffmpeg', resolution: '720p' },
  });
  projectId = id;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.stop({ graceMs: 2000 });
  await bf?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

let projectId = '';
const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

describe.skipIf(!existsSync(CHROMIUM))('storyboard approval in the dashboard', () => {
  it('makes the stills on request, shows them with the video to come, re-rolls one and approves once', {
    timeout: 240_000,
  }, async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#/projects/${encodeURIComponent(projectId)}`);

    // Paid stills and nothing approved: the panel asks for the stills alone; no image has been bought.
    await page.waitForSelector('#make-stills', { timeout: 180_000 });
    expect(await page.textContent('#stills')).toMatch(/You approve the video, \$\d+\.\d\d/);
    expect(emu.imageBodies).toHaveLength(0);
    // The header's cost approval gives way to the panel's (which would otherwise approve the video unseen).
    expect(await page.locator('button', { hasText: 'Approve up to' }).count()).toBe(0);
    await page.click('#make-stills');

    // The stills, one per shot, each with its re-roll button, and one Approve.
    await page.waitForSelector('#approve-storyboard', { timeout: 120_000 });
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.stills-grid img')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    const stills = await page.$$('.stills-grid li.still');
    expect(stills.length).toBeGreaterThan(0);
    const made = emu.imageBodies.length;
    expect(made).toBeGreaterThanOrEqual(stills.length);
    expect(await page.$$('.stills-grid button.reroll')).toHaveLength(stills.length);
    expect(await page.textContent('#stills')).toMatch(/The video still to come: \$\d+\.\d\d/);
    expect(await axeCheck(page)).toEqual([]);
    await shot('stills-1-storyboard');
    const sheet = await page.request.get(`${server.url}/api/projects/${projectId}/storyboard/sheet`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(sheet.headers()['content-type']).toBe('image/jpeg');
    writeFileSync(join(artifacts, 'stills-contact-sheet.jpg'), await sheet.body());

    // Re-roll the first still: one more image bought, a new picture in its place.
    const src = () => page.$eval('.stills-grid li.still img', (i: HTMLImageElement) => i.src);
    const before = await src();
    await page.click('.stills-grid li.still button.reroll');
    await page.waitForFunction((old) => {
      const img = document.querySelector<HTMLImageElement>('.stills-grid li.still img');
      return !!img && img.src !== old && img.complete && img.naturalWidth > 0;
    }, before);
    expect(emu.imageBodies).toHaveLength(made + 1);
    await shot('stills-2-rerolled');

    // Edit its prompt: the still is made again from the new words, which the shot keeps for its video.
    const rerolled = await src();
    const words = 'a paper lantern floating over a flooded street at dawn';
    await page.click('.stills-grid li.still .still-edit summary');
    await page.fill('.stills-grid li.still .still-edit textarea', words);
    expect(await axeCheck(page)).toEqual([]);
    await shot('stills-3-edit-prompt');
    await page.click('.stills-grid li.still button.remake');
    await page.waitForFunction((old) => {
      const img = document.querySelector<HTMLImageElement>('.stills-grid li.still img');
      return !!img && img.src !== old && img.complete && img.naturalWidth > 0;
    }, rerolled);
    expect(emu.imageBodies).toHaveLength(made + 2);
    expect(JSON.stringify(emu.imageBodies.at(-1)!.body)).toContain(words);
    const edited = await bf.getProject(projectId);
    expect(edited.shots[0]!.prompt).toBe(words);
    expect(await page.inputValue('.stills-grid li.still .still-edit textarea')).toBe(words);

    // One approval for the stills and the video: the project goes on to generate the clips.
    await page.click('#approve-storyboard');
    await page.waitForFunction(() => !document.querySelector('#stills'), undefined, { timeout: 30_000 });
    const d = await bf.getProject(projectId);
    expect(['queued', 'running']).toContain(d.project.status);
    expect(d.costs.approvedUsd).toBeGreaterThanOrEqual(d.costs.estimateUsd);
    const log = await bf.decisions(projectId);
    // Each re-roll raised the estimate by its one still (the character's reference still was made already).
    const asked = log.filter((x) => x.role === 'person' && /re-roll|remake/.test(x.summary));
    const rerollUsd = `$${edited.storyboard!.rerollUsd.toFixed(2)}`;
    expect(asked.map((x) => x.summary.includes(`${rerollUsd} added`))).toEqual([true, true]);
    expect(log.some((x) => x.role === 'person' && /re-roll the still/.test(x.summary))).toBe(true);
    expect(
      log.some((x) => x.role === 'person' && /remake the still of .* with a new prompt/.test(x.summary)),
    ).toBe(true);
    await bf.cancel(projectId);
    expect(errors).toEqual([]);
  });
});
