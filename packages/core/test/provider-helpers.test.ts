import { describe, expect, it } from 'vitest';
import {
  apiKeyOf,
  apiKeyStatus,
  ConfigError,
  catalogueLookup,
  type Decision,
  endpointOf,
  hostOfUrl,
  InputError,
  parseSize,
  snapDuration,
  validateSize,
} from '../src/index.js';

describe('provider helpers', () => {
  it('snapDuration picks the nearest allowed length, ties going longer, and records the change', () => {
    const recorded: Array<Omit<Decision, 'at'>> = [];
    const decisions = { record: (d: Omit<Decision, 'at'>) => void recorded.push(d) };
    expect(snapDuration(5, [4, 8, 12], { decisions, provider: 'p', shotId: 's1' })).toBe(4);
    expect(snapDuration(6, [4, 8, 12], { decisions })).toBe(8);
    expect(snapDuration(30, [4, 8, 12], { decisions })).toBe(12);
    expect(snapDuration(8, [4, 8, 12], { decisions })).toBe(8);
    expect(snapDuration(3.3, [], { decisions })).toBe(3.3);
    expect(recorded).toHaveLength(3);
    expect(recorded[0]).toMatchObject({
      role: 'duration-snap',
      shotId: 's1',
      summary: 'snapped clip length 5s to 4s (p offers 4, 8, 12s)',
    });
    expect(() => snapDuration(0, [4])).toThrow(InputError);
  });

  it('validateSize normalises and lists the allowed sizes when it refuses one', () => {
    expect(validateSize(' 1280X720 ', ['1280x720'])).toBe('1280x720');
    expect(validateSize('333x777', [])).toBe('333x777');
    expect(() => validateSize('640x480', ['1280x720', '720x1280'], 'sora')).toThrow(
      'sora cannot make 640x480 clips; allowed sizes: 1280x720, 720x1280',
    );
    expect(() => validateSize('big', ['1280x720'])).toThrow(InputError);
    expect(parseSize('1920x1080')).toEqual({ width: 1920, height: 1080 });
  });

  it('catalogueLookup lists the default first and names the known models when one is missing', () => {
    const { models, modelOf } = catalogueLookup('p', { a: 1, b: 2, c: 3 }, 'b', 'providers.p.models');
    expect(models).toEqual(['b', 'a', 'c']);
    expect(modelOf(undefined)).toEqual(['b', 2]);
    expect(modelOf('c')).toEqual(['c', 3]);
    expect(() => modelOf('z')).toThrow(
      new InputError('p does not know model z; known: b, a, c (add it under providers.p.models)'),
    );
  });

  it('resolves the endpoint, its host, the API key and the status hint from settings and environment', () => {
    expect(endpointOf('http://a:1', 'P_URL', { P_URL: 'http://b:2' })).toBe('http://a:1');
    expect(endpointOf(undefined, 'P_URL', { P_URL: 'http://b:2' })).toBe('http://b:2');
    expect(endpointOf(undefined, 'P_URL', {})).toBeUndefined();
    expect(hostOfUrl('http://127.0.0.1:9/v1', 'x.example')).toBe('127.0.0.1:9');
    expect(hostOfUrl(undefined, 'x.example')).toBe('x.example');
    expect(hostOfUrl('not a url', 'x.example')).toBe('not a url');
    expect(apiKeyOf('p', 'P_KEY', { P_KEY: 'k' })).toBe('k');
    expect(() => apiKeyOf('p', 'P_KEY', {})).toThrow(
      new ConfigError('p needs an API key: set the environment variable P_KEY'),
    );
    expect(apiKeyStatus('P_KEY', 'P_URL', { P_KEY: 'k' })).toEqual({ configured: true });
    expect(apiKeyStatus('P_KEY', 'P_URL', {})).toEqual({
      configured: false,
      hint: 'set P_KEY (and P_URL for a proxy)',
    });
    expect(apiKeyStatus('P_KEY', 'P_URL', {}, 'a gateway').hint).toBe('set P_KEY (and P_URL for a gateway)');
  });
});
