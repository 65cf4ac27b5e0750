import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BeatframeError, type Logger, type Timeline, writeFileAtomic } from '@beatframe/core';
import { compositionEntry } from './bundle.js';
import { stageMedia } from './remotion-render.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface StudioOptions {
  /** Folder for the Studio's public files and props (symlinks to the media). */
  workDir: string;
  cacheDir: string;
  port?: number;
  browserExecutable?: string;
  logger?: Logger;
  /** Open a browser window on it (off by default: print the URL). */
  open?: boolean;
}

export interface StudioHandle {
  url: string;
  port: number;
  process: ChildProcess;
  /** Resolves when Studio exits. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Opens Remotion Studio on a timeline: the media are staged into a public folder, the timeline becomes the
 * composition's input props (editable in Studio's props panel), and the Remotion CLI serves Studio on
 * localhost. Resolves once Studio answers HTTP.
 */
export async function startStudio(timeline: Timeline, opts: StudioOptions): Promise<StudioHandle> {
  const publicDir = resolve(opts.workDir, 'public');
  await mkdir(publicDir, { recursive: true });
  // Studio plays the clips as they are; normalising is only for speed when rendering.
  const staged = await stageMedia(timeline, opts.workDir, { normalize: false, cacheDir: opts.cacheDir });
  const propsFile = join(opts.workDir, 'timeline.props.json');
  await writeFileAtomic(propsFile, JSON.stringify(staged));
  const port = opts.port ?? (await freePort());
  const cli = join(dirname(require.resolve('@remotion/cli/package.json')), 'remotion-cli.js');
  const root = resolve(here, '..');
  const args = [
    cli,
    'studio',
    compositionEntry(),
    `--props=${propsFile}`,
    `--port=${port}`,
    `--public-dir=${publicDir}`,
    `--config=${join(root, 'remotion.config.ts')}`,
    '--log=error',
    ...(opts.open ? [] : ['--no-open']),
    ...(opts.browserExecutable && existsSync(opts.browserExecutable)
      ? [`--browser-executable=${opts.browserExecutable}`]
      : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: 'none' },
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 120_000;
  let ready = false;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!ready && !gone && Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      ready = res.ok;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  };
  if (!ready) {
    await stop();
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    throw new BeatframeError(`Remotion Studio did not start: ${tail || 'no output'}`, {
      code: 'STUDIO_FAILED',
    });
  }
  opts.logger?.info({ url }, 'Remotion Studio is running');
  return { url, port, process: child, exited, stop };
}
