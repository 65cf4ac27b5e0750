import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { type Beatframe, createBeatframe, type RunningWorker } from '@beatframe/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { publicEvent, withoutPaths } from '../src/public-text.js';
import { makeSong, readSse } from './support.js';

// Regression tests for the hardening issue, over real HTTP: nothing in a body names a server path,
// every number is bounded, bad input is refused before any work, and nothing is left behind.

let dir: string;
let bf: Beatframe;
let server: RunningServer;
let worker: RunningWorker;
let song: Buffer;
let vision: Server;
const visionRequests: string[] = [];
const logLines: string[] = [];
const jsonHeaders = { 'content-type': 'application/json' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bf-api-harden-'));
  const config = loadConfig({
    env: { BEATFRAME_DATA_DIR: join(dir, 'data'), BEATFRAME_MAX_SONG_SEC: '5' },
    cwd: dir,
  });
  const logger = createLogger({
    level: 'info',
    env: {},
    destination: new Writable({
      write(chunk, _e, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    }),
  });
  // A vision model at OPENAI_BASE_URL would be called by the evaluation; crew=heuristic must keep it unused.
  vision = createServer((req, res) => {
    visionRequests.push(`${req.method} ${req.url}`);
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"test"}}');
  });
  await new Promise<void>((r) => vision.listen(0, '127.0.0.1', r));
  const visionUrl = `http://127.0.0.1:${(vision.address() as AddressInfo).port}/v1`;
  bf = await createBeatframe({
    config,
    logger,
    env: { OPENAI_API_KEY: 'sk-test-unused', OPENAI_BASE_URL: visionUrl },
  });
  worker = await bf.startWorker({ concurrency: 2 });
  server = await startServer({ bf, port: 0, heartbeatMs: 1000, uploadGraceMs: 1000 });
  await makeSong(join(dir, 'song.mp3'), 3);
  song = readFileSync(join(dir, 'song.mp3'));
}, 600_000);
afterAll(async () => {
  await server?.close();
  await worker?.stop();
  await bf?.close();
  vision?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(server.url + path, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(body) });
const message = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

function form(fields: Record<string, string>, file?: { field: string; bytes: Buffer; name: string }) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (file) f.set(file.field, new Blob([new Uint8Array(file.bytes)]), file.name);
  return f;
}
const fast = { provider: 'local', crew: 'heuristic', renderer: 'ffmpeg', aspect: '16:9', maxRounds: '0' };

describe('no API body names a server path', () => {
  it('sunoId takes a Suno UUID or song link only: a path is 400 and nothing is read or created', async () => {
    const secret = join(dir, 'private.mp3');
    writeFileSync(secret, song);
    for (const sunoId of [
      secret,
      '/etc/passwd',
      '../../etc/passwd',
      'file:///etc/passwd',
      'C:\\x.mp3',
      ' ',
    ]) {
      const res = await post('/api/projects', { sunoId, ...fast, maxRounds: 0 });
      expect(res.status, sunoId).toBe(400);
      expect(await message(res)).toMatch(/sunoId/);
    }
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.mp3', '/etc/passwd'])
      expect((await post('/api/projects', { url })).status, url).toBe(400);
    expect(await bf.listProjects()).toEqual([]);
    expect(
      existsSync(join(dir, 'data', 'projects')) ? readdirSync(join(dir, 'data', 'projects')) : [],
    ).toEqual([]);
  }, 120_000);

  it('paths in messages are shortened to the file name; the done event names a URL', () => {
    expect(withoutPaths('ffmpeg could not read /tmp/x/data/projects/p/clips/s1.mp4 (code 1)')).toBe(
      'ffmpeg could not read s1.mp4 (code 1)',
    );
    expect(withoutPaths('refusing http://127.0.0.1:9/a/b.mp3: private')).toBe(
      'refusing http://127.0.0.1:9/a/b.mp3: private',
    );
    const done = publicEvent({
      id: 1,
      projectId: 'p-1',
      at: '',
      type: 'done',
      videoPath: '/srv/x/video.mp4',
    });
    expect(done).toEqual({
      id: 1,
      projectId: 'p-1',
      at: '',
      type: 'done',
      videoUrl: '/api/projects/p-1/video',
    });
  });
});

