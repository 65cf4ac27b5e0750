/**
 * HTTP figures for the API: create-with-upload latency, list/detail throughput, video download
 * throughput and Range latency. Prints numbers; asserts nothing. Offline, PGlite in a temp dir.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { createBeatframe } from '@beatframe/pipeline';
import { startServer } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-api-bench-'));
const TOKEN = 'bench-token';
const auth = { Authorization: `Bearer ${TOKEN}` };

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return `p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms`;
}

async function load(url: string, total: number, concurrency: number): Promise<string> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        const res = await fetch(url, { headers: auth });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url}: ${res.status}`);
        times.push(performance.now() - t);
      }
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  return `${(total / sec).toFixed(0)} req/s at concurrency ${concurrency}, ${stats(times)}`;
}

try {
  const song = join(dir, 'song.mp3');
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=220:duration=6',
    '-c:a',
    'libmp3lame',
    song,
  ]);
  const bytes = readFileSync(song);
  // A 64 MB "video" served by the same file handler as /api/projects/:id/video.
  const web = join(dir, 'web');
  mkdirSync(web);
  const big = join(web, 'big.mp4');
  const fd = openSync(big, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  for (let i = 0; i < 64; i++) writeSync(fd, chunk);
  closeSync(fd);

  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
  const bf = await createBeatframe({ config, logger: silentLogger(), env: {} });
  // No worker: projects stay queued, so the figures are the API's own.
  const server = await startServer({ bf, port: 0, token: TOKEN, webDir: web });
  const created: number[] = [];
  let id = '';
  for (let i = 0; i < 10; i++) {
    const form = new FormData();
    form.set('theme', `bench ${i}`);
    form.set('audio', new Blob([new Uint8Array(bytes)], { type: 'audio/mpeg' }), `song ${i}.mp3`);
    const t = performance.now();
    const res = await fetch(`${server.url}/api/projects`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    id = ((await res.json()) as { id: string }).id;
    created.push(performance.now() - t);
  }
  console.log(`create with a ${(bytes.length / 1024).toFixed(0)} KB upload (10 projects): ${stats(created)}`);
  console.log(`GET /api/projects (10 projects): ${await load(`${server.url}/api/projects`, 200, 8)}`);
  console.log(`GET /api/projects/:id: ${await load(`${server.url}/api/projects/${id}`, 200, 8)}`);

  const t = performance.now();
  const whole = await fetch(`${server.url}/big.mp4`);
  const n = (await whole.arrayBuffer()).byteLength;
  const sec = (performance.now() - t) / 1000;
  console.log(`download 64 MB: ${(n / 1024 / 1024 / sec).toFixed(0)} MB/s`);
  const ranges: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = Math.floor(Math.random() * (n - 65536));
    const t1 = performance.now();
    const res = await fetch(`${server.url}/big.mp4`, {
      headers: { Range: `bytes=${start}-${start + 65535}` },
    });
    await res.arrayBuffer();
    if (res.status !== 206) throw new Error(`range: ${res.status}`);
    ranges.push(performance.now() - t1);
  }
  console.log(`64 KB Range request (200 random): ${stats(ranges)}`);
  await server.close();
  await bf.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
