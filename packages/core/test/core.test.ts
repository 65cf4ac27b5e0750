import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createLogger,
  digestOf,
  frameSize,
  loadConfig,
  ProviderError,
  parseRetryAfter,
  providerErrorKindForStatus,
  scrubSecrets,
  Timeline,
  toVendorError,
  userMessage,
  type VendorVoice,
  vendorError,
  writeFileAtomic,
} from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts secret values wherever they appear, and secret fields by name', () => {
    const { lines, stream } = capture();
    const env = { OPENAI_API_KEY: 'sk-test-1234567890', DATABASE_URL: 'postgres://u:hunter22@db/x' };
    const log = createLogger({ destination: stream, env, bindings: { projectId: 'p1' } });
    log.info(
      { url: 'https://x/?k=sk-test-1234567890', apiKey: 'whatever', nested: { token: 'abc' } },
      'calling with sk-test-1234567890',
    );
    log.info({ db: 'postgres://u:hunter22@db/x' }, 'db');
    const text = lines.join('');
    expect(text).not.toContain('sk-test-1234567890');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('whatever');
    const first = JSON.parse(lines[0]!);
    expect(first.projectId).toBe('p1');
    expect(first.msg).toBe('calling with [redacted]');
  });

  it('scrubs credentials embedded in URLs even when not in the environment', () => {
    expect(scrubSecrets({ u: 'https://bob:pa55word@host/x' }, [])).toEqual({
      u: 'https://bob:[redacted]@host/x',
    });
  });
});

describe('config', () => {
  it('refuses a config file that holds a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-'));
    writeFileSync(
      join(dir, 'beatframe.config.json'),
      JSON.stringify({ providers: { veo: { apiKey: 'x' } } }),
    );
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(ConfigError);
  });
  it('environment wins over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-'));
    writeFileSync(
      join(dir, 'beatframe.config.json'),
      JSON.stringify({ dataDir: 'from-file', defaults: { aspect: '9:16' } }),
    );
    const cfg = loadConfig({ cwd: dir, env: { BEATFRAME_DATA_DIR: '/tmp/bf-env' } });
    expect(cfg.dataDir).toBe('/tmp/bf-env');
    expect(cfg.defaults.aspect).toBe('9:16');
    expect(loadConfig({ cwd: dir, env: {} }).dataDir).toBe(join(dir, 'from-file'));
  });
  it('rejects invalid values with a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-'));
    writeFileSync(join(dir, 'beatframe.config.json'), JSON.stringify({ defaults: { aspect: '4:3' } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/defaults\.aspect/);
  });
});

describe('errors', () => {
  it('classifies HTTP statuses and Retry-After', () => {
    expect(providerErrorKindForStatus(429)).toBe('retryable');
    expect(providerErrorKindForStatus(503)).toBe('retryable');
    expect(providerErrorKindForStatus(401)).toBe('auth');
    expect(providerErrorKindForStatus(400)).toBe('fatal');
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3);
    const e = new ProviderError('retryable', 'slow down', { retryAfterSec: 3 });
    expect(ProviderError.fromInfo(e.toInfo()).retryAfterSec).toBe(3);
  });
  it('turns zod errors into one line', () => {
    const r = Timeline.safeParse({ version: 1 });
    expect(r.success).toBe(false);
    expect(userMessage(r.error)).toMatch(/^invalid data at /);
  });
  it('words a vendor failure of each kind the same for every vendor', () => {
    const voice: VendorVoice = { name: 'Acme', alternatives: '--provider local' };
    const step = { what: 'starting the job', model: 'm-1', host: 'api.acme.test', apiKeyEnv: 'ACME_KEY' };
    const of = (kind: ProviderError['kind'], retryAfterSec?: number) =>
      vendorError(voice, step, { kind, tag: '4xx', detail: 'why', code: 'C', retryAfterSec }, undefined);
    expect(of('auth').message).toBe('Acme refused the key (4xx): check ACME_KEY');
    expect(of('quota').message).toBe('the Acme account is out of credit (4xx): why');
    expect(of('content-policy').message).toBe("Acme's moderation refused the request: why");
    expect(of('retired').message).toBe(
      'Acme does not serve model m-1 at api.acme.test (4xx: why): it may be retired or renamed; switch with --provider local',
    );
    expect(of('retryable', 4).message).toBe('starting the job failed (4xx): why');
    expect(of('retryable', 4).retryAfterSec).toBe(4);
    expect(of('fatal', 4).retryAfterSec).toBeUndefined();
    expect(of('fatal').providerCode).toBe('C');
  });
  it('maps what a vendor SDK threw: known errors pass, an unreachable host is retryable', () => {
    const voice: VendorVoice = { name: 'Acme', alternatives: '--provider local' };
    const step = { what: 'polling', host: 'api.acme.test', apiKeyEnv: 'ACME_KEY' };
    const known = new ProviderError('fatal', 'already classified');
    expect(toVendorError(known, voice, step, () => undefined)).toBe(known);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toVendorError(abort, voice, step, () => undefined).message).toBe('cancelled');
    const down = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const err = toVendorError(down, voice, step, () => undefined) as ProviderError;
    expect([err.kind, err.message]).toEqual([
      'retryable',
      'polling: cannot reach api.acme.test (connect ECONNREFUSED)',
    ]);
    const read = () => ({ kind: 'auth' as const, tag: '401', detail: '' });
    expect((toVendorError(new Error('x'), voice, step, read) as ProviderError).kind).toBe('auth');
    const other = new Error('something else');
    expect(toVendorError(other, voice, step, () => undefined)).toBe(other);
  });
});

describe('utilities', () => {
  it('digests are independent of key order', () => {
    expect(digestOf({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(digestOf({ b: [1, { d: 3, c: 2 }], a: 1 }));
  });
  it('frame sizes follow aspect and resolution', () => {
    expect(frameSize('16:9')).toEqual({ width: 1280, height: 720 });
    expect(frameSize('9:16', '1080p')).toEqual({ width: 1080, height: 1920 });
    expect(frameSize('1:1')).toEqual({ width: 720, height: 720 });
  });
  it('writes files atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-'));
    await writeFileAtomic(join(dir, 'a', 'b.json'), '{"x":1}');
    expect(readFileSync(join(dir, 'a', 'b.json'), 'utf8')).toBe('{"x":1}');
  });
});