describe('every input is bounded and checked before any work', () => {
  it('the estimate answers absurd durations with 400 at once, a day of video arithmetically', async () => {
    for (const durationSec of [1e9, 1e308, -1, 0, 'x'])
      expect(
        (await post('/api/estimate', { provider: 'local', durationSec })).status,
        String(durationSec),
      ).toBe(400);
    const day = await post('/api/estimate', { provider: 'veo', durationSec: 86_400 });
    expect(day.status).toBe(200);
    expect(((await day.json()) as { shots: number }).shots).toBeGreaterThan(8000);
    expect((await post('/api/estimate', { provider: '../../x', durationSec: 10 })).status).toBe(400);
    expect((await post('/api/estimate', { provider: 'nonexistent', durationSec: 10 })).status).toBe(400);
  }, 120_000);

  it('unknown provider, model or renderer, out-of-range numbers, a song too long: 400, no project, no upload left', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ renderer: '../../x' }, /renderer/],
      [{ renderer: 'nonexistent' }, /unknown renderer "nonexistent"/],
      [{ provider: 'nonexistent' }, /unknown provider "nonexistent"/],
      [{ model: 'sora-9' }, /local has no model "sora-9"/],
      [{ maxRounds: '1e9' }, /maxRounds/],
      [{ approvedUsd: '-5' }, /approvedUsd/],
      [{ maxCostUsd: '1e308' }, /maxCostUsd/],
      [{ bpm: '5000' }, /bpm/],
      [{ bpm: 'fast' }, /bpm/],
    ];
    for (const [fields, expected] of cases) {
      const res = await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        body: form({ ...fast, ...fields }, { field: 'audio', bytes: song, name: 'song.mp3' }),
      });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await message(res), JSON.stringify(fields)).toMatch(expected);
    }
    // BEATFRAME_MAX_SONG_SEC=5 here: a 7 s song is refused from its header.
    await makeSong(join(dir, 'long.mp3'), 7);
    const long = await fetch(`${server.url}/api/projects`, {
      method: 'POST',
      body: form(fast, { field: 'audio', bytes: readFileSync(join(dir, 'long.mp3')), name: 'long.mp3' }),
    });
    expect(long.status).toBe(400);
    const why = await message(long);
    expect(why).toMatch(/the uploaded file long is 0\.1 min long; the longest song accepted is 0\.1 min/);
    expect(why).not.toContain(dir);
    expect(await bf.listProjects()).toEqual([]);
    expect(readdirSync(join(dir, 'data', 'uploads', 'songs'))).toEqual([]);
  }, 300_000);

  it('a NUL byte or a path in an id is 400, and no SQL reaches the log', async () => {
    for (const path of [
      '/api/projects/a%00b',
      '/api/projects/a%00b/video',
      '/api/projects/x/shots/s%00/clip',
    ]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(400);
    }
    expect((await fetch(`${server.url}/api/projects/a%00b`, { method: 'DELETE' })).status).toBe(400);
    expect(logLines.join('')).not.toMatch(/Failed query|select .* from|\\u0000/i);
  }, 120_000);
});

describe('a project through the API: paths, replacement, deletion, leftovers', () => {
  it('runs offline, then refuses a still image, takes a clip, and deletes without leftovers', async () => {
    // An orphaned upload from a request that died long ago: swept when projects are created.
    const songs = join(dir, 'data', 'uploads', 'songs');
    mkdirSync(songs, { recursive: true });
    const orphan = join(songs, 'orphan.mp3');
    writeFileSync(orphan, song);
    utimesSync(orphan, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));

    const res = await fetch(`${server.url}/api/projects`, {
      method: 'POST',
      body: form(fast, { field: 'audio', bytes: song, name: 'My Song.mp3' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const sse = await fetch(`${server.url}/api/projects/${id}/events?after=0`);
    const events = await readSse(sse, (e) => e.event === 'done' || e.event === 'failed');
    const last = events.at(-1);
    expect(last?.event, last?.data).toBe('done');
    // The event names the video by URL; no event carries a server path.
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ videoUrl: `/api/projects/${id}/video` });
    for (const e of events) expect(e.data, e.event).not.toContain(dir);
    expect(existsSync(orphan)).toBe(false);

    // crew=heuristic with OPENAI_API_KEY set: not one frame went to the vision model.
    expect(visionRequests).toEqual([]);
    const detail = (await (await fetch(`${server.url}/api/projects/${id}`)).json()) as {
      shots: Array<{ id: string }>;
    };

    const shotId = detail.shots[0]?.id as string;
    const png = join(dir, 'still.png');
    await runFfmpeg(['-y', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=64x36', '-frames:v', '1', png]);
    const still = await fetch(`${server.url}/api/projects/${id}/shots/${shotId}/replace`, {
      method: 'POST',
      body: form({}, { field: 'clip', bytes: readFileSync(png), name: 'still.mp4' }),
    });
    expect(still.status).toBe(400);
    expect(await message(still)).toMatch(/still image/);
    const clips = join(dir, 'data', 'uploads', 'clips');
    expect(readdirSync(clips)).toEqual([]);
    expect(
      ((await (await fetch(`${server.url}/api/projects/${id}`)).json()) as { status: string }).status,
    ).toBe('done');

    const mp4 = join(dir, 'clip.mp4');
    await runFfmpeg([
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x90:rate=10:duration=1',
      mp4,
    ]);
    const replaced = await fetch(`${server.url}/api/projects/${id}/shots/${shotId}/replace`, {
      method: 'POST',
      body: form({}, { field: 'clip', bytes: readFileSync(mp4), name: 'clip.mp4' }),
    });
    expect(replaced.status, await replaced.clone().text()).toBe(202);
    // The project has its own copy: the upload is gone at once.
    expect(readdirSync(clips)).toEqual([]);

    expect((await fetch(`${server.url}/api/projects/${id}`, { method: 'DELETE' })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(join(dir, 'data', 'projects', id))).toBe(false);
    expect(readdirSync(songs)).toEqual([]);
  }, 300_000);
});
