import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError } from '@beatframe/core';
import { errorOf, type FalEmulator, makeTestStill, startFalEmulator } from '@beatframe/emulators';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFalProvider } from '../src/index.js';

let emu: FalEmulator;
let env: Record<string, string | undefined>;
const out = mkdtempSync(join(tmpdir(), 'bf-fal-test-'));
const still = join(out, 'still.png');
const req = { prompt: 'a paper boat on a rainy street', seconds: 5, size: '854x480', model: 'wan-2.2' };

beforeAll(async () => {
  emu = await startFalEmulator({ latencyMs: 300 });
  env = { FAL_KEY: emu.apiKey, FAL_BASE_URL: emu.baseUrl };
  await makeTestStill(still);
});
afterAll(() => emu.close());
beforeEach(() => emu.clearFaults());

describe('fal against the emulated queue API', () => {
  const provider = createFalProvider();

  it('maps a request onto each model input: Kling enums, Wan frames, Seedance resolution, Hailuo prompt as written', async () => {
    const ctx = recordingContext(env);
    const kling = await provider.submit(
      { ...req, model: undefined, size: '1080x1920', seconds: 9, negativePrompt: 'blur' },
      ctx,
    );
    expect(kling).toMatchObject({
      model: 'kling-2.5-turbo-pro',
      seconds: 10,
      data: { endpoint: 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video' },
    });
    expect(emu.inputs.at(-1)!.input).toEqual({
      prompt: req.prompt,
      duration: '10',
      aspect_ratio: '9:16',
      negative_prompt: 'blur',
    });
    await provider.submit(req, ctx);
    expect(emu.inputs.at(-1)).toEqual({
      endpoint: 'fal-ai/wan/v2.2-a14b/text-to-video',
      input: {
        prompt: req.prompt,
        num_frames: 81,
        frames_per_second: 16,
        aspect_ratio: '16:9',
        resolution: '480p',
      },
    });
    await provider.submit({ ...req, model: 'seedance-1-pro', size: '1280x720' }, ctx);
    expect(emu.inputs.at(-1)!.input).toEqual({
      prompt: req.prompt,
      duration: '5',
      aspect_ratio: '16:9',
      resolution: '720p',
    });
    await provider.submit({ ...req, model: 'hailuo-02', size: '1366x768', seconds: 7 }, ctx);
    expect(emu.inputs.at(-1)!.input).toEqual({ prompt: req.prompt, prompt_optimizer: false, duration: '6' });
    expect(ctx.recorded.filter((d) => d.role === 'duration-snap')).toHaveLength(2);
  });

  it('image-to-video: the still goes as a PNG data URI to the i2v endpoint, which takes its framing from it', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, model: undefined, size: '1920x1080', imagePath: still }, ctx);
    const sent = emu.inputs.at(-1)!;
    expect(sent.endpoint).toBe('fal-ai/kling-video/v2.5-turbo/pro/image-to-video');
    expect(String(sent.input.image_url)).toMatch(/^data:image\/png;base64,/);
    expect(sent.input.aspect_ratio).toBeUndefined();
    expect((await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 })).state).toBe('done');
    const clip = await provider.download(ref, join(out, 'i2v.mp4'), ctx);
    expect(clip).toMatchObject({ width: 1920, height: 1080, costUsd: 0.35 });
  });

  it('reports queue → running (progress from the logs) → done, and downloads from the result URL', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    const seen = [] as Array<{ state: string; progress?: number }>;
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 30, onStatus: (s) => seen.push(s) });
    expect(seen[0]).toEqual({ state: 'queued', progress: 0 });
    expect(seen.some((s) => s.state === 'running' && (s.progress ?? 0) > 0 && (s.progress ?? 1) < 1)).toBe(
      true,
    );
    const clip = await provider.download(ref, join(out, 'wan.mp4'), ctx);
    expect(clip).toMatchObject({ width: 854, height: 480, hasAudio: false, provider: 'fal', costUsd: 0.2 });
    expect(Math.abs(clip.durationSec - 5)).toBeLessThan(0.3);
  });

  it('an expired result URL is re-read from the result, never resubmitted', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 });
    const before = { results: emu.stats.results, files: emu.stats.fileHits, subs: emu.stats.submissions };
    emu.expireNextDownload(1);
    const clip = await provider.download(ref, join(out, 'expired.mp4'), ctx);
    expect((await probeMedia(clip.path)).video?.width).toBe(854);
    expect(emu.stats.results - before.results).toBe(2);
    expect(emu.stats.fileHits - before.files).toBe(2);
    expect(emu.stats.submissions).toBe(before.subs);
  });

  it('a request that fails on the server (COMPLETED, result 500) is retryable; the detail is in the message', async () => {
    emu.failNextJob({ status: 500, detail: 'Worker ran out of GPU memory' });
    const ctx = recordingContext(env);
    const st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st).toMatchObject({ state: 'failed', error: { kind: 'retryable' } });
    expect(st.error?.message).toContain('out of GPU memory');
  });

  it('429 with Retry-After is retryable after that long; 500 on status too; the SDK does not back off on its own', async () => {
    emu.failNext('submit', { status: 429, body: { detail: 'Rate limit exceeded' }, retryAfter: 7 });
    let before = emu.stats.faultsServed;
    const err = await errorOf(provider.submit(req, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retryable', retryAfterSec: 7 });
    expect(err!.message).toContain('Rate limit exceeded'); // from body.detail, not the status text
    expect(emu.stats.faultsServed - before).toBe(1);
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    emu.failNext('status', { status: 500, body: { detail: 'Internal error' } });
    before = emu.stats.faultsServed;
    expect(await errorOf(provider.poll(ref, ctx))).toMatchObject({ kind: 'retryable' });
    expect(emu.stats.faultsServed - before).toBe(1);
    expect((await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 })).state).toBe('done');
  });

  it("fal's bodies: a locked, exhausted balance (403) is quota; a flagged prompt (422) is content-policy", async () => {
    emu.failNext('submit', {
      status: 403,
      body: {
        detail: 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
      },
    });
    const quota = await errorOf(provider.submit(req, recordingContext(env)));
    expect(quota).toMatchObject({ kind: 'quota' });
    expect(quota!.message).toContain('Exhausted balance');
    emu.failNext('submit', {
      status: 422,
      body: {
        detail: [
          {
            loc: ['body', 'prompt'],
            msg: 'The content could not be processed because it contained material flagged by a content checker.',
            type: 'content_policy_violation',
          },
        ],
      },
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'content-policy',
    });
  });

  it('a wrong key is auth naming FAL_KEY, never showing it; a missing key is a ConfigError', async () => {
    const wrong = 'fal-wrong-key:should-not-leak';
    const err = await errorOf(provider.submit(req, recordingContext({ ...env, FAL_KEY: wrong })));
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err!.message).toContain('FAL_KEY');
    expect(err!.message).not.toContain(wrong);
    const ctx = recordingContext({ FAL_BASE_URL: emu.baseUrl });
    expect(provider.status(ctx)).toMatchObject({
      configured: false,
      hint: expect.stringContaining('FAL_KEY'),
    });
    expect(await errorOf(provider.submit(req, ctx))).toBeInstanceOf(ConfigError);
  });

  it('an endpoint fal no longer serves is retired, naming alternatives; unknown sizes and models are input errors', async () => {
    const p = createFalProvider({
      models: {
        'kling-1.0': {
          textToVideo: 'fal-ai/kling-video/v1/standard/text-to-video',
          durations: [5],
          sizes: { '1280x720': { aspect_ratio: '16:9' } },
        },
      },
    });
    const err = await errorOf(
      p.submit({ ...req, model: 'kling-1.0', size: '1280x720' }, recordingContext(env)),
    );
    expect(err).toMatchObject({ kind: 'retired' });
    expect(err!.message).toContain('fal-ai/kling-video/v1/standard/text-to-video');
    expect(err!.message).toContain('--provider veo|runway|local');
    const size = await errorOf(
      provider.submit({ ...req, size: '1280x720', model: 'hailuo-02' }, recordingContext(env)),
    );
    expect(size).toBeInstanceOf(InputError);
    expect(size!.message).toBe('fal hailuo-02 cannot make 1280x720 clips; allowed sizes: 1366x768');
  });

  it('when the status of a failed request carries no error, the result read at download says why (classified)', async () => {
    const quiet = await startFalEmulator({ latencyMs: 200, statusErrors: false });
    try {
      const ctx = recordingContext({ FAL_KEY: quiet.apiKey, FAL_BASE_URL: quiet.baseUrl });
      quiet.failNextJob({
        status: 422,
        detail: [
          { loc: ['body', 'prompt'], msg: 'flagged by a content checker', type: 'content_policy_violation' },
        ],
      });
      const ref = await provider.submit(req, ctx);
      expect((await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 })).state).toBe('done');
      const err = await errorOf(provider.download(ref, join(out, 'never.mp4'), ctx));
      expect(err).toMatchObject({ kind: 'content-policy' });
      expect(err!.message).toContain('flagged by a content checker');
    } finally {
      await quiet.close();
    }
  });

  it('cancels a queued request; cancelling a finished one is not an error', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await provider.cancel!(ref, ctx);
    expect(emu.stats.cancels).toBeGreaterThan(0);
    const done = await provider.submit(req, ctx);
    await pollUntilSettled(provider, done, ctx, { intervalMs: 40 });
    await expect(provider.cancel!(done, ctx)).resolves.toBeUndefined();
  });

  it('prices per model and size from the table; config overrides them', () => {
    expect(provider.capabilities.usdFor({ seconds: 10, size: '1920x1080' })).toBeCloseTo(0.7);
    expect(
      provider.capabilities.usdFor({ seconds: 5, size: '1920x1080', model: 'seedance-1-pro' }),
    ).toBeCloseTo(0.62);
    expect(
      provider.capabilities.usdFor({ seconds: 5, size: '1280x720', model: 'seedance-1-pro' }),
    ).toBeCloseTo(0.3);
    const custom = createFalProvider({ models: { 'kling-2.5-turbo-pro': { perSecond: 0.1 } } });
    expect(custom.capabilities.usdFor({ seconds: 5, size: '1920x1080' })).toBeCloseTo(0.5);
  });
});
