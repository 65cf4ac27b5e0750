import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError } from '@beatframe/core';
import { errorOf, makeTestStill, startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVeoProvider } from '../src/index.js';

let emu: VeoEmulator;
let env: Record<string, string | undefined>;
const out = mkdtempSync(join(tmpdir(), 'bf-veo-test-'));
const req = { prompt: 'a paper boat on a rainy street', seconds: 4, size: '1280x720' };
const still = join(out, 'still.png');

beforeAll(async () => {
  emu = await startVeoEmulator({ latencyMs: 300 });
  env = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
  await makeTestStill(still);
});
afterAll(() => emu.close());
beforeEach(() => emu.clearFaults());

describe('veo against the emulated Gemini API', () => {
  const provider = createVeoProvider();

  it('sends the Gemini API request shape: prompt, durationSeconds, aspectRatio, resolution, sampleCount', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, size: '720x1280', negativePrompt: 'text overlays' }, ctx);
    expect(ref.jobId).toMatch(/^models\/veo-3\.1-fast-generate-preview\/operations\/[a-z0-9]+$/);
    const sent = emu.bodies.at(-1)!;
    expect(sent.model).toBe('veo-3.1-fast-generate-preview');
    expect(sent.body.instances[0]).toEqual({ prompt: req.prompt });
    expect(sent.body.parameters).toEqual({
      sampleCount: 1,
      durationSeconds: 4,
      aspectRatio: '9:16',
      resolution: '720p',
      negativePrompt: 'text overlays',
    });
    const st = await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 });
    expect(st.state).toBe('done');
    const clip = await provider.download(ref, join(out, 'portrait.mp4'), ctx);
    expect(clip).toMatchObject({ width: 720, height: 1280, hasAudio: true, costUsd: 0.4 });
  });

  it('follows the download redirect to storage; an expired link is fetched again from the operation', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 });
    const before = { dl: emu.stats.downloads, storage: emu.stats.storageHits, subs: emu.stats.submissions };
    emu.expireNextDownload(1);
    const clip = await provider.download(ref, join(out, 'expired.mp4'), ctx);
    expect((await probeMedia(clip.path)).video?.width).toBe(1280);
    expect(emu.stats.downloads - before.dl).toBe(2);
    expect(emu.stats.storageHits - before.storage).toBe(2);
    expect(emu.stats.submissions).toBe(before.subs); // re-fetched, never resubmitted
    emu.expireNextDownload(5);
    const err = await errorOf(provider.download(ref, join(out, 'never.mp4'), ctx));
    expect(err).toMatchObject({ kind: 'retryable' });
    expect(err!.message).toMatch(/expired/);
  });

  it('a failed operation (INTERNAL) is retryable; an RAI-filtered one is content-policy with the reason', async () => {
    const ctx = recordingContext(env);
    emu.failNextJob({ code: 13, status: 'INTERNAL', message: 'Video generation failed. Please try again.' });
    let st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st).toMatchObject({ state: 'failed', error: { kind: 'retryable', code: 'INTERNAL' } });
    emu.filterNextJob(['Your prompt mentions a celebrity; it was blocked.']);
    st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st.error).toMatchObject({ kind: 'content-policy' });
    expect(st.error?.message).toContain('celebrity');
  });

  it('429 RESOURCE_EXHAUSTED with RetryInfo is retryable after retryDelay; the SDK does not retry on its own', async () => {
    emu.failNext('create', {
      httpStatus: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: 'Resource has been exhausted (e.g. check quota).',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
    });
    const before = emu.stats.faultsServed;
    const err = await errorOf(provider.submit(req, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retryable', retryAfterSec: 7 });
    expect(emu.stats.faultsServed - before).toBe(1);
  });

  it('an ordinary 400 is fatal, not content-policy, even when its words contain "rai"', async () => {
    emu.failNext('create', {
      httpStatus: 400,
      status: 'INVALID_ARGUMENT',
      message: 'The durationSeconds constraint was not met.',
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({ kind: 'fatal' });
    emu.failNext('create', {
      httpStatus: 400,
      status: 'INVALID_ARGUMENT',
      message:
        'The prompt could not be submitted. This prompt contains words that violate the usage guidelines.',
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'content-policy',
    });
  });

  it('a 503 while polling is retryable, and the next poll carries on', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    emu.failNext('operation', {
      httpStatus: 503,
      status: 'UNAVAILABLE',
      message: 'The model is overloaded.',
    });
    expect(await errorOf(provider.poll(ref, ctx))).toMatchObject({ kind: 'retryable' });
    expect((await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 })).state).toBe('done');
  });

  it('a wrong key (400 API_KEY_INVALID) is auth, naming GEMINI_API_KEY and never showing the key', async () => {
    const wrong = 'AIza-wrong-key-should-not-leak-123';
    const err = await errorOf(provider.submit(req, recordingContext({ ...env, GEMINI_API_KEY: wrong })));
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err!.message).toContain('GEMINI_API_KEY');
    expect(err!.message).not.toContain(wrong);
  });

  it('a missing key is a ConfigError; status says to set GEMINI_API_KEY', async () => {
    const ctx = recordingContext({ GOOGLE_GEMINI_BASE_URL: emu.baseUrl });
    expect(provider.status(ctx)).toMatchObject({
      configured: false,
      hint: expect.stringContaining('GEMINI_API_KEY'),
    });
    expect(await errorOf(provider.submit(req, ctx))).toBeInstanceOf(ConfigError);
  });

  it('an unknown model at the API is retired, naming the alternatives', async () => {
    const p = createVeoProvider({ models: { 'veo-2.0-generate-001': {} } });
    const err = await errorOf(p.submit({ ...req, model: 'veo-2.0-generate-001' }, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retired' });
    expect(err!.message).toContain('veo-2.0-generate-001');
    expect(err!.message).toContain('--provider fal|runway|local');
    expect(await errorOf(provider.submit({ ...req, model: 'nope' }, recordingContext(env)))).toBeInstanceOf(
      InputError,
    );
  });

  it('1080p, a last frame or reference images take 8 s only (snapped, recorded); images go as base64 PNG', async () => {
    const ctx = recordingContext(env);
    const hd = await provider.submit({ ...req, size: '1920x1080', seconds: 5 }, ctx);
    expect(hd.seconds).toBe(8);
    expect(ctx.recorded.some((d) => d.role === 'duration-snap')).toBe(true);
    expect(emu.bodies.at(-1)!.body.parameters).toMatchObject({ resolution: '1080p', durationSeconds: 8 });
    await provider.submit(
      {
        ...req,
        imagePath: still,
        lastFramePath: still,
        referenceImagePaths: [still],
        model: 'veo-3.1-generate-preview',
      },
      ctx,
    );
    const inst = emu.bodies.at(-1)!.body.instances[0] as Record<string, unknown>;
    expect(inst.image).toMatchObject({ mimeType: 'image/png', bytesBase64Encoded: expect.any(String) });
    expect(inst.lastFrame).toMatchObject({ mimeType: 'image/png' });
    expect(inst.referenceImages).toEqual([
      { image: expect.objectContaining({ mimeType: 'image/png' }), referenceType: 'asset' },
    ]);
    expect(emu.bodies.at(-1)!.body.parameters.durationSeconds).toBe(8);
    expect(
      Buffer.from(String((inst.image as { bytesBase64Encoded: string }).bytesBase64Encoded), 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('per-model rules: Omni takes 3–10 s at 720p, no last frame; lite makes no 4K; 4K takes 8 s', async () => {
    const ctx = recordingContext(env);
    const omni = await provider.submit({ ...req, seconds: 7, model: 'gemini-omni-flash-preview' }, ctx);
    expect(omni.seconds).toBe(7);
    expect(
      (await errorOf(
        provider.submit({ ...req, model: 'gemini-omni-flash-preview', lastFramePath: still }, ctx),
      ))!.message,
    ).toMatch(/cannot end on a given last frame/);
    const lite = await errorOf(
      provider.submit({ ...req, size: '3840x2160', model: 'veo-3.1-lite-generate-preview' }, ctx),
    );
    expect(lite).toBeInstanceOf(InputError);
    const uhd = await provider.submit({ ...req, size: '3840x2160', seconds: 4 }, ctx);
    expect(uhd.seconds).toBe(8);
    expect(emu.bodies.at(-1)!.body.parameters).toMatchObject({ resolution: '4k', durationSeconds: 8 });
    expect(lite!.message).toBe(
      'veo veo-3.1-lite-generate-preview cannot make 3840x2160 clips; allowed sizes: 1280x720, 720x1280, 1920x1080, 1080x1920',
    );
  });

  it('prices from the catalogue; config overrides them; audio off strips the track', async () => {
    expect(provider.capabilities.usdFor({ seconds: 8, size: '1280x720' })).toBeCloseTo(0.8);
    expect(provider.capabilities.usdFor({ seconds: 8, size: '1920x1080' })).toBeCloseTo(0.96);
    expect(
      provider.capabilities.usdFor({ seconds: 8, size: '3840x2160', model: 'veo-3.1-generate-preview' }),
    ).toBeCloseTo(4.8);
    expect(
      provider.capabilities.usdFor({ seconds: 8, size: '1920x1080', model: 'veo-3.1-generate-preview' }),
    ).toBeCloseTo(3.2);
    const custom = createVeoProvider({
      models: { 'veo-3.1-fast-generate-preview': { perSecond: 0.1 } },
      audio: false,
    });
    expect(custom.capabilities.usdFor({ seconds: 6, size: '1280x720' })).toBeCloseTo(0.6);
    expect(custom.capabilities.audio).toBe(false);
    const ctx = recordingContext(env);
    const ref = await custom.submit(req, ctx);
    await pollUntilSettled(custom, ref, ctx, { intervalMs: 40 });
    const clip = await custom.download(ref, join(out, 'silent.mp4'), ctx);
    expect(clip.hasAudio).toBe(false);
    expect((await probeMedia(clip.path)).audio).toBeUndefined();
  });
});

// Bodies as the Gemini API sends them: every 429 says "check your plan and billing"; the quota id tells a
// per-minute rate limit (retry after RetryInfo) from a per-day quota (pause until it resets).
const perMinute = {
  httpStatus: 429,
  status: 'RESOURCE_EXHAUSTED',
  message:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_requests_per_model, limit: 2\nPlease retry in 1.02s.',
  details: [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model',
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
          quotaDimensions: { location: 'global', model: 'veo-3.1-generate-preview' },
          quotaValue: '2',
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [
        {
          description: 'Learn more about Gemini API quotas',
          url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
        },
      ],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
  ],
};
const perDay = {
  httpStatus: 429,
  status: 'RESOURCE_EXHAUSTED',
  message:
    'You exceeded your current quota. Go to https://aistudio.google.com/apikey to upgrade your quota tier, or submit a quota increase request in https://ai.google.dev/gemini-api/docs/rate-limits#request-rate-limit-increase',
  details: [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model_per_day',
          quotaId: 'GenerateRequestsPerDayPerProjectPerModel',
        },
      ],
    },
  ],
};

describe('veo error bodies', () => {
  const provider = createVeoProvider();

  it('a PerMinute 429 is a rate limit retried after its delay; a PerDay 429 is spent quota', async () => {
    emu.failNext('create', perMinute);
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'retryable',
      retryAfterSec: 1,
    });
    emu.failNext('create', perDay);
    const err = await errorOf(provider.submit(req, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'quota' });
    expect(err!.message).toMatch(/quota is spent/);
  });

  it('a RetryInfo-less 429 takes the delay from "Please retry in …s"', async () => {
    emu.failNext('create', { ...perMinute, details: [] });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'retryable',
      retryAfterSec: 1.02,
    });
  });

  it('an operation that ends "…could violate our policies" is content-policy, not fatal', async () => {
    const ctx = recordingContext(env);
    emu.failNextJob({
      code: 3,
      status: 'INVALID_ARGUMENT',
      message:
        "Sorry, we can't generate this video because the prompt could violate our policies. Try rephrasing it.",
    });
    const st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st).toMatchObject({ state: 'failed', error: { kind: 'content-policy' } });
  });
});
