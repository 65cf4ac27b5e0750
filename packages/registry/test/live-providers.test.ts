import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { getProvider, providerNames } from '../src/index.js';

const config = { dataDir: mkdtempSync(join(tmpdir(), 'bf-registry-live-')), providers: {}, renderers: {} };
const ctx = (env: Record<string, string | undefined>) => ({ logger: silentLogger(), env });

describe('the live video model plugins in the registry', () => {
  it('are known by name and alias, and say which key to set', () => {
    expect(providerNames()).toEqual(expect.arrayContaining(['veo', 'fal', 'runway']));
    for (const [alias, name, key] of [
      ['google', 'veo', 'GEMINI_API_KEY'],
      ['kling', 'fal', 'FAL_KEY'],
      ['runwayml', 'runway', 'RUNWAYML_API_SECRET'],
    ] as const) {
      const p = getProvider(alias, config);
      expect(p.name).toBe(name);
      expect(p.status(ctx({}))).toMatchObject({ configured: false, hint: expect.stringContaining(key) });
      expect(p.status(ctx({ [key]: 'k' })).configured).toBe(true);
    }
  });

  it('take their model catalogue and prices from the config', () => {
    const providers = {
      veo: { model: 'veo-3.1-generate-preview', models: { 'veo-3.1-generate-preview': { perSecond: 0.5 } } },
      fal: { model: 'hailuo-02' },
      runway: { models: { 'gen4.5': { perSecond: 0.2 } } },
    };
    const veo = getProvider('veo', { ...config, providers });
    expect(veo.capabilities.models[0]).toBe('veo-3.1-generate-preview');
    expect(veo.capabilities.usdFor({ seconds: 8, size: '1280x720' })).toBeCloseTo(4);
    expect(getProvider('fal', { ...config, providers }).capabilities.sizes).toEqual(['1366x768']);
    expect(
      getProvider('runway', { ...config, providers }).capabilities.usdFor({ seconds: 5, size: '1280x720' }),
    ).toBeCloseTo(1);
  });
});
