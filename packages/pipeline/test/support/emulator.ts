import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';

/**
 * A small remote video API on loopback, the shape of the common async text-to-video protocols:
 * POST /v1/videos → { id, status }, GET /v1/videos/:id → { status, progress, error },
 * GET /v1/videos/:id/content → MP4. It counts submissions per (shot, attempt) so tests can prove
 * that nothing was paid twice, and can be told to refuse or throttle.
 */
export interface EmulatorOptions {
  latencyMs: number;
  /** Per prompt substring: the error the job fails with (content policy etc.). */
  failJobWhenPromptHas?: Record<string, { code: string; message: string }>;
  /** The first N submissions answer 429 with this Retry-After (seconds). */
  throttleFirst?: { count: number; retryAfterSec: number };
  /** Submissions answer 402 (quota). */
  quotaExhausted?: boolean;
}

export interface Emulator {
  url: string;
  /** shotId → number of POSTs that created a job. */
  submissions: Map<string, number>;
  /** Times (ms) of every POST, including refused ones. */
  posts: Array<{ at: number; key: string; status: number; worker?: string }>;
  maxInFlight: number;
  /** Jobs that have been polled at least once (a poll means the worker stored the job first). */
  polled: Set<string>;
  close(): Promise<void>;
  options: EmulatorOptions;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'bf-emu-'));
  const clip = join(dir, 'clip.mp4');
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x90:rate=10:duration=2',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  const bytes = readFileSync(clip);
  const jobs = new Map<
    string,
    { createdAt: number; prompt: string; fail?: { code: string; message: string } }
  >();
  const submissions = new Map<string, number>();
  const posts: Emulator['posts'] = [];
  let throttled = 0;
  let seq = 0;
  const emu: Emulator = {
    url: '',
    submissions,
    posts,
    maxInFlight: 0,
    polled: new Set(),
    options,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const inFlight = () =>
    [...jobs.values()].filter((j) => Date.now() - j.createdAt < options.latencyMs).length;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/videos') {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { prompt: string; metadata?: { key?: string } };
        const key = body.metadata?.key ?? '?';
        if (options.quotaExhausted) {
          posts.push({ at: Date.now(), key, status: 402 });
          return send(402, { error: { message: 'insufficient quota', code: 'insufficient_quota' } });
        }
        if (options.throttleFirst && throttled < options.throttleFirst.count) {
          throttled++;
          posts.push({ at: Date.now(), key, status: 429 });
          return send(
            429,
            { error: { message: 'rate limited' } },
            { 'retry-after': String(options.throttleFirst.retryAfterSec) },
          );
        }
        posts.push({ at: Date.now(), key, status: 200, worker: String(req.headers['x-worker'] ?? '') });
        const id = `video_${++seq}`;
        const fail = Object.entries(options.failJobWhenPromptHas ?? {}).find(([k]) =>
          body.prompt.includes(k),
        )?.[1];
        jobs.set(id, { createdAt: Date.now(), prompt: body.prompt, ...(fail ? { fail } : {}) });
        submissions.set(key, (submissions.get(key) ?? 0) + 1);
        emu.maxInFlight = Math.max(emu.maxInFlight, inFlight());
        send(200, { id, status: 'queued', progress: 0 });
      });
      return;
    }
    const m = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(url.pathname);
    const job = m ? jobs.get(m[1]!) : undefined;
    if (!m || !job) return send(404, { error: { message: 'no such video' } });
    if (!m[2]) emu.polled.add(m[1]!);
    const age = Date.now() - job.createdAt;
    const done = age >= options.latencyMs;
    if (m[2]) {
      if (!done) return send(409, { error: { message: 'not ready' } });
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
      res.end(bytes);
      return;
    }
    if (done && job.fail) return send(200, { id: m[1], status: 'failed', error: job.fail });
    send(200, {
      id: m[1],
      status: done ? 'completed' : 'in_progress',
      progress: Math.min(100, Math.round((age / options.latencyMs) * 100)),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  emu.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return emu;
}
