import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type ProviderJobStatus } from '@beatframe/core';
import {
  errorOf,
  makeTestStill,
  type OpenAIVideosEmulator,
  startOpenAIVideosEmulator,
} from '@beatframe/emulators';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIVideosProvider } from '../src/index.js';

let emu: OpenAIVideosEmulator;
let env: Record<string, string | undefined>;
const out = mkdtempSync(join(tmpdir(), 'bf-openai-test-'));
const req = { prompt: 'a paper boat on a rainy street', seconds: 4, size: '1280x720' };

beforeAll(async () => {
  emu = await startOpenAIVideosEmulator({
    latencyMs: 500,
    retiredModels: ['sora-1'],
    models: ['sora-2', 'sora-2-pro', 'sora-1', 'wan-2.2'],
  });
  env = { OPENAI_API_KEY: emu.apiKey, OPENAI_BASE_URL: emu.baseUrl };
});
afterAll(() => emu.close());
beforeEach(() => emu.clearFaults());

describe('openai-videos against the emulated Videos API', () => {
  const provider = createOpenAIVideosProvider();

  it('moves queued → in_progress (with progress) → completed, and downloads video, thumbnail and sprite sheet', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    expect(ref.jobId).toMatch(/^video_/);
    expect(ref.model).toBe('sora-2');
    const seen: ProviderJobStatus[] = [];
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 40, onStatus: (s) => seen.push(s) });
    // The emulator is queued for the first fifth of its latency; on a loaded machine the first poll can come
    // later, so the check is that states only move forward and start at queued or running.
    const order = ['queued', 'running', 'done'];
    const ranks = seen.map((s) => order.indexOf(s.state));
    expect(ranks[0] === 0 || ranks[0] === 1).toBe(true);
    expect(ranks.every((r, i) => r >= 0 && (i === 0 || r >= (ranks[i - 1] ?? 0)))).toBe(true);
    const running = seen.filter((s) => s.state === 'running');
    expect(running.some((s) => (s.progress ?? 0) > 0 && (s.progress ?? 1) < 1)).toBe(true);
    expect(seen.at(-1)).toEqual({ state: 'done', progress: 1 });
    const clip = await provider.download(ref, join(out, 'boat.mp4'), ctx);
    expect(clip).toMatchObject({
      width: 1280,
      height: 720,
      hasAudio: true,
      provider: 'openai-videos',
      costUsd: 0.4,
    });
    expect(clip.thumbnailPath && existsSync(clip.thumbnailPath)).toBe(true);
    expect((await probeMedia(clip.thumbnailPath!)).video?.codec).toBe('webp');
    const sheet = await provider.downloadVariant(ref, 'spritesheet', join(out, 'boat.sprites.jpg'), ctx);
    expect((await probeMedia(sheet)).video?.codec).toBe('mjpeg');
    expect(emu.stats.downloads).toMatchObject({ video: 1, thumbnail: 1, spritesheet: 1 });
  });

  it('a job that fails moderation is a content-policy failure carrying the service message', async () => {
    emu.failNextJob({
      code: 'moderation_blocked',
      message: 'Your request was blocked by our moderation system.',
    });
    const ctx = recordingContext(env);
    const st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 50 });
    expect(st.state).toBe('failed');
    expect(st.error).toMatchObject({ kind: 'content-policy', code: 'moderation_blocked' });
    expect(st.error?.message).toContain('blocked by our moderation');
  });

  it('429 with Retry-After is retryable after that many seconds, and the SDK does not retry on its own', async () => {
    emu.failNext('create', { status: 429, code: 'rate_limit_exceeded', retryAfter: 7 });
    const before = emu.stats.faultsServed;
    const err = await errorOf(provider.submit(req, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retryable', retryAfterSec: 7 });
    expect(emu.stats.faultsServed - before).toBe(1);
  });

  it("a rate limit's wait is read from OpenAI's text when no header names it", async () => {
    emu.failNext('create', {
      status: 429,
      code: 'rate_limit_exceeded',
      type: 'requests',
      message:
        'Rate limit reached for sora-2 in organization org-x on requests per min (RPM): Limit 5, Used 5, Requested 1. Please try again in 12s. Visit https://platform.openai.com/account/rate-limits to learn more.',
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'retryable',
      retryAfterSec: 12,
    });
  });

  it('insufficient_quota (a 429 too) is quota, not retryable', async () => {
    emu.failNext('create', {
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
      message: 'You exceeded your current quota.',
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({ kind: 'quota' });
  });

  it('a 500 while polling is retryable, and the next poll carries on', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    emu.failNext('retrieve', {
      status: 500,
      message: 'The server had an error while processing your request.',
    });
    expect(await errorOf(provider.poll(ref, ctx))).toMatchObject({ kind: 'retryable' });
    expect((await pollUntilSettled(provider, ref, ctx, { intervalMs: 50 })).state).toBe('done');
  });

  it('a wrong key is an auth error naming the variable, never showing the key', async () => {
    const wrong = 'sk-wrong-key-should-not-leak-123456';
    const err = await errorOf(provider.submit(req, recordingContext({ ...env, OPENAI_API_KEY: wrong })));
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err!.message).toContain('OPENAI_API_KEY');
    expect(err!.message).not.toContain(wrong);
  });

  it('a missing key is a ConfigError naming OPENAI_API_KEY, and status says what to set', async () => {
    const ctx = recordingContext({ OPENAI_BASE_URL: emu.baseUrl });
    expect(provider.status(ctx)).toMatchObject({
      configured: false,
      hint: expect.stringContaining('OPENAI_API_KEY'),
    });
    const err = await errorOf(provider.submit(req, ctx));
    expect(err).toBeInstanceOf(ConfigError);
  });

  it('a retired model (404 model_not_found) says so and names the alternatives', async () => {
    const err = await errorOf(provider.submit({ ...req, model: 'sora-1' }, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retired', providerCode: 'model_not_found' });
    expect(err!.message).toContain('--provider veo|fal|runway|local');
    expect(err!.message).toContain('sora-1');
  });

  it('snaps lengths to 4/8/12 (ties go longer) with a recorded decision; refuses other sizes listing the allowed', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, seconds: 6 }, ctx);
    expect(ref.seconds).toBe(8);
    expect(emu.videos.get(ref.jobId)?.seconds).toBe('8');
    expect(ctx.recorded.find((d) => d.role === 'duration-snap')?.summary).toMatch(/6s to 8s/);
    await provider.cancel!(ref, ctx);
    const err = await errorOf(provider.submit({ ...req, size: '1920x1080' }, ctx));
    expect(err!.message).toBe(
      'openai-videos sora-2 cannot make 1920x1080 clips; allowed sizes: 1280x720, 720x1280',
    );
    // The tall and wide sizes are sora-2-pro's only.
    expect((await errorOf(provider.submit({ ...req, size: '1792x1024' }, ctx)))!.message).toMatch(
      /sora-2 cannot make 1792x1024/,
    );
    const pro = await provider.submit({ ...req, size: '1792x1024', model: 'sora-2-pro' }, ctx);
    expect(emu.videos.get(pro.jobId)).toMatchObject({ size: '1792x1024', model: 'sora-2-pro' });
    await provider.cancel!(pro, ctx);
  });

  it('sends input_reference as an image fitted to the clip size (image-to-video)', async () => {
    const still = join(out, 'still.png');
    await makeTestStill(still);
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, imagePath: still }, ctx);
    expect(emu.stats.references.find((r) => r.videoId === ref.jobId)).toMatchObject({
      contentType: 'image/png',
      width: 1280,
      height: 720,
    });
    await provider.cancel!(ref, ctx);
  });

  it('cancel deletes the job; the service then no longer knows it', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await provider.cancel!(ref, ctx);
    expect(await errorOf(provider.poll(ref, ctx))).toMatchObject({ kind: 'fatal' });
  });

  it('retries a corrupt download, and gives up (retryable) when every attempt is corrupt', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 50 });
    const before = emu.stats.downloads.video;
    emu.corruptNextDownload(1);
    const clip = await provider.download(ref, join(out, 'retried.mp4'), ctx);
    expect(emu.stats.downloads.video - before).toBe(2);
    expect((await probeMedia(clip.path)).video?.width).toBe(1280);
    const twice = createOpenAIVideosProvider({ downloadAttempts: 2, thumbnails: false });
    emu.corruptNextDownload(2);
    const err = await errorOf(twice.download(ref, join(out, 'never.mp4'), ctx));
    expect(err).toMatchObject({ kind: 'retryable' });
    expect(existsSync(join(out, 'never.mp4'))).toBe(false);
  });

  it('prices from the table: sora-2-pro at 1792x1024 costs more per second; settings override it', () => {
    expect(provider.capabilities.usdFor({ seconds: 4, size: '1280x720' })).toBeCloseTo(0.4);
    expect(provider.capabilities.usdFor({ seconds: 8, size: '1280x720', model: 'sora-2-pro' })).toBeCloseTo(
      2.4,
    );
    expect(provider.capabilities.usdFor({ seconds: 8, size: '1792x1024', model: 'sora-2-pro' })).toBeCloseTo(
      4,
    );
    const custom = createOpenAIVideosProvider({ prices: { 'sora-2': { perSecond: 0.05 } } });
    expect(custom.capabilities.usdFor({ seconds: 12, size: '720x1280' })).toBeCloseTo(0.6);
  });

  it('works with any model a gateway offers, from settings, with a key from another variable', async () => {
    const gateway = createOpenAIVideosProvider({
      models: ['wan-2.2'],
      apiKeyEnv: 'GATEWAY_KEY',
      baseUrl: emu.baseUrl,
    });
    const ctx = recordingContext({ GATEWAY_KEY: emu.apiKey });
    const ref = await gateway.submit(req, ctx);
    expect(ref.model).toBe('wan-2.2');
    expect((await pollUntilSettled(gateway, ref, ctx, { intervalMs: 50 })).state).toBe('done');
  });
});
