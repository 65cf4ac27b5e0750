import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type PluginContext, ProviderError, type ProviderErrorKind } from '@beatframe/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConformanceFaults, recordingContext } from './index.js';

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

/** What both suites read of a provider's declarations. */
interface Declared {
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
}

/** The declarations every provider makes alike: a plain name, a description, sizes, limits, and a key that is set. */
export function expectDeclaredWell(p: Declared, ctx: PluginContext): void {
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

/** The declarations test both suites run: what every provider declares alike, then what `more` checks of its kind. */
export function itDeclaresWell<P extends Declared>(
  opts: SuiteHooks & { makeProvider(env?: Record<string, string | undefined>): P | Promise<P> },
  more: (p: P) => void,
): void {
  it('declares a name, an honest description and well-formed capabilities', async () => {
    const p = await opts.makeProvider(opts.env);
    expectDeclaredWell(p, recordingContext(opts.env));
    more(p);
  });
}

/** The fault kinds both suites inject; each must come back classified as itself. */
export const FAULT_KINDS = ['retryable', 'content-policy', 'quota', 'auth', 'retired', 'fatal'] as const;

/** What an injected fault must surface as: a one-line ProviderError of its kind (with Retry-After, if sent). */
export function expectClassified(
  err: unknown,
  kind: ProviderErrorKind,
  retryAfter: boolean | undefined,
): void {
  expect(err, `a ${kind} fault must surface as a ProviderError`).toBeInstanceOf(ProviderError);
  const pe = err as ProviderError;
  expect(pe.kind, pe.message).toBe(kind);
  expect(pe.message.length).toBeGreaterThan(0);
  expect(pe.message).not.toContain('\n');
  if (kind === 'retryable' && retryAfter) expect(pe.retryAfterSec).toBeGreaterThan(0);
}

/**
 * The missing-key test both suites run (skipped for a provider without a key): status says what to set, and the
 * provider's first call fails with a ConfigError naming the variable.
 */
export function itRefusesWithoutKey<
  P extends { status(ctx: PluginContext): { configured: boolean; hint?: string } },
>(
  opts: SuiteHooks & { makeProvider(env?: Record<string, string | undefined>): P | Promise<P> },
  firstCall: (p: P, ctx: ReturnType<typeof recordingContext>) => Promise<unknown>,
): void {
  it.skipIf(!opts.missingKey)('a missing key is a configuration error naming the variable', async () => {
    const envVar = opts.missingKey!.envVar;
    const env = { ...opts.env, [envVar]: undefined };
    const p = await opts.makeProvider(env);
    const c = recordingContext(env);
    const status = p.status(c);
    expect(status.configured).toBe(false);
    expect(status.hint).toContain(envVar);
    const err = await firstCall(p, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(envVar);
  });
}

/**
 * The `classifies <kind> failures` test of each fault kind (skipped for a kind the plugin cannot inject): with the
 * fault armed, `failure` runs one job on a fresh provider and gives what it failed with, which must be a
 * ProviderError of that kind.
 */
export function itClassifiesFaults<P>(
  opts: SuiteHooks & { makeProvider(env?: Record<string, string | undefined>): P | Promise<P> },
  timeout: number,
  failure: (p: P, kind: ProviderErrorKind) => Promise<unknown>,
): void {
  for (const kind of FAULT_KINDS) {
    it.skipIf(!opts.faults?.kinds.includes(kind))(
      `classifies ${kind} failures`,
      async () => {
        const p = await opts.makeProvider(opts.env);
        await opts.faults!.inject(kind);
        try {
          expectClassified(await failure(p, kind), kind, opts.faults!.retryAfter);
        } finally {
          await opts.faults!.clear?.();
        }
      },
      timeout,
    );
  }
}
