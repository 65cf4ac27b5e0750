import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebVideoSite, type WebVideoSite } from '@beatframe/emulators';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const TOKEN = 'attention-test-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
const saved = { ...process.env };
let dir: string;
let site: WebVideoSite;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bf-cli-attention-'));
  site = await startWebVideoSite({ latencyMs: 3000 });
  // The site asks "verify you are human" after the password: only a person can go on.
  site.faults.captcha = 'login';
  const config = join(dir, 'beatframe.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      providers: {
        web: { pacing: { minMs: 0, maxMs: 5 }, seed: 3, timeouts: { stepMs: 10_000, landmarkMs: 15_000 } },
      },
    }),
  );
  Object.assign(process.env, {
    BEATFRAME_DATA_DIR: join(dir, 'data'),
    BEATFRAME_CONFIG: config,
    BEATFRAME_API_TOKEN: TOKEN,
    SORA_BASE_URL: site.baseUrl,
    SORA_EMAIL: site.email,
    SORA_PASSWORD: site.password,
  });
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=5',
    join(dir, 'song.mp3'),
  ]);
});
afterAll(async () => {
  process.env = saved;
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a project that needs a person (web provider meets a captcha)', () => {
  it('pauses with the reason and the screenshot, in the API and in `status`, having submitted nothing', async () => {
    const served = io();
    const running = main(['serve', '--port', '0'], served.io);
    let url = '';
    for (let i = 0; i < 900 && !url; i++) {
      await new Promise((r) => setTimeout(r, 100));
      url = /http:\/\/127\.0\.0\.1:\d+/.exec(served.out.join(''))?.[0] ?? '';
    }
    expect(url, served.err.join('')).not.toBe('');

    const form = new FormData();
    for (const [k, v] of Object.entries({
      provider: 'web',
      crew: 'heuristic',
      renderer: 'ffmpeg',
      maxRounds: '0',
    }))
      form.set(k, v);
    form.set('audio', new Blob([readFileSync(join(dir, 'song.mp3'))], { type: 'audio/mpeg' }), 'song.mp3');
    const created = await fetch(`${url}/api/projects`, { method: 'POST', headers: auth, body: form });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };

    type Detail = {
      status: string;
      reason?: string;
      attention?: { reason: string; screenshotUrl?: string; shotId?: string };
    };
    let detail: Detail | undefined;
    const end = Date.now() + 180_000;
    while (Date.now() < end) {
      detail = (await (await fetch(`${url}/api/projects/${id}`, { headers: auth })).json()) as Detail;
      if (detail.status !== 'running' && detail.status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(detail?.status, JSON.stringify(detail)).toBe('paused');
    expect(detail?.attention?.reason).toMatch(
      /^needs a person: provider web: .*resume when it is dealt with$/,
    );
    expect(detail?.attention?.screenshotUrl).toBe(`/api/projects/${id}/attention/screenshot`);
    // The screenshot is served (a PNG of what the browser met), never as a server path.
    const shot = await fetch(`${url}${detail!.attention!.screenshotUrl}`, { headers: auth });
    expect(shot.status).toBe(200);
    expect([...new Uint8Array(await shot.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(JSON.stringify(detail)).not.toContain(dir);
    // Nothing was paid for or queued at the site: the captcha stops it before the composer.
    expect(site.stats.submissions).toBe(0);

    process.emit('SIGTERM');
    expect(await running).toBe(0);

    const status = io();
    expect(await main(['status', id], status.io)).toBe(0);
    const text = status.out.join('');
    expect(text).toMatch(new RegExp(`^${id} .* paused: needs a person: provider web: `, 'm'));
    expect(text).toMatch(/^what it saw: .*\.png/m);
  }, 300_000);
});
