// Over 400 lines because it is one suite over one server: the API end to end (uploads, jobs, SSE, files, errors).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { makeSong, readSse, startTestServer, type TestServer } from './support.js';

const TOKEN = 'test-token-0123456789';
let t: TestServer;
let emu: OpenAIVideosEmulator;
let song: Buffer;
const auth = { Authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  emu = await startOpenAIVideosEmulator({ latencyMs: 2000, fps: 4 });
  t = await startTestServer({
    token: TOKEN,
    maxUploadBytes: 2 * 1024 * 1024,
    heartbeatMs: 1000,
    env: { OPENAI_API_KEY: emu.apiKey, OPENAI_BASE_URL: emu.baseUrl },
  });
  await makeSong(join(t.dir, 'song.mp3'), 6);
  song = readFileSync(join(t.dir, 'song.mp3'));
}, 180_000); // PGlite, its migrations and pg-boss start slowly on a loaded 2-core machine
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

function form(
  fields: Record<string, string>,
  file?: { field: string; bytes: Buffer; name: string; type: string },
) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (file) f.set(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return f;
}

const fast = { provider: 'local', crew: 'heuristic', renderer: 'ffmpeg', aspect: '16:9', maxRounds: '0' };

describe('api: security and errors', () => {
  it('401 without the token or with a wrong one, on every /api route', async () => {
    for (const path of ['/api/projects', '/api/openapi.json', '/api/projects/x/video', '/api/events']) {
      const none = await fetch(t.server.url + path);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
      const wrong = await fetch(t.server.url + path, { headers: { Authorization: 'Bearer nope' } });
      expect(wrong.status, path).toBe(401);
    }
    const post = await fetch(`${t.server.url}/api/projects`, { method: 'POST', body: form(fast) });
    expect(post.status).toBe(401);
    expect(await t.bf.listProjects()).toEqual([]);
  });

  it('a session cookie from POST /api/session authenticates like the token', async () => {
    const res = await fetch(`${t.server.url}/api/session`, { method: 'POST', headers: auth });
    expect(res.status).toBe(204);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0] as string;
    expect((await fetch(`${t.server.url}/api/projects`, { headers: { cookie } })).status).toBe(200);
    expect(
      (await fetch(`${t.server.url}/api/projects`, { headers: { cookie: 'beatframe_session=x' } })).status,
    ).toBe(401);
  });

  it('413 on an upload over the limit, before a project exists', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    const res = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(fast, { field: 'audio', bytes: big, name: 'big.mp3', type: 'audio/mpeg' }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than 2 MB/);
    expect(await t.bf.listProjects()).toEqual([]);
  });

  it('413 on a streamed (chunked) upload over the limit; the partial file is removed', async () => {
    const boundary = 'bf-boundary-42';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="big.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        if (sent >= 3 * 1024 * 1024) {
          controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(256 * 1024).fill(1));
        sent += 256 * 1024;
      },
    });
    const res = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await t.bf.listProjects()).toEqual([]);
    const songs = join(t.dir, 'data', 'uploads', 'songs');
    expect(existsSync(songs) ? readdirSync(songs) : []).toEqual([]);
  });

  it('400 with one line for bad input; the file name is never a path', async () => {
    const bad = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(
        { ...fast, aspect: '4:3' },
        { field: 'audio', bytes: song, name: 'a.mp3', type: 'audio/mpeg' },
      ),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/aspect/);
    const badViz = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(
        { ...fast, visualizer: 'sparkles' },
        { field: 'audio', bytes: song, name: 'a.mp3', type: 'audio/mpeg' },
      ),
    });
    expect(badViz.status).toBe(400);
    expect(((await badViz.json()) as { error: { message: string } }).error.message).toMatch(/visualizer/);
    const noAudio = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(fast),
    });
    expect(noAudio.status).toBe(400);
    const notAudio = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(fast, {
        field: 'audio',
        bytes: Buffer.from('not audio at all'),
        name: '../../etc/passwd.mp3',
        type: 'audio/mpeg',
      }),
    });
    expect(notAudio.status).toBe(400);
    const msg = ((await notAudio.json()) as { error: { message: string } }).error.message;
    expect(msg).not.toContain(t.dir);
    expect(msg.split('\n')).toHaveLength(1);
    const json = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ theme: 'x' }),
    });
    expect(json.status).toBe(400);
    expect(await t.bf.listProjects()).toEqual([]);
  });

  it('404 for unknown projects, shots, routes and files not made yet', async () => {
    for (const path of [
      '/api/projects/nope',
      '/api/projects/nope/video',
      '/api/projects/nope/events',
      '/api/projects/nope/decisions',
      '/api/projects/nope/shots/s1/thumbnail',
      '/api/nothing-here',
    ]) {
      const res = await fetch(t.server.url + path, { headers: auth });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    const cancel = await fetch(`${t.server.url}/api/projects/nope/cancel`, { method: 'POST', headers: auth });
    expect(cancel.status).toBe(404);
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    await expect(startServer({ bf: t.bf, host: '0.0.0.0', port: 0 })).rejects.toThrow(/without a token/);
  });
});

