/**
 * How responsive the project list stays under 200 concurrent requests. Prints p50/p95 for: the service's
 * listProjects() called 200 times at once (what each request cost before list requests were shared),
 * and GET /api/projects ×200 at once over HTTP (one cached JSON body until an event changes it).
 * `pnpm --filter @beatframe/api bench:list` (BENCH_PROJECTS, default 60).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { createBeatframe } from '@beatframe/pipeline';
import { startServer } from '../src/index.js';

const N = 200;
const projects = Number(process.env.BENCH_PROJECTS ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'bf-api-list-'));

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return `p50 ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${q(1).toFixed(0)} ms`;
}

let failures = 0;
async function burst(fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: N }, async () => {
      const t = performance.now();
      try {
        await fn();
        times.push(performance.now() - t);
      } catch {
        failures++;
      }
    }),
  );
  return times;
}

const config = loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, 'data') }, cwd: dir });
const bf = await createBeatframe({ config, logger: silentLogger(), env: {} });
const server = await startServer({ bf, port: 0 });
try {
  const song = join(dir, 'song.mp3');
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:duration=2',
    '-b:a',
    '64k',
    song,
  ]);
  for (let i = 0; i < projects; i++)
    await bf.createProject({ song: { path: song }, name: `p${i}`, options: { provider: 'local' } });
  // Warm up both paths once.
  await bf.listProjects();
  await (await fetch(`${server.url}/api/projects`)).arrayBuffer();
  for (let round = 1; round <= 2; round++) {
    const direct = await burst(() => bf.listProjects());
    const http = await burst(async () => {
      const res = await fetch(`${server.url}/api/projects`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    });
    console.log(`round ${round}, ${projects} projects, ${N} at once:`);
    console.log(`  listProjects() ×${N} (one query pair each, as before): ${stats(direct)}`);
    console.log(`  GET /api/projects ×${N} over HTTP (one cached JSON body): ${stats(http)}`);
    // While projects are being created: every event drops the cached list.
    let stop = false;
    let created = 0;
    const changing = (async () => {
      while (!stop) {
        await bf.createProject({ song: { path: song }, name: `c${created}`, options: { provider: 'local' } });
        created++;
      }
    })();
    const busy = await burst(async () => {
      const res = await fetch(`${server.url}/api/projects`);
      await res.arrayBuffer();
    });
    stop = true;
    await changing;
    console.log(`  GET /api/projects ×${N} while ${created} projects were created meanwhile: ${stats(busy)}`);
  }
  if (failures) console.log(`${failures} requests failed (connection reset)`);
  console.log(
    '(measured on a shared 2-core machine under load from other work: compare the lines, not absolutes)',
  );
} finally {
  await server.close();
  await bf.close();
  rmSync(dir, { recursive: true, force: true });
}
