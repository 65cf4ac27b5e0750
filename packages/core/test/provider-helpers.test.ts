import { describe, expect, it } from 'vitest';
import {
  apiKeyOf,
  apiKeyStatus,
  aspectsOfSizes,
  ConfigError,
  catalogueLookup,
  cutPrompt,
  type Decision,
  endpointOf,
  hostOfUrl,
  InputError,
  parseSize,
  referencesWithin,
  snapDuration,
  startImageOnly,
  validateSize,
  vendorAccess,
  vendorCall,
  vendorConnection,
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

  it('aspectsOfSizes names each shape once', () => {
    expect(aspectsOfSizes(['1280x720', '1920x1080', '720x1280', '960x960'])).toEqual(['16:9', '9:16', '1:1']);
  });

  it('cutPrompt leaves a short prompt alone and records a cut', () => {
    const recorded: Array<Omit<Decision, 'at'>> = [];
    const warned: string[] = [];
    const ctx = {
      decisions: { record: (d: Omit<Decision, 'at'>) => void recorded.push(d) },
      logger: { warn: (_: unknown, msg: string) => void warned.push(msg) } as never,
    };
    expect(cutPrompt('short', 10, 'p m', ctx, { model: 'm' })).toBe('short');
    expect(cutPrompt('a'.repeat(12), 10, 'p m', ctx, { shotId: 's1', model: 'm' })).toBe('a'.repeat(10));
    expect(warned).toEqual(['prompt cut from 12 to the 10 characters p m takes']);
    expect(recorded).toEqual([
      { role: 'prompt-cut', summary: warned[0], shotId: 's1', model: 'm', output: { from: 12, to: 10 } },
    ]);
  });

  it('vendorConnection reads the settings, then the environment, then the defaults', async () => {
    const defaults = { apiKeyEnv: 'P_KEY', baseUrlEnv: 'P_URL', host: 'api.p.com', trimSlash: true };
    const conn = vendorConnection('p', {}, defaults);
    const env = { P_KEY: 'k', P_URL: 'http://localhost:9/v1//' };
    expect(conn.endpoint({ env })).toBe('http://localhost:9/v1');
    expect(conn.hostOf({ env })).toBe('localhost:9');
    expect(conn.hostOf({ env: {} })).toBe('api.p.com');
    expect(conn.apiKey({ env })).toBe('k');
    expect(() => conn.apiKey({ env: {} })).toThrow(ConfigError);
    expect(conn.status({ env: {} }).hint).toBe('set P_KEY (and P_URL for a proxy)');
    const own = vendorConnection('p', { apiKeyEnv: 'MY_KEY', baseUrl: 'http://h:1/' }, defaults);
    expect(own.endpoint({ env })).toBe('http://h:1');
    const call = vendorCall(own, (err, ref) => new Error(`${(err as Error).message} ${JSON.stringify(ref)}`));
    await expect(call('doing it', { env }, undefined, () => Promise.reject(new Error('no')))).rejects.toThrow(
      'no {"what":"doing it","host":"h:1","apiKeyEnv":"MY_KEY"}',
    );
    expect(await call('doing it', { env }, 'm', async () => 3)).toBe(3);
  });

  it('vendorAccess makes the client with the key and base URL, and maps what its calls throw', async () => {
    const defaults = { apiKeyEnv: 'P_KEY', baseUrlEnv: 'P_URL', host: 'api.p.com' };
    const { conn, client, call } = vendorAccess(
      'p',
      {},
      defaults,
      (err, ref) => new Error(`${(err as Error).message} at ${ref.host}`),
      (apiKey, baseUrl, timeoutMs = 5) => ({ apiKey, baseUrl, timeoutMs }),
    );
    const env = { P_KEY: 'k', P_URL: 'http://localhost:9' };
    expect(conn.apiKeyEnv).toBe('P_KEY');
    expect(client({ env })).toEqual({ apiKey: 'k', baseUrl: 'http://localhost:9', timeoutMs: 5 });
    expect(client({ env }, 7).timeoutMs).toBe(7);
    expect(() => client({ env: {} })).toThrow(/P_KEY/);
    await expect(call('x', { env }, undefined, () => Promise.reject(new Error('no')))).rejects.toThrow(
      'no at localhost:9',
    );
  });

  it('referencesWithin and startImageOnly refuse what a model cannot take', () => {
    expect(referencesWithin({}, 0, 'p m')).toEqual([]);
    expect(referencesWithin({ referenceImagePaths: ['a'] }, 2, 'p m')).toEqual(['a']);
    expect(() => referencesWithin({ referenceImagePaths: ['a', 'b'] }, 1, 'p m')).toThrow(
      'p m takes at most 1 reference images, not 2',
    );
    expect(() => referencesWithin({ referenceImagePaths: ['a'] }, 0, 'p m', 'p m takes none')).toThrow(
      'p m takes none',
    );
    expect(() => startImageOnly({ imagePath: 'a.png' }, 'p m', true)).not.toThrow();
    expect(() => startImageOnly({ imagePath: 'a.png' }, 'p m', false)).toThrow(
      'p m cannot start from an image',
    );
    expect(() => startImageOnly({ lastFramePath: 'b.png' }, 'p m', true)).toThrow(
      'p m takes no last frame or reference images here',
    );
  });
});
