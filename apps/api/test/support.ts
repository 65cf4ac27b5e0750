import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { type Beatframe, createBeatframe, type RunningWorker } from '@beatframe/pipeline';
import { type RunningServer, type StartServerOptions, startServer } from '../src/index.js';

/** A short song with a beat: a tone and a click every half second. */
export async function makeSong(path: string, seconds = 6): Promise<void> {
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=220:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\\,0.5)\\,0.03):d=${seconds}`,
    '-filter_complex',
    '[0][1]amix=inputs=2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    path,
  ]);
}

export interface TestServer {
  dir: string;
  bf: Beatframe;
  server: RunningServer;
  worker: RunningWorker;
  close(): Promise<void>;
}

/** The real pipeline (offline, PGlite in a temp dir) with a worker, behind the real HTTP server. */
export async function startTestServer(
  opts: Omit<StartServerOptions, 'bf'> & { prefix?: string; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'bf-api-'));
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
  const bf = await createBeatframe({ config, logger: silentLogger(), env: opts.env ?? {} });
  const worker = await bf.startWorker({ concurrency: 2 });
  const server = await startServer({ port: 0, ...opts, bf });
  return {
    dir,
    bf,
    server,
    worker,
    async close() {
      await server.close();
      await worker.stop({ graceMs: 2000 });
      await bf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads an SSE stream until `until` returns true for an event (or the signal aborts). */
export async function readSse(
  res: Response,
  until: (e: { event: string; id?: string; data: string }) => boolean,
): Promise<Array<{ event: string; id?: string; data: string }>> {
  const seen: Array<{ event: string; id?: string; data: string }> = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      buf += dec.decode(value, { stream: true });
      let cut = buf.indexOf('\n\n');
      while (cut >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        cut = buf.indexOf('\n\n');
        const e: { event: string; id?: string; data: string } = { event: 'message', data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) e.event = line.slice(6).trim();
          else if (line.startsWith('id:')) e.id = line.slice(3).trim();
          else if (line.startsWith('data:')) e.data += line.slice(5).trim();
        }
        if (block.split('\n').every((l) => l.startsWith(':'))) continue;
        seen.push(e);
        if (until(e)) return seen;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
