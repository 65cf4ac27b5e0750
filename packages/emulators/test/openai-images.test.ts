import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '../src/index.js';

describe('the OpenAI emulator’s Images API answers as OpenAI does', () => {
  let emu: OpenAIVideosEmulator;
  beforeAll(async () => {
    emu = await startOpenAIVideosEmulator({ blockedWords: ['gore'], exhaustedApiKeys: ['sk-broke'] });
  });
  afterAll(() => emu.close());
  const post = async (body: unknown, key = emu.apiKey) => {
    const res = await fetch(`${emu.baseUrl}/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
  };
  const ok = { model: 'gpt-image-1.5', prompt: 'a boat' };

  it('400 invalid_value naming the param for a size, quality or format the model does not take', async () => {
    for (const [param, value] of [
      ['size', '1280x720'],
      ['quality', 'ultra'],
      ['output_format', 'gif'],
    ] as const) {
      const r = await post({ ...ok, [param]: value });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', param, code: 'invalid_value' });
    }
    expect((await post({ ...ok, model: 'gpt-image-2', size: '1000x1000' })).body.error.param).toBe('size');
    expect((await post({ model: 'gpt-image-1.5' })).body.error.code).toBe('missing_required_parameter');
  });

  it('404 model_not_found for a shut-down model; moderation_blocked; 401 and insufficient_quota by key', async () => {
    const gone = await post({ ...ok, model: 'gpt-image-1' });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'model_not_found']);
    const refused = await post({ ...ok, prompt: 'gore' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      type: 'image_generation_user_error',
      code: 'moderation_blocked',
    });
    expect((await post(ok, 'sk-wrong')).body.error.code).toBe('invalid_api_key');
    const broke = await post(ok, 'sk-broke');
    expect([broke.status, broke.body.error.code]).toEqual([429, 'insufficient_quota']);
    expect(emu.images.stats.generations).toBe(0);
  });
});
