import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Decision, type ImageProvider, ProviderError, silentLogger } from '@beatframe/core';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { createOpenAIVideosProvider } from '@beatframe/provider-openai-videos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  KeyHealth,
  nextUtcMidnight,
  ringKeys,
  withImageKeyRing,
  withKeyRing,
} from '../src/index.js';

const GOOD = 'sk-ring-good-0000000000000001';
const SPARE = 'sk-ring-spare-000000000000002';
const WRONG = 'sk-ring-wrong-000000000000003';
const BROKE = 'sk-ring-broke-000000000000004';

describe('ringKeys and fingerprints', () => {
  it('puts the single-key variable first, then the ring, without blanks or repeats', () => {
    expect(ringKeys('FAL_KEY', { FAL_KEY: 'a1', FAL_KEYS: ' b2, ,a1,c3 ' })).toEqual(['a1', 'b2', 'c3']);
    expect(ringKeys('FAL_KEY', {})).toEqual([]);
  });
  it('names a key by a short digest that does not contain it', () => {
    const fp = fingerprint(GOOD);
    expect(fp).toMatch(/^fp:[0-9a-f]{10}$/);
    expect(fp).not.toContain(GOOD.slice(3, 10));
    expect(fingerprint(GOOD)).toBe(fp);
    expect(fingerprint(SPARE)).not.toBe(fp);
  });
  it('forgets an exhausted key at the next UTC midnight, never a refused one', () => {
    let now = Date.UTC(2026, 0, 1, 22, 0);
    const h = new KeyHealth(() => now);
    h.markExhausted('fp:a', 'quota');
    h.markRefused('fp:b', 'bad');
    expect(h.state('fp:a')).toBe('exhausted');
    now = nextUtcMidnight(now) + 1;
    expect(h.state('fp:a')).toBe('ok');
    expect(h.state('fp:b')).toBe('refused');
  });
});

