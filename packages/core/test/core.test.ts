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
  userMessage,
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
