import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError, silentLogger } from '@beatframe/core';
import { errorOf, type FalEmulator, makeTestStill, startFalEmulator } from '@beatframe/emulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFalImageProvider, image } from '../src/index.js';

describe('fal images against the emulator', () => {
  let emu: FalEmulator;
  let dir: string;
  let ctx: { logger: ReturnType<typeof silentLogger>; env: Record<string, string> };
  beforeAll(async () => {
    emu = await startFalEmulator({ latencyMs: 100, nsfwWords: ['gore'] });
    dir = mkdtempSync(join(tmpdir(), 'bf-fal-images-'));
    ctx = { logger: silentLogger(), env: { FAL_KEY: emu.apiKey, FAL_BASE_URL: emu.baseUrl } };
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a misspelt image setting at once, and ignores the video settings beside it', () => {
    expect(() => image({ imageModle: 'flux-dev' })).toThrow(ConfigError);
    expect(() => image({ imagePollIntervalMs: -1 })).toThrow(/imagePollIntervalMs/);
    expect(image({ model: 'wan-2.2', imageModel: 'flux-dev' }).capabilities.models[0]).toBe('flux-dev');
  });

  it('FLUX schnell: a 16:9 preset, PNG, the seed sent, priced per megapixel; no references', async () => {
    const p = createFalImageProvider({ imageModel: 'flux-schnell', imagePollIntervalMs: 30 });
    const still = await p.generate(
      { prompt: 'a harbour at dawn', size: '1920x1080', seed: 7 },
      join(dir, 'a.png'),
      ctx,
    );
    expect(emu.inputs.at(-1)).toMatchObject({
      endpoint: 'fal-ai/flux/schnell',
      input: { image_size: 'landscape_16_9', output_format: 'png', seed: 7 },
    });
    expect([still.width, still.height, still.seed, still.costUsd]).toEqual([1024, 576, 7, 0.003]);
    const ref = await makeTestStill(join(dir, 'r.png'), '64x64');
    const err = await errorOf(
      p.generate({ prompt: 'x', size: '1024x1024', referenceImagePaths: [ref] }, join(dir, 'b.png'), ctx),
    );
    expect(err).toBeInstanceOf(InputError);
    expect(err?.message).toContain('seedream-4');
  });

  it('an image FLUX’s safety checker flags (black, has_nsfw_concepts) is content-policy, not a still', async () => {
    const p = createFalImageProvider({ imageModel: 'flux-dev', imagePollIntervalMs: 30 });
    const err = await errorOf(p.generate({ prompt: 'gore', size: '1024x1024' }, join(dir, 'c.png'), ctx));
    expect(err?.kind).toBe('content-policy');
  });
});
