import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginContext } from '@beatframe/core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConformanceFaults } from './index.js';

/** What the video and the image suite both take. */
export interface SuiteHooks {
  /** Suite title, usually the provider's name. */
  name: string;
  /** The environment handed to the provider in ctx.env (keys, base URLs). */
  env?: Record<string, string | undefined>;
  /** The provider needs a key: the env variable it must name when the key is missing. */
  missingKey?: { envVar: string };
  faults?: ConformanceFaults;
  /** How many jobs the remote side has accepted (paid for) so far; resuming must not add one. */
  submissions?(): number;
  /** Starts and stops what the provider talks to (an emulator). */
  setup?(): void | Promise<void>;
  teardown?(): void | Promise<void>;
}

/**
 * A scratch folder for one suite, made (and the plugin's setup run) before its tests and removed after its
 * teardown; call inside `describe`. Returns the path of a file in it (valid once the tests run).
 */
export function scratchFolder(opts: SuiteHooks, prefix: string): (file: string) => string {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-${opts.name}-`));
    await opts.setup?.();
  });
  afterAll(async () => {
    await opts.teardown?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return (file) => join(dir, file);
}

/** The declarations every provider makes alike: a plain name, a description, sizes, limits, and a key that is set. */
export function expectDeclaredWell(
  p: {
    name: string;
    description: string;
    capabilities: {
      models: string[];
      sizes: string[];
      concurrency: number;
      rpm: number;
      maxPromptChars: number;
    };
    status(ctx: PluginContext): { configured: boolean };
  },
  ctx: PluginContext,
): void {
  expect(p.name).toMatch(/^[a-z0-9-]+$/);
  expect(p.description.length).toBeGreaterThan(10);
  const c = p.capabilities;
  for (const s of c.sizes) expect(s).toMatch(/^\d+x\d+$/);
  expect(c.models.length).toBeGreaterThan(0);
  expect(c.concurrency).toBeGreaterThan(0);
  expect(c.rpm).toBeGreaterThan(0);
  expect(c.maxPromptChars).toBeGreaterThan(0);
  expect(p.status(ctx).configured).toBe(true);
}
