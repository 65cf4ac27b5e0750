import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mulberry32 } from '@beatframe/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebFault } from './faults.js';

/**
 * The browser side of the web provider: one system Chromium per provider, one context per account (its
 * cookies are the account's session), a limit on pages open at once (sites throttle per account), randomised
 * human pacing, a kill switch, screenshots with credential fields masked, and optional Playwright traces that
 * never include a sign-in.
 */

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface BrowserSettings {
  executablePath: string;
  headless: boolean;
  /** Pages open at once for the account. */
  maxPages: number;
  /** Pause before each step, ms: a random value within [min, max]. */
  pacing: { minMs: number; maxMs: number };
  /** Seed for the pacing's randomness (tests); random otherwise. */
  seed?: number;
  /** The account's saved session (Playwright storage state), written with mode 0600. */
  sessionFile: string;
  screenshotDir: string;
  /** A folder for Playwright traces, when tracing. */
  traceDir?: string;
  /** The provider stops (and closes the browser) while this file exists or `killed()` says so. */
  killFile: string;
  killed(): boolean;
}

/** A small seeded PRNG (mulberry32): pacing that a test can repeat. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/** Writes a file only its owner may read (0600), atomically. */
export async function writePrivate(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export class AccountBrowser {
  private browser: Browser | undefined;
  private context: Promise<BrowserContext> | undefined;
  private open = 0;
  private waiting: Array<() => void> = [];
  private readonly random: () => number;
  private tracing = false;

  constructor(
    readonly settings: BrowserSettings,
    /** A storage state to start from when no session file exists yet (from SORA_STORAGE_STATE). */
    private readonly initialState: () => object | undefined,
  ) {
    this.random = seededRandom(settings.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Throws the kill-switch fault (and closes the browser) when the switch is on. */
  async checkKillSwitch(): Promise<void> {
    if (this.settings.killed() || existsSync(this.settings.killFile)) {
      await this.close();
      throw new WebFault('kill-switch', `remove ${this.settings.killFile} (or BEATFRAME_WEB_STOP) to go on`);
    }
  }

  /** Waits a human-looking moment before a step. */
  async pace(): Promise<void> {
    const { minMs, maxMs } = this.settings.pacing;
    const ms = minMs + this.random() * Math.max(0, maxMs - minMs);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  private async launch(): Promise<BrowserContext> {
    // Playwright loads when a browser is first needed (importing it costs ~1.2 s of CPU in every process).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: this.settings.executablePath,
      headless: this.settings.headless,
      args: CHROMIUM_ARGS,
    });
    this.browser = browser;
    browser.on('disconnected', () => {
      if (this.browser === browser) {
        this.browser = undefined;
        this.context = undefined;
        this.tracing = false;
      }
    });
    const stored = existsSync(this.settings.sessionFile)
      ? (JSON.parse(readFileSync(this.settings.sessionFile, 'utf8')) as object)
      : this.initialState();
    return browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 800 },
      ...(stored ? { storageState: stored as never } : {}),
    });
  }

  /** The account's context, launching the browser on first use (and again after a crash). */
  contextOf(): Promise<BrowserContext> {
    if (!this.context || !this.browser?.isConnected()) {
      this.context = this.launch();
      this.context.catch(() => {
        this.context = undefined;
      });
    }
    return this.context;
  }

  /** Runs `fn` on a new page of the account's context, within the limit of pages open at once. */
  async withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    while (this.open >= this.settings.maxPages) await new Promise<void>((r) => this.waiting.push(r));
    this.open++;
    let page: Page | undefined;
    try {
      const context = await this.contextOf();
      page = await context.newPage();
      return await fn(page);
    } finally {
      await page?.close().catch(() => {});
      this.open--;
      this.waiting.shift()?.();
    }
  }

  /** Saves the account's cookies and storage to the session file (mode 0600). */
  async saveSession(): Promise<void> {
    const context = await this.contextOf();
    await writePrivate(this.settings.sessionFile, JSON.stringify(await context.storageState()));
  }

  /**
   * Starts a trace (no-op unless tracing). Each trace is a whole tracing session, never a chunk: Playwright keeps
   * one network log per session, so a sign-in's request (the password in its body) would reach later chunks.
   */
  async traceStart(title: string): Promise<void> {
    if (!this.settings.traceDir || this.tracing) return;
    const context = await this.contextOf();
    await context.tracing.start({ screenshots: true, snapshots: true, title });
    this.tracing = true;
  }

  /** Ends the trace and keeps it at `<traceDir>/<name>.zip`. */
  async traceStop(name: string): Promise<string | undefined> {
    if (!this.settings.traceDir || !this.tracing) return undefined;
    this.tracing = false;
    const context = await this.contextOf();
    const path = join(this.settings.traceDir, `${name}.zip`);
    await mkdir(this.settings.traceDir, { recursive: true });
    await context.tracing.stop({ path }).catch(() => {});
    return existsSync(path) ? path : undefined;
  }

  /**
   * A screenshot of the page with every input (and `alsoMask`, e.g. the account's email shown as text)
   * painted over, so no credential reaches the image; the name holds only the time and what failed.
   */
  async screenshot(page: Page, name: string, alsoMask: string[] = []): Promise<string | undefined> {
    const path = join(
      this.settings.screenshotDir,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}.png`,
    );
    try {
      await mkdir(this.settings.screenshotDir, { recursive: true });
      const mask = [page.locator('input, textarea, [contenteditable=true]')];
      for (const text of alsoMask) if (text) mask.push(page.getByText(text));
      await page.screenshot({ path, mask, maskColor: '#000', timeout: 10_000 });
      return path;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    this.context = undefined;
    this.tracing = false;
    await b?.close().catch(() => {});
  }
}
