import { ProjectOptions, silentLogger, type VideoProvider } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { buySeconds, clipRequestOf, shotSeed } from '../src/clip-request.js';
import { validateProjectRequest } from '../src/validate-request.js';

function provider(name: string, durations: number[], aspects: VideoProvider['capabilities']['aspects']) {
  return {
    name,
    description: name,
    capabilities: {
      durations,
      sizes: ['1280x720', '720x1280'],
      aspects,
      imageToVideo: false,
      remix: false,
      maxPromptChars: 1000,
      models: [],
      audio: false,
      usdFor: (r: { seconds: number }) => r.seconds * 0.1,
      concurrency: 1,
      rpm: 10,
    },
    status: () => ({ configured: true }),
  } as unknown as VideoProvider;
}

const shot = (start: number, end: number, clipSeconds?: number) => ({
  id: 's2',
  sceneId: 'x',
  index: 1,
  start,
  end,
  description: 'a paper boat',
  mood: 'calm',
  energy: 0.5,
  ...(clipSeconds ? { clipSeconds } : {}),
});

describe('buying clip lengths', () => {
  it('buys the shortest length that fills the slot with a small slow-down, not the next step up', () => {
    expect(buySeconds(4.001, [4, 6, 8])).toBe(4);
    expect(buySeconds(4.8, [4, 6, 8])).toBe(6);
    expect(buySeconds(5.5, [5, 10])).toBe(5);
    expect(buySeconds(6.3, [5, 10])).toBe(10);
    expect(buySeconds(30, [4, 6, 8])).toBe(8);
  });

  it('bought seconds stay within one model step of the slot, for any slot', () => {
    for (const durations of [
      [4, 6, 8],
      [5, 10],
      [4, 8, 12],
    ])
      for (let slot = 0.5; slot <= Math.max(...durations); slot += 0.137) {
        const bought = buySeconds(slot, durations);
        const step = Math.max(...durations.map((d, i) => d - (durations[i - 1] ?? 0)));
        expect(bought).toBeLessThanOrEqual(slot + step + 1e-9);
        expect(bought).toBeGreaterThanOrEqual(slot * 0.85 - 1e-9);
      }
  });

  it("a crew's over-long clip is cut to what the slot needs; the negative prompt and a per-attempt seed go along", () => {
    const options = ProjectOptions.parse({});
    const storyboard = { styleBible: { avoid: ['on-screen text', 'logos'] } } as never;
    const fal = provider('fal', [5, 10], ['16:9']);
    const row = { id: 's2', projectId: 'p1', attempt: 1, shot: shot(0, 6.3, 10), prompt: 'a paper boat' };
    const req = clipRequestOf(fal, options, row, { storyboard });
    expect(req).toMatchObject({
      seconds: 10,
      negativePrompt: 'on-screen text, logos',
      seed: shotSeed('p1', 's2', 1),
    });
    expect(clipRequestOf(fal, options, { ...row, shot: shot(0, 4.2, 10) }).seconds).toBe(5);
    expect(clipRequestOf(fal, options, { ...row, attempt: 2 }).seed).not.toBe(req.seed);
    // Veo's API takes no seed (its capabilities say so): sending one would only pretend a retake differs.
    const veo = provider('veo', [4, 6, 8], ['16:9']);
    veo.capabilities.seeds = false;
    expect(clipRequestOf(veo, options, row).seed).toBeUndefined();
  });
});

describe('aspect ratios at create', () => {
  it('a model that cannot make the asked shape is refused with one line, before anything is stored', async () => {
    const ctx = {
      config: {} as never,
      deps: {} as never,
      env: {},
      logger: silentLogger(),
      provider: async () => provider('runway', [5, 10], ['16:9', '9:16']),
      approveAny: 1e12,
    };
    const options = ProjectOptions.parse({ provider: 'runway', aspect: '1:1' });
    await expect(validateProjectRequest(options, {}, ctx)).rejects.toThrow(
      /^runway cannot make 1:1 video \(it makes 16:9, 9:16\): choose --aspect 16:9 or a provider that makes 1:1$/,
    );
  });
});
