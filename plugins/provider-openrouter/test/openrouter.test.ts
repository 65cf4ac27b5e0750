import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderError } from '@beatframe/core';
import { makeTestStill, type OpenRouterEmulator, startOpenRouterEmulator } from '@beatframe/emulators';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterProvider } from '../src/index.js';

let emu: OpenRouterEmulator;
const dir = mkdtempSync(join(tmpdir(), 'bf-openrouter-test-'));
const env: Record<string, string | undefined> = {};
const ctx = () => recordingContext(env);

beforeAll(async () => {
  emu = await startOpenRouterEmulator({ latencyMs: 300, fps: 8 });
  env.OPENROUTER_API_KEY = emu.apiKey;
  env.OPENROUTER_BASE_URL = emu.baseUrl;
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openrouter', () => {
  it("fits each request to the model's entry in the live listing, not to a hard-coded table", async () => {
    const wan = emu.listing.find((m) => m.id === 'alibaba/wan-2.6')!;
    wan.supported_durations = [3, 9];
    try {
      const p = createOpenRouterProvider({ listingTtlMs: 0 });
      const c = ctx();
      const ref = await p.submit({ prompt: 'koi', seconds: 5, size: '1280x720' }, c);
      expect(ref.seconds).toBe(3);
      expect(c.recorded.find((d) => d.role === 'duration-snap')?.summary).toMatch(/5s to 3s .*offers 3, 9s/);
      expect(emu.requests.at(-1)).toMatchObject({
        model: 'alibaba/wan-2.6',
        duration: 3,
        resolution: '720p',
        aspect_ratio: '16:9',
        generate_audio: false,
      });
      const sora = await p.submit(
        { prompt: 'koi', seconds: 4, size: '720x1280', model: 'openai/sora-2-pro' },
        c,
      );
      expect(emu.requests.at(-1)).toMatchObject({ model: 'openai/sora-2-pro', size: '720x1280' });
      expect(emu.requests.at(-1)?.resolution).toBeUndefined();
      expect(sora.data.pollingUrl).toBe(`/api/v1/videos/${sora.jobId}`);
      const err = (await p
        .submit({ prompt: 'koi', seconds: 4, size: '1280x720', model: 'acme/video-9' }, c)
        .catch((e) => e)) as ProviderError;
      expect(err.kind).toBe('retired');
      expect(err.message).toMatch(/lists no video model acme\/video-9 \(it lists alibaba\/wan-2.6, /);
    } finally {
      wan.supported_durations = [5, 10, 15];
    }
  });

  it('sends start and end frames only to models that take them, and records what OpenRouter charged', async () => {
    const p = createOpenRouterProvider();
    const c = ctx();
    const still = await makeTestStill(join(dir, 'still.png'));
    await expect(
      p.submit({ prompt: 'x', seconds: 5, size: '1280x720', imagePath: still, lastFramePath: still }, c),
    ).rejects.toThrow(/cannot end on a given last frame/);
    const ref = await p.submit(
      {
        prompt: 'a dancer lands',
        seconds: 5,
        size: '854x480',
        model: 'bytedance/seedance-1.5-pro',
        imagePath: still,
        lastFramePath: still,
      },
      c,
    );
    const frames = emu.requests.at(-1)?.frame_images as Array<{
      frame_type: string;
      image_url: { url: string };
    }>;
    expect(frames.map((f) => f.frame_type)).toEqual(['first_frame', 'last_frame']);
    expect(frames[0]?.image_url.url).toMatch(/^data:image\/png;base64,/);
    expect((await pollUntilSettled(p, ref, c, { intervalMs: 50, timeoutMs: 60_000 })).state).toBe('done');
    const clip = await p.download(ref, join(dir, 'seedance.mp4'), c);
    expect(clip.costUsd).toBe(0.25);
    expect(clip.width).toBe(854);
  });

  it('a settings typo is a one-line configuration error', () => {
    expect(() => createOpenRouterProvider({ modle: 'x' })).toThrow(
      /^unknown setting providers\.openrouter\.modle; known: .*model/,
    );
  });
});