describe('api: a project from upload to download', () => {
  let id: string;

  it('creates a project from an upload, follows SSE to done, lists it', async () => {
    const res = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(
        // bpm: the musician's tempo for the clicks (120), a multipart field like the others.
        { ...fast, theme: 'neon city at night', visualizer: 'bars', bpm: '120' },
        { field: 'audio', bytes: song, name: 'My Song.mp3', type: 'audio/mpeg' },
      ),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as {
      id: string;
      status: string;
      name: string;
      options: { theme: string; visualizer: string; bpm?: number };
    };
    id = created.id;
    expect(created.options.visualizer).toBe('bars');
    expect(created.options.bpm).toBe(120);
    expect(['queued', 'running']).toContain(created.status);
    expect(created.options.theme).toBe('neon city at night');
    expect(created.name).toBe('My Song');
    expect(res.headers.get('location')).toBe(`/api/projects/${id}`);

    // Follow from the first event (after=0 replays what happened before we connected).
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 240_000);
    const sse = await fetch(`${t.server.url}/api/projects/${id}/events?after=0`, {
      headers: auth,
      signal: ac.signal,
    });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await readSse(sse, (e) => e.event === 'done' || e.event === 'failed');
    clearTimeout(timer);
    const last = events.at(-1);
    expect(last?.event, last?.data).toBe('done');
    const stages = new Set(
      events.filter((e) => e.event === 'stage').map((e) => (JSON.parse(e.data) as { stage: string }).stage),
    );
    for (const s of ['ingest', 'analyze', 'plan', 'generate', 'render']) expect(stages).toContain(s);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Reconnecting with Last-Event-ID replays only what came after it.
    const mid = events[Math.floor(events.length / 2)]?.id as string;
    const again = await fetch(`${t.server.url}/api/projects/${id}/events`, {
      headers: { ...auth, 'Last-Event-ID': mid },
    });
    const replay = await readSse(again, (e) => e.event === 'done');
    expect(Number(replay[0]?.id)).toBe(Number(mid) + 1);

    const list = (await (await fetch(`${t.server.url}/api/projects`, { headers: auth })).json()) as {
      projects: Array<{ id: string; status: string; videoUrl?: string }>;
    };
    expect(list.projects.map((p) => [p.id, p.status])).toEqual([[id, 'done']]);
    expect(list.projects[0]?.videoUrl).toBe(`/api/projects/${id}/video`);
  }, 300_000);

  it('one project: stages, shots with thumbnails, costs, evaluation; no server paths', async () => {
    const res = await fetch(`${t.server.url}/api/projects/${id}`, { headers: auth });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(t.dir);
    const p = JSON.parse(text) as {
      status: string;
      stages: Array<{ name: string; status: string }>;
      shots: Array<{ id: string; prompt: string; thumbnailUrl?: string; status: string }>;
      costs: { spentUsd: number };
      song?: { durationSec: number; title: string };
    };
    expect(p.status).toBe('done');
    expect(p.stages.find((s) => s.name === 'render')?.status).toBe('done');
    expect(p.shots.length).toBeGreaterThan(0);
    expect(p.shots.every((s) => s.prompt.length > 0)).toBe(true);
    expect(p.costs.spentUsd).toBe(0);
    expect(Math.abs((p.song?.durationSec ?? 0) - 6)).toBeLessThan(0.3);
    expect(p.song?.title).toBe('My Song');
    const withThumb = p.shots.find((s) => s.thumbnailUrl);
    if (withThumb) {
      const img = await fetch(t.server.url + withThumb.thumbnailUrl, { headers: auth });
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toMatch(/^image\//);
    }
    const decisions = (await (
      await fetch(`${t.server.url}/api/projects/${id}/decisions`, { headers: auth })
    ).json()) as {
      decisions: Array<{ stage?: string; role: string; summary: string }>;
    };
    expect(decisions.decisions.some((d) => d.stage === 'plan')).toBe(true);
  });

  it('downloads the video whole and in ranges (206, Content-Range, 416)', async () => {
    const url = `${t.server.url}/api/projects/${id}/video`;
    const whole = await fetch(url, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(Number(whole.headers.get('content-length'))).toBe(bytes.length);
    const file = join(t.dir, 'download.mp4');
    writeFileSync(file, bytes);
    const info = await probeMedia(file);
    expect(info.video).toBeTruthy();
    expect(info.audio).toBeTruthy();
    expect(Math.abs(info.durationSec - 6)).toBeLessThan(0.3);

    const part = await fetch(url, { headers: { ...auth, Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const tail = await fetch(url, { headers: { ...auth, Range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 50))).toBe(true);

    const open = await fetch(url, { headers: { ...auth, Range: `bytes=${bytes.length - 10}-` } });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);

    const beyond = await fetch(url, { headers: { ...auth, Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const dl = await fetch(`${url}?download=1`, { headers: auth, method: 'HEAD' });
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename="My_Song.mp4"');
    const thumb = await fetch(`${t.server.url}/api/projects/${id}/thumbnail`, { headers: auth });
    expect(thumb.status).toBe(200);
  });

  it('regenerates a shot with a new prompt and renders again', async () => {
    const before = await t.bf.getProject(id);
    const target = before.shots[1] ?? before.shots[0];
    const url = `${t.server.url}/api/projects/${id}/shots/${target?.id}/regenerate`;
    const empty = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"prompt":""}',
    });
    expect(empty.status).toBe(400);
    const missing = await fetch(`${t.server.url}/api/projects/${id}/shots/nope/regenerate`, {
      method: 'POST',
      headers: auth,
    });
    expect(missing.status).toBe(404);
    const prompt = 'a slow dolly through rain-soaked neon streets, magenta and cyan reflections';
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await t.bf.waitFor(id)).toMatchObject({ status: 'done' });
    const after = (await (await fetch(`${t.server.url}/api/projects/${id}`, { headers: auth })).json()) as {
      shots: Array<{ id: string; prompt: string; attempt: number }>;
    };
    const shot = after.shots.find((s) => s.id === target?.id);
    expect(shot?.prompt).toContain('rain-soaked neon streets');
    expect(shot?.attempt).toBeGreaterThan(target?.attempt ?? 1);
  }, 240_000);

  it('replaces a shot with an uploaded clip and renders again', async () => {
    const p = (await (await fetch(`${t.server.url}/api/projects/${id}`, { headers: auth })).json()) as {
      shots: Array<{ id: string }>;
    };
    const shotId = p.shots[0]?.id as string;
    const clipFile = join(t.dir, 'mine.mp4');
    await runFfmpeg([
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=30:duration=3',
      '-pix_fmt',
      'yuv420p',
      clipFile,
    ]);
    const clip = readFileSync(clipFile);
    const bad = await fetch(`${t.server.url}/api/projects/${id}/shots/${shotId}/replace`, {
      method: 'POST',
      headers: auth,
      body: form({}, { field: 'clip', bytes: Buffer.from('nope'), name: 'x.mp4', type: 'video/mp4' }),
    });
    expect(bad.status).toBe(400);
    const res = await fetch(`${t.server.url}/api/projects/${id}/shots/${shotId}/replace`, {
      method: 'POST',
      headers: auth,
      body: form({}, { field: 'clip', bytes: clip, name: 'mine.mp4', type: 'video/mp4' }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const done = await t.bf.waitFor(id);
    expect(done.status).toBe('done');
    const after = await t.bf.getProject(id);
    expect(after.shots.find((s) => s.id === shotId)?.clip?.provider).toBe('manual');
  }, 240_000);

  it('the OpenAPI document lists every route', async () => {
    const res = await fetch(`${t.server.url}/api/openapi.json`, { headers: auth });
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    for (const r of [
      'post /api/projects',
      'get /api/projects',
      'get /api/projects/{id}',
      'delete /api/projects/{id}',
      'get /api/projects/{id}/events',
      'get /api/events',
      'get /api/projects/{id}/video',
      'get /api/projects/{id}/thumbnail',
      'get /api/projects/{id}/decisions',
      'get /api/projects/{id}/evaluation/plot',
      'post /api/projects/{id}/shots/{shotId}/regenerate',
      'post /api/projects/{id}/shots/{shotId}/replace',
      'post /api/projects/{id}/cancel',
      'post /api/projects/{id}/resume',
      'post /api/projects/{id}/approve',
      'get /api/projects/{id}/shots/{shotId}/still',
      'post /api/projects/{id}/shots/{shotId}/reroll',
      'get /api/projects/{id}/storyboard/sheet',
      'post /api/estimate',
      'get /api/options',
    ])
      expect(routes).toContain(r);
    const create = doc.paths['/api/projects']?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(Object.keys(create.requestBody.content['multipart/form-data']?.schema.properties ?? {})).toEqual(
      expect.arrayContaining(['audio', 'theme', 'provider', 'crew', 'aspect']),
    );
  });
});

describe('api: paid generation waits for approval', () => {
  it('estimates, pauses before spending, approves, cancels', async () => {
    const est = await fetch(`${t.server.url}/api/estimate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai-videos', durationSec: 6 }),
    });
    const estimate = (await est.json()) as { usd: number; shots: number; exact: boolean };
    expect(est.status).toBe(200);
    expect(estimate.usd).toBeGreaterThan(0);
    expect(estimate.exact).toBe(false);
    const badEst = await fetch(`${t.server.url}/api/estimate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai-videos', durationSec: -1 }),
    });
    expect(badEst.status).toBe(400);

    const res = await fetch(`${t.server.url}/api/projects`, {
      method: 'POST',
      headers: auth,
      body: form(
        { ...fast, provider: 'openai-videos' },
        { field: 'audio', bytes: song, name: 'paid.mp3', type: 'audio/mpeg' },
      ),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await t.bf.waitFor(id)).toMatchObject({ status: 'paused' });
    const paused = (await (await fetch(`${t.server.url}/api/projects/${id}`, { headers: auth })).json()) as {
      awaitingApproval: boolean;
      costs: { estimateUsd: number; spentUsd: number };
    };
    expect(paused.awaitingApproval).toBe(true);
    expect(paused.costs.estimateUsd).toBeGreaterThan(0);
    expect(paused.costs.spentUsd).toBe(0);
    expect(emu.stats.submissions).toBe(0);

    const approve = await fetch(`${t.server.url}/api/projects/${id}/approve`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(approve.status).toBe(202);
    for (let i = 0; i < 300 && emu.stats.submissions === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(emu.stats.submissions).toBeGreaterThan(0);
    const cancel = await fetch(`${t.server.url}/api/projects/${id}/cancel`, {
      method: 'POST',
      headers: auth,
    });
    expect(cancel.status).toBe(202);
    const ended = await t.bf.waitFor(id);
    expect(ended.status).toBe('failed');
    expect(ended.error ?? '').toMatch(/cancel/);

    // Deleting it removes its rows and the song this API stored for it.
    const stored = (await t.bf.getProject(id)).song?.source;
    expect(stored?.kind).toBe('file');
    const songPath = stored?.kind === 'file' ? stored.path : '';
    expect(existsSync(songPath)).toBe(true);
    const del = await fetch(`${t.server.url}/api/projects/${id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    expect((await fetch(`${t.server.url}/api/projects/${id}`, { headers: auth })).status).toBe(404);
    expect(existsSync(songPath)).toBe(false);
  }, 120_000);

  it('SSE sends heartbeats while nothing happens', async () => {
    const ac = new AbortController();
    const res = await fetch(`${t.server.url}/api/events`, { headers: auth, signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(': ping')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toMatch(/^event: hello/);
    expect(text).toContain(': ping');
    ac.abort();
  });
});
