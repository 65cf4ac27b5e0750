import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ProviderError, silentLogger, UsageError } from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import {
  generateClip,
  getImageProvider,
  getProvider,
  getRenderer,
  imageProviderNames,
  lastFrameOf,
  listProviders,
  listRenderers,
  loadProviderPlugins,
  providerNames,
  withProviderRetries,
} from '../src/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'bf-registry-'));
const config = { dataDir, providers: {}, renderers: {} };
const ctx = (env: Record<string, string | undefined>) => ({ logger: silentLogger(), env });

describe('provider registry', () => {
  it('knows the shipped providers by name and alias', () => {
    expect(providerNames()).toEqual(expect.arrayContaining(['local', 'manual', 'openai-videos']));
    expect(getProvider('sora', config).name).toBe('openai-videos');
    expect(getProvider('LOCAL', config).name).toBe('local');
    expect(listProviders(config).map((p) => p.name)).toEqual(providerNames());
  });

  it("offers the image models of local, OpenAI, Google and fal, set up from their providers' config sections", () => {
    expect(imageProviderNames()).toEqual(expect.arrayContaining(['local', 'openai-videos', 'veo', 'fal']));
    const withImages = {
      ...config,
      providers: { 'openai-videos': { imageModel: 'gpt-image-1-mini' }, fal: { imageModel: 'flux-dev' } },
    };
    expect(getImageProvider('openai', withImages).capabilities.models[0]).toBe('gpt-image-1-mini');
    expect(getImageProvider('fal', withImages).capabilities.models[0]).toBe('flux-dev');
    expect(() => getImageProvider('fal', { ...config, providers: { fal: { imageModle: 'x' } } })).toThrow(
      ConfigError,
    );
    expect(() => getImageProvider('runway', config)).toThrow(UsageError);
  });

  it('an unknown name is a usage error listing the known ones', () => {
    expect(() => getProvider('veo9', config)).toThrow(UsageError);
    expect(() => getProvider('veo9', config)).toThrow(
      /unknown provider "veo9"; known: local \(offline, motion-graphics\), manual/,
    );
  });

  it('hands each provider its settings from the config', () => {
    const manual = getProvider('manual', { ...config, providers: { manual: { dir: dataDir } } });
    expect(manual.status(ctx({})).configured).toBe(true);
    expect(getProvider('manual', config).status(ctx({})).configured).toBe(false);
    const gw = getProvider('openai-videos', {
      ...config,
      providers: { 'openai-videos': { models: ['wan-2.2'] } },
    });
    expect(gw.capabilities.models).toEqual(['wan-2.2']);
  });

  it('loads an extra plugin package named in config.plugins', async () => {
    const file = join(dataDir, 'beatframe-provider-fake.mjs');
    writeFileSync(
      file,
      `export default (settings) => ({ name: 'fake', aliases: ['pretend'], description: 'a fake provider for tests', settings,
        capabilities: { durations: [5], sizes: ['640x360'], aspects: ['16:9'], imageToVideo: false, remix: false, maxPromptChars: 100,
          models: ['f1'], audio: false, usdFor: () => 0, concurrency: 1, rpm: 1 },
        status: () => ({ configured: true }), submit: async () => { throw new Error('no'); }, poll: async () => ({ state: 'queued' }),
        download: async () => { throw new Error('no'); } });`,
    );
    expect(await loadProviderPlugins({ ...config, plugins: [file] })).toEqual(['fake']);
    const fake = getProvider('pretend', { ...config, providers: { fake: { level: 3 } } }) as unknown as {
      name: string;
      settings: unknown;
    };
    expect(fake.name).toBe('fake');
    expect(fake.settings).toEqual({ level: 3 });
    await expect(
      loadProviderPlugins({ ...config, plugins: ['@nobody/no-such-plugin'] }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('renderer registry', () => {
  it('answers unknown names with a usage error', () => {
    expect(() => getRenderer('nope', config)).toThrow(UsageError);
    expect(Array.isArray(listRenderers(config))).toBe(true);
  });
});

describe('generateClip', () => {
  it('submits, reports the reference before polling, and downloads a real clip', async () => {
    const local = getProvider('local', config);
    const seen: string[] = [];
    const { clip, ref } = await generateClip(
      local,
      { prompt: 'teal pulse', seconds: 1, size: '320x180', shotId: 'g1' },
      join(dataDir, 'g1.mp4'),
      ctx({}),
      {
        pollMs: 50,
        onSubmitted: (r) => void seen.push(`submitted ${r.jobId}`),
        onStatus: (s) => void seen.push(s.state),
      },
    );
    expect(seen[0]).toBe(`submitted ${ref.jobId}`);
    expect(seen.at(-1)).toBe('done');
    expect(clip).toMatchObject({ shotId: 'g1', width: 320, height: 180 });
    const still = await lastFrameOf(clip.path, join(dataDir, 'g1-last.png'));
    expect((await probeMedia(still)).video).toMatchObject({ width: 320, height: 180 });
    // Resuming a finished-and-downloaded job does not submit again.
    const again = await generateClip(
      local,
      { prompt: 'teal pulse', seconds: 1, size: '320x180' },
      join(dataDir, 'g1.mp4'),
      ctx({}),
      {
        resumeFrom: ref,
        onSubmitted: () => {
          throw new Error('must not submit');
        },
      },
    );
    expect(again.ref.jobId).toBe(ref.jobId);
  });

  it('retries retryable errors after Retry-After, and gives up on others at once', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withProviderRetries(
      'x',
      async () => {
        calls++;
        if (calls < 3) throw new ProviderError('retryable', 'busy', { retryAfterSec: 0.01 });
        return 'ok';
      },
      { onRetry: (_w, _e, s) => void waits.push(s) },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([0.01, 0.01]);
    calls = 0;
    await expect(
      withProviderRetries('x', async () => {
        calls++;
        throw new ProviderError('content-policy', 'refused');
      }),
    ).rejects.toMatchObject({ kind: 'content-policy' });
    expect(calls).toBe(1);
  });
});

describe('plugin settings', () => {
  it("refuses an unknown or invalid key in a plugin's config section on one line naming the plugin and the key", () => {
    const withTypo = { ...config, providers: { fal: { modle: 'kling-2.5-turbo-pro' } } };
    expect(() => getProvider('fal', withTypo)).toThrow(ConfigError);
    expect(() => getProvider('fal', withTypo)).toThrow(
      /^unknown setting providers\.fal\.modle; known: .*model/,
    );
    const badValue = { ...config, providers: { local: { fps: 'fast' } } };
    expect(() => getProvider('local', badValue)).toThrow(/^invalid setting providers\.local\.fps: /);
    const renderers = { dataDir, renderers: { ffmpeg: { crf: 18, presett: 'fast' } } };
    expect(() => getRenderer('ffmpeg', renderers)).toThrow(/^unknown setting renderers\.ffmpeg\.presett/);
    // The keys the pipeline reads from any section (limits, polling) are known to every plugin.
    const limits = { ...config, providers: { fal: { concurrency: 2, rpm: 30, pollIntervalMs: 2000 } } };
    expect(getProvider('fal', limits).name).toBe('fal');
  });
});
