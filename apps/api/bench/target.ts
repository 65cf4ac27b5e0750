/**
 * A live API on a loopback port for the fuzz and abuse runs: the real pipeline service on PGlite in a
 * temporary folder, no worker (the HTTP surface is what is attacked), one queued project to aim at.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { createBeatframe } from '@beatframe/pipeline';
import { startServer } from '../src/index.js';

export async function startTarget(opts: { maxUploadBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bf-api-abuse-'));
  const dataDir = join(dir, 'data');
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dir });
  const bf = await createBeatframe({ config, logger: silentLogger(), env: {} });
  const maxUploadBytes = opts.maxUploadBytes ?? 1024 * 1024;
  const server = await startServer({ bf, port: 0, maxUploadBytes, heartbeatMs: 1000 });
  const songPath = join(dir, 'song.mp3');
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
    songPath,
  ]);
  const song = new Uint8Array(readFileSync(songPath));
  const project = await bf.createProject({
    song: { path: songPath },
    options: { provider: 'local', crew: 'heuristic', renderer: 'ffmpeg' },
  });
  return {
    url: server.url,
    dataDir,
    uploadDir: join(dataDir, 'uploads'),
    song,
    maxUploadBytes,
    projectId: project.id,
    bf,
    async close() {
      await server.close();
      await bf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
