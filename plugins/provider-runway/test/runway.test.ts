import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError } from '@beatframe/core';
import { errorOf, makeTestStill, type RunwayEmulator, startRunwayEmulator } from '@beatframe/emulators';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureKind } from '../src/errors.js';
import { createRunwayProvider } from '../src/index.js';

let emu: RunwayEmulator;
let env: Record<string, string | undefined>;
const out = mkdtempSync(join(tmpdir(), 'bf-runway-test-'));
const still = join(out, 'still.png');
const req = { prompt: 'a paper boat on a rainy street', seconds: 3, size: '1280x720' };

beforeAll(async () => {
  emu = await startRunwayEmulator({ latencyMs: 300 });
  env = { RUNWAYML_API_SECRET: emu.apiKey, RUNWAYML_BASE_URL: emu.baseUrl };
  await makeTestStill(still);
});
afterAll(() => emu.close());
beforeEach(() => emu.clearFaults());

describe('runway against the emulated Runway API', () => {
  const provider = createRunwayProvider();

  it('text-to-video: ratio as "1280:720", integer duration; PENDING → RUNNING (progress) → SUCCEEDED → download', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, size: '720x1280', seconds: 2.6 }, ctx);
    expect(emu.bodies.at(-1)).toEqual({
      route: 'text_to_video',
      body: { model: 'gen4.5', promptText: req.prompt, ratio: '720:1280', duration: 3 },
    });
    const seen = [] as Array<{ state: string; progress?: number }>;
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 30, onStatus: (s) => seen.push(s) });
    expect(seen[0]).toEqual({ state: 'queued', progress: 0 });
    expect(seen.some((s) => s.state === 'running' && (s.progress ?? 0) > 0 && (s.progress ?? 1) < 1)).toBe(
      true,
    );
    const clip = await provider.download(ref, join(out, 'portrait.mp4'), ctx);
    expect(clip).toMatchObject({ width: 720, height: 1280, hasAudio: false, costUsd: 0.36 });
  });

  it('image-to-video: a JPEG data URI; Veo 3.1 takes first and last frames and can be asked for no sound (cheaper)', async () => {
    const ctx = recordingContext(env);
    const turbo = await provider.submit(
      { ...req, model: 'gen4_turbo', size: '960x960', seconds: 5, imagePath: still },
      ctx,
    );
    const sent = emu.bodies.at(-1)!;
    expect(sent.route).toBe('image_to_video');
    expect(String(sent.body.promptImage)).toMatch(/^data:image\/jpeg;base64,/);
    expect(sent.body.ratio).toBe('960:960');
    await provider.cancel!(turbo, ctx);
    const silent = createRunwayProvider({ audio: false });
    const veo = await silent.submit(
      { ...req, model: 'veo3.1', seconds: 6, imagePath: still, lastFramePath: still },
      ctx,
    );
    const body = emu.bodies.at(-1)!.body;
    expect(body).toMatchObject({ model: 'veo3.1', duration: 6, audio: false, ratio: '1280:720' });
    expect((body.promptImage as Array<{ position: string }>).map((p) => p.position)).toEqual([
      'first',
      'last',
    ]);
    await pollUntilSettled(silent, veo, ctx, { intervalMs: 40 });
    const clip = await silent.download(veo, join(out, 'veo.mp4'), ctx);
    expect(clip).toMatchObject({ hasAudio: false, costUsd: 1.2 });
  });

  it('gen4_turbo needs a start image; a last frame needs a model that takes one; sizes are per endpoint', async () => {
    const ctx = recordingContext(env);
    expect(
      (await errorOf(provider.submit({ ...req, model: 'gen4_turbo', seconds: 5 }, ctx)))!.message,
    ).toMatch(/needs a start image/);
    expect(
      (await errorOf(provider.submit({ ...req, imagePath: still, lastFramePath: still }, ctx)))!.message,
    ).toMatch(/cannot end on a given last frame/);
    const size = await errorOf(provider.submit({ ...req, size: '960x960' }, ctx));
    expect(size).toBeInstanceOf(InputError);
    expect(size!.message).toBe('runway gen4.5 cannot make 960x960 clips; allowed sizes: 1280x720, 720x1280');
  });

  it('a failed create (400, 401, 429) is a thrown, classified error, not an unhandled rejection', async () => {
    emu.failNext('create', { status: 429, body: { error: 'Too many requests.' }, retryAfter: 9 });
    const before = emu.stats.faultsServed;
    const err = await errorOf(provider.submit(req, recordingContext(env)));
    expect(err).toMatchObject({ kind: 'retryable', retryAfterSec: 9 });
    expect(emu.stats.faultsServed - before).toBe(1); // the SDK did not retry behind our back
    emu.failNext('create', {
      status: 400,
      body: { error: 'Validation of body failed', issues: [{ path: ['promptText'], message: 'Required' }] },
    });
    const bad = await errorOf(provider.submit(req, recordingContext(env)));
    expect(bad).toMatchObject({ kind: 'fatal' });
    expect(bad!.message).toContain('promptText: Required');
  });

  it("Runway's bodies: no credits is quota, a refused prompt is content-policy, THROTTLED tasks retry", async () => {
    emu.failNext('create', {
      status: 400,
      body: { error: 'You do not have enough credits to run this task.' },
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({ kind: 'quota' });
    emu.failNext('create', {
      status: 400,
      body: { error: 'Your prompt did not pass our content moderation. Please revise it.' },
    });
    expect(await errorOf(provider.submit(req, recordingContext(env)))).toMatchObject({
      kind: 'content-policy',
    });
    expect(failureKind('SAFETY.OUTPUT.VIDEO', 'The output did not pass moderation.')).toBe('content-policy');
    expect(failureKind('THROTTLED', 'Too many tasks.')).toBe('retryable');
    expect(failureKind('ASSET.INVALID', 'The image could not be read.')).toBe('fatal');
  });

  it('an INTERNAL task failure is retryable; SAFETY is content-policy with the code', async () => {
    const ctx = recordingContext(env);
    emu.failNextJob({ failure: 'An unexpected error occurred.', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' });
    let st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st.error).toMatchObject({ kind: 'retryable', code: 'INTERNAL.BAD_OUTPUT.CODE01' });
    emu.failNextJob({ failure: 'The image did not pass moderation.', failureCode: 'SAFETY.INPUT.IMAGE' });
    st = await pollUntilSettled(provider, await provider.submit(req, ctx), ctx, { intervalMs: 40 });
    expect(st.error).toMatchObject({ kind: 'content-policy', code: 'SAFETY.INPUT.IMAGE' });
  });

  it('an expired output URL is replaced by re-reading the task, never by resubmitting', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    await pollUntilSettled(provider, ref, ctx, { intervalMs: 40 });
    const before = { retrieves: emu.stats.retrieves, files: emu.stats.fileHits, subs: emu.stats.submissions };
    emu.expireNextDownload(1);
    const clip = await provider.download(ref, join(out, 'expired.mp4'), ctx);
    expect((await probeMedia(clip.path)).video?.width).toBe(1280);
    expect(emu.stats.retrieves - before.retrieves).toBe(2);
    expect(emu.stats.fileHits - before.files).toBe(2);
    expect(emu.stats.submissions).toBe(before.subs);
  });

  it('a 502 while polling is retryable and the next poll carries on; cancel deletes the task', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit(req, ctx);
    emu.failNext('retrieve', { status: 502, body: { error: 'Bad gateway' } });
    expect(await errorOf(provider.poll(ref, ctx))).toMatchObject({ kind: 'retryable' });
    await provider.cancel!(ref, ctx);
    expect(await provider.poll(ref, ctx)).toMatchObject({ state: 'failed', error: { code: 'CANCELLED' } });
    await expect(
      provider.cancel!({ ...ref, jobId: '00000000-0000-0000-0000-000000000000' }, ctx),
    ).resolves.toBeUndefined();
  });

  it('a wrong key is auth naming RUNWAYML_API_SECRET, never showing it; a missing key is a ConfigError', async () => {
    const wrong = 'key_wrong_should_not_leak_42';
    const err = await errorOf(provider.submit(req, recordingContext({ ...env, RUNWAYML_API_SECRET: wrong })));
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err!.message).toContain('RUNWAYML_API_SECRET');
    expect(err!.message).not.toContain(wrong);
    const ctx = recordingContext({ RUNWAYML_BASE_URL: emu.baseUrl });
    expect(provider.status(ctx)).toMatchObject({
      configured: false,
      hint: expect.stringContaining('RUNWAYML_API_SECRET'),
    });
    expect(await errorOf(provider.submit(req, ctx))).toBeInstanceOf(ConfigError);
  });

  it('a prompt over the 1000 characters Runway takes is cut, as a recorded decision', async () => {
    const ctx = recordingContext(env);
    const ref = await provider.submit({ ...req, prompt: 'rain '.repeat(300), shotId: 's7' }, ctx);
    expect(String(emu.bodies.at(-1)!.body.promptText)).toHaveLength(1000);
    expect(ctx.recorded.find((d) => d.role === 'prompt-cut')).toMatchObject({
      shotId: 's7',
      output: { from: 1500, to: 1000 },
    });
    await provider.cancel!(ref, ctx);
  });

  it('prices from the table per model; config overrides them', () => {
    expect(provider.capabilities.usdFor({ seconds: 10, size: '1280x720' })).toBeCloseTo(1.2);
    expect(provider.capabilities.usdFor({ seconds: 8, size: '1280x720', model: 'veo3.1' })).toBeCloseTo(3.2);
    const custom = createRunwayProvider({ models: { 'gen4.5': { perSecond: 0.1 } } });
    expect(custom.capabilities.usdFor({ seconds: 5, size: '1280x720' })).toBeCloseTo(0.5);
  });
});
