import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ProviderError, silentLogger } from '@beatframe/core';
import {
  errorOf,
  makeTestStill,
  type OpenAIVideosEmulator,
  startOpenAIVideosEmulator,
} from '@beatframe/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIImageProvider, image } from '../src/index.js';

describe('openai images against the emulator', () => {
  let emu: OpenAIVideosEmulator;
  let dir: string;
  let ctx: { logger: ReturnType<typeof silentLogger>; env: Record<string, string> };
  beforeAll(async () => {
    emu = await startOpenAIVideosEmulator({ blockedWords: ['gore'] });
    dir = mkdtempSync(join(tmpdir(), 'bf-openai-images-'));
    ctx = { logger: silentLogger(), env: { OPENAI_API_KEY: emu.apiKey, OPENAI_BASE_URL: emu.baseUrl } };
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a misspelt image setting at once, and ignores the Videos API settings beside it', () => {
    expect(() => image({ imageQualty: 'low' })).toThrow(ConfigError);
    expect(() => image({ imageQuality: 'best' })).toThrow(/imageQuality/);
    expect(
      image({ models: ['sora-2'], prices: {}, imageModel: 'gpt-image-1-mini' }).capabilities.models[0],
    ).toBe('gpt-image-1-mini');
  });

  it('sends references as image[] uploads with the model’s input fidelity, at the quality it prices', async () => {
    const p = createOpenAIImageProvider({ imageQuality: 'high' });
    const ref = await makeTestStill(join(dir, 'artist.jpg'), '64x96');
    const still = await p.generate(
      { prompt: 'the artist on a rooftop', size: '720x1280', referenceImagePaths: [ref] },
      join(dir, 'edit.png'),
      ctx,
    );
    const sent = emu.images.requests.at(-1)!;
    expect(sent).toMatchObject({
      route: 'edits',
      model: 'gpt-image-1.5',
      size: '1024x1536',
      quality: 'high',
    });
    expect(sent.input_fidelity).toBe('high');
    expect(sent.images.map((i) => [i.filename, i.contentType])).toEqual([['artist.jpg', 'image/jpeg']]);
    expect([still.width, still.height]).toEqual([1024, 1536]);
    expect(still.costUsd).toBeCloseTo(0.2 + 0.033, 6);
  });

  it('gpt-image-2 makes a true 16:9 frame', async () => {
    const p = createOpenAIImageProvider({ imageModel: 'gpt-image-2', imageQuality: 'low' });
    const still = await p.generate(
      { prompt: 'a harbour at dawn', size: '1920x1080' },
      join(dir, 'wide.png'),
      ctx,
    );
    expect([still.width, still.height]).toEqual([1536, 864]);
    expect(emu.images.requests.at(-1)?.input_fidelity).toBeUndefined();
  });

  it('a prompt the safety system refuses is content-policy; a shut-down model is retired', async () => {
    const p = createOpenAIImageProvider({ imageModels: { 'gpt-image-1': {} } });
    const refused = await errorOf(p.generate({ prompt: 'gore', size: '1024x1024' }, join(dir, 'x.png'), ctx));
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused?.kind).toBe('content-policy');
    const gone = await errorOf(
      p.generate({ prompt: 'a field', size: '1024x1024', model: 'gpt-image-1' }, join(dir, 'y.png'), ctx),
    );
    expect(gone?.kind).toBe('retired');
    expect(gone?.message).toContain('gpt-image-1.5');
  });
});
