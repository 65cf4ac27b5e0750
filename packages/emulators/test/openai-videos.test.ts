import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '../src/index.js';

let emu: OpenAIVideosEmulator;
beforeAll(async () => {
  emu = await startOpenAIVideosEmulator({ latencyMs: 200, blockedWords: ['forbidden'] });
});
afterAll(() => emu.close());

const call = (path: string, init: RequestInit = {}, key = emu.apiKey) =>
  fetch(`${emu.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

describe('OpenAI Videos emulator, spoken to over plain HTTP', () => {
  it('answers a wrong key with 401 and OpenAI’s error body, without echoing the key', async () => {
    const res = await call('/videos/video_x', {}, 'sk-not-the-right-one-9999');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
    expect(body.error.message).not.toContain('sk-not-the-right-one-9999');
  });

  it('accepts a JSON create, validates seconds, size and moderation', async () => {
    const ok = await call('/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'x', seconds: '8', size: '720x1280' }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      object: 'video',
      status: 'queued',
      seconds: '8',
      size: '720x1280',
      model: 'sora-2',
    });
    const badSeconds = await call('/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'x', seconds: '5' }),
    });
    expect(badSeconds.status).toBe(400);
    expect(((await badSeconds.json()) as { error: { param: string } }).error.param).toBe('seconds');
    const blocked = await call('/videos', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a forbidden thing' }),
    });
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('moderation_blocked');
  });

  it('serves injected faults with Retry-After, then recovers', async () => {
    emu.failNext('list', { status: 503, retryAfter: 2 }, 2);
    for (let i = 0; i < 2; i++) {
      const res = await call('/videos');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
    }
    expect((await call('/videos')).status).toBe(200);
  });
});