describe('withKeyRing around the real openai-videos plugin', () => {
  let emu: OpenAIVideosEmulator;
  let dir: string;
  beforeAll(async () => {
    emu = await startOpenAIVideosEmulator({
      apiKey: GOOD,
      extraApiKeys: [SPARE],
      exhaustedApiKeys: [BROKE],
      latencyMs: 200,
      fps: 6,
    });
    dir = mkdtempSync(join(tmpdir(), 'bf-ring-'));
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function ctxWith(env: Record<string, string>, decisions: Decision[]) {
    return {
      logger: silentLogger(),
      env: { OPENAI_BASE_URL: emu.baseUrl, ...env },
      decisions: { record: async (d: Decision) => void decisions.push(d) },
    };
  }
  const req = { shotId: 's1', prompt: 'a lighthouse at dusk', seconds: 4, size: '1280x720' } as const;

  it('fails over from a refused key and an exhausted one, records the switches by fingerprint, and polls with the key that worked', async () => {
    const decisions: Decision[] = [];
    const health = new KeyHealth();
    const provider = withKeyRing(createOpenAIVideosProvider(), { keyEnv: 'OPENAI_API_KEY', health });
    const ctx = ctxWith({ OPENAI_API_KEY: WRONG, OPENAI_API_KEYS: `${BROKE},${GOOD}` }, decisions);
    const before = emu.stats.submissions;
    const ref = await provider.submit(req, ctx);
    expect(emu.stats.submissions - before).toBe(1);
    expect(ref.data.keyFingerprint).toBe(fingerprint(GOOD));
    expect(decisions.map((d) => d.output)).toEqual([
      { provider: 'openai-videos', from: fingerprint(WRONG), to: fingerprint(BROKE), kind: 'auth' },
      { provider: 'openai-videos', from: fingerprint(BROKE), to: fingerprint(GOOD), kind: 'quota' },
    ]);
    for (const d of decisions) {
      expect(d.role).toBe('keyring');
      expect(d.shotId).toBe('s1');
      for (const k of [WRONG, BROKE, GOOD]) expect(JSON.stringify(d)).not.toContain(k);
    }
    // The next submission skips the keys known bad: no more refusals reach the vendor.
    const refusals = emu.stats.quotaRefusals;
    await provider.submit({ ...req, shotId: 's2' }, ctx);
    expect(emu.stats.quotaRefusals).toBe(refusals);
    expect(decisions).toHaveLength(2);
    for (;;) {
      const st = await provider.poll(ref, ctx);
      if (st.state === 'done') break;
      expect(st.state).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const clip = await provider.download(ref, join(dir, 'a.mp4'), ctx);
    expect(clip.durationSec).toBeGreaterThan(3);
  });

  it('polls a job with another key of the account when its own key was revoked meanwhile', async () => {
    const decisions: Decision[] = [];
    const health = new KeyHealth();
    const provider = withKeyRing(createOpenAIVideosProvider(), { keyEnv: 'OPENAI_API_KEY', health });
    const ref = await provider.submit(req, ctxWith({ OPENAI_API_KEY: GOOD }, decisions));
    // After a rotation the ring holds the new key first and the revoked one is gone from the emulator's view.
    const after = ctxWith({ OPENAI_API_KEYS: `${WRONG},${SPARE}` }, decisions);
    const st = await provider.poll(ref, after);
    expect(['queued', 'running', 'done']).toContain(st.state);
    expect(health.state(fingerprint(WRONG))).toBe('refused');
  });

  it('gives up with a quota error naming every key by fingerprint when none is usable', async () => {
    const decisions: Decision[] = [];
    const provider = withKeyRing(createOpenAIVideosProvider(), {
      keyEnv: 'OPENAI_API_KEY',
      health: new KeyHealth(),
    });
    const err = await provider.submit(req, ctxWith({ OPENAI_API_KEYS: `${WRONG},${BROKE}` }, decisions)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('quota');
    expect((err as ProviderError).message).toContain(`${fingerprint(WRONG)} refused`);
    expect((err as ProviderError).message).toContain(`${fingerprint(BROKE)} exhausted`);
    expect((err as ProviderError).message).not.toContain(BROKE);
    expect(decisions.at(-1)?.summary).toContain('no other key left');
  });

  it('leaves a provider with one key or none as it was', async () => {
    const provider = withKeyRing(createOpenAIVideosProvider(), {
      keyEnv: 'OPENAI_API_KEY',
      health: new KeyHealth(),
    });
    expect(provider.status(ctxWith({}, [])).configured).toBe(false);
    const err = await provider.submit(req, ctxWith({}, [])).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain('OPENAI_API_KEY');
    expect(provider.status(ctxWith({ OPENAI_API_KEYS: GOOD }, [])).configured).toBe(true);
  });
});

describe('withImageKeyRing', () => {
  const still = (key: string) => ({
    path: '/tmp/x.png',
    width: 8,
    height: 8,
    provider: 'img',
    costUsd: 0,
    jobId: key,
  });
  /** An image plugin that accepts only GOOD; `queueFirst` stores a job before it learns the key is refused. */
  function fakeImages(seen: string[], queueFirst = false): ImageProvider {
    return {
      name: 'img',
      description: 'a fake image plugin',
      capabilities: {
        models: ['m'],
        sizes: ['8x8'],
        maxReferenceImages: 0,
        seed: false,
        maxPromptChars: 100,
        usdFor: () => 0.01,
        concurrency: 1,
        rpm: 1,
      },
      status: () => ({ configured: true }),
      async generate(_req, _dest, ctx) {
        const key = ctx.env?.IMG_KEY ?? '';
        seen.push(key);
        if (queueFirst)
          await ctx.onJob?.({
            provider: 'img',
            jobId: 'j1',
            submittedAt: '',
            seconds: 1,
            size: '8x8',
            data: {},
          });
        if (key === BROKE) throw new ProviderError('quota', 'out of credit');
        if (key !== GOOD) throw new ProviderError('auth', 'refused');
        return still(key);
      },
    };
  }
  const req = { prompt: 'a face', size: '8x8', shotId: 's1' };

  it('makes the still with the next key when one is refused before anything was queued', async () => {
    const seen: string[] = [];
    const decisions: Decision[] = [];
    const p = withImageKeyRing(fakeImages(seen), { keyEnv: 'IMG_KEY', health: new KeyHealth() });
    const ctx = {
      logger: silentLogger(),
      env: { IMG_KEYS: `${WRONG},${BROKE},${GOOD}` },
      decisions: { record: async (d: Decision) => void decisions.push(d) },
    };
    expect((await p.generate(req, '/tmp/x.png', ctx)).jobId).toBe(GOOD);
    expect(seen).toEqual([WRONG, BROKE, GOOD]);
    expect(decisions.map((d) => (d.output as { kind: string }).kind)).toEqual(['auth', 'quota']);
  });

  it('never tries a second key once the vendor queued the still, and stores the key it used', async () => {
    const seen: string[] = [];
    const stored: Array<Record<string, unknown>> = [];
    const p = withImageKeyRing(fakeImages(seen, true), { keyEnv: 'IMG_KEY', health: new KeyHealth() });
    const ctx = {
      logger: silentLogger(),
      env: { IMG_KEYS: `${WRONG},${GOOD}` },
      onJob: (ref: { data: Record<string, unknown> }) => void stored.push(ref.data),
    };
    const err = await p.generate(req, '/tmp/x.png', ctx).catch((e: unknown) => e);
    expect((err as ProviderError).kind).toBe('auth');
    expect(seen).toEqual([WRONG]);
    expect(stored).toEqual([{ keyFingerprint: fingerprint(WRONG) }]);
  });
});
