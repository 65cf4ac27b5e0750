import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'bf-cli-serve-'));
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('beatframe serve', () => {
  it('refuses a non-loopback address without a token; bad port is a one-line error', async () => {
    delete process.env.BEATFRAME_API_TOKEN;
    const t = io();
    expect(await main(['serve', '--host', '0.0.0.0'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/^beatframe: refusing to listen on 0\.0\.0\.0 without a token/);
    const p = io();
    expect(await main(['serve', '--port', 'http'], p.io)).toBe(2);
    expect(p.err.join('')).toBe('beatframe: --port must be a port number (0-65535), not http\n');
  });

  it('serves the API behind the token and stops on SIGTERM', async () => {
    process.env.BEATFRAME_DATA_DIR = join(dir, 'data');
    process.env.BEATFRAME_CONFIG = '';
    process.env.BEATFRAME_API_TOKEN = 'serve-test-token';
    const t = io();
    const running = main(['serve', '--port', '0', '--no-worker'], t.io);
    let url = '';
    for (let i = 0; i < 600 && !url; i++) {
      await new Promise((r) => setTimeout(r, 100));
      url = t.out.join('').trim();
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/api/projects`)).status).toBe(401);
    const ok = await fetch(`${url}/api/projects`, { headers: { Authorization: 'Bearer serve-test-token' } });
    expect(await ok.json()).toEqual({ projects: [] });
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    await expect(fetch(`${url}/api/projects`)).rejects.toThrow();
  }, 90_000);
});
