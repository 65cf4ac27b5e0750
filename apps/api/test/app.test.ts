import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { type Beatframe, createBeatframe } from '@beatframe/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/index.js';

// The Hono app without a socket (app.request): CORS, the dashboard's static files, JSON create errors.
const dir = mkdtempSync(join(tmpdir(), 'bf-api-app-'));
let bf: Beatframe;
const web = join(dir, 'web');

beforeAll(async () => {
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
  bf = await createBeatframe({ config, logger: silentLogger(), env: {} });
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>index</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
}, 60_000);
afterAll(async () => {
  await bf?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createApi', () => {
  it('CORS is off unless origins are configured', async () => {
    const off = createApi({ bf });
    const r1 = await off.request('/api/options', { headers: { Origin: 'https://evil.example' } });
    expect(r1.headers.get('access-control-allow-origin')).toBeNull();
    const on = createApi({ bf, cors: ['https://studio.example'], token: 't' });
    const pre = await on.request('/api/projects', {
      method: 'OPTIONS',
      headers: { Origin: 'https://studio.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://studio.example');
    const other = await on.request('/api/options', {
      headers: { Origin: 'https://evil.example', Authorization: 'Bearer t' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the dashboard files, index.html for app routes, nothing outside its folder', async () => {
    const app = createApi({ bf, webDir: web });
    const index = await app.request('/');
    expect(await index.text()).toContain('<title>index</title>');
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const js = await app.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets']) {
      const res = await app.request(path);
      expect(await res.text(), path).toContain('<title>index</title>');
    }
    expect((await app.request('/api/nope')).status).toBe(404);
  });

  it('JSON create: a URL or a Suno id, one of them, and a clear error otherwise', async () => {
    const app = createApi({ bf });
    const post = (body: unknown) =>
      app.request('/api/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const cases: Array<[unknown, RegExp]> = [
      [{}, /give the song as `url` or `sunoId`/],
      [{ url: 'https://x.example/a.mp3', sunoId: 'abc' }, /give the song as `url` or `sunoId`/],
      [{ url: 'not a url' }, /url/],
      [{ url: 'ftp://x.example/a.mp3' }, /http\(s\)/],
      [{ url: 'https://x.example/a.mp3', aspect: '4:3' }, /aspect/],
      ['{not json', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message).toMatch(message);
      expect(error.message.split('\n')).toHaveLength(1);
    }
    expect(await bf.listProjects()).toEqual([]);
  });

  it('refuses cross-site writes and, without a token, foreign Host names (DNS rebinding)', async () => {
    const app = createApi({ bf });
    const fromSite = await app.request('http://127.0.0.1:8787/api/projects', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{"url":"https://x.example/a.mp3"}',
    });
    expect(fromSite.status).toBe(403);
    expect(((await fromSite.json()) as { error: { message: string } }).error.message).toBe(
      'requests from https://evil.example are not allowed',
    );
    const same = await app.request('http://127.0.0.1:8787/api/estimate', {
      method: 'POST',
      headers: { Origin: 'http://127.0.0.1:8787', 'content-type': 'application/json' },
      body: '{"provider":"local","durationSec":5}',
    });
    expect(same.status).toBe(200);
    const rebound = await app.request('http://attacker.example:8787/api/projects');
    expect(rebound.status).toBe(403);
    expect((await app.request('http://localhost:8787/api/projects')).status).toBe(200);
    // With a token the name does not matter (a public server behind a proxy), the token does.
    const withToken = createApi({ bf, token: 't' });
    const named = await withToken.request('http://beatframe.example/api/projects', {
      headers: { Authorization: 'Bearer t' },
    });
    expect(named.status).toBe(200);
  });
});
