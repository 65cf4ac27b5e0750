import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Plumbing the vendor emulators share: JSON answers, request bodies, fault queues, listening (test clips: `@beatframe/media/testing`). */

/** Answers JSON (`content-type: application/json` unless `headers` says otherwise); no body when undefined. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** The whole request body. */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** Faults queued by route: each is served `times` times, in the order they were queued. */
export interface FaultQueue<R extends string, F> {
  push(route: R, fault: F, times?: number): void;
  /** The next fault for `route` (counting it as served), or undefined. */
  take(route: R): F | undefined;
  clear(): void;
}

export function faultQueue<R extends string, F>(onServed: () => void = () => {}): FaultQueue<R, F> {
  const faults: Array<{ route: R; fault: F; left: number }> = [];
  return {
    push: (route, fault, times = 1) => void faults.push({ route, fault, left: times }),
    take(route) {
      const at = faults.findIndex((f) => f.route === route);
      if (at < 0) return undefined;
      const f = faults[at]!;
      if (--f.left <= 0) faults.splice(at, 1);
      onServed();
      return f.fault;
    },
    clear: () => {
      faults.length = 0;
    },
  };
}

/** Starts `server` on a free loopback port; resolves to its base URL (http://127.0.0.1:PORT). */
export async function listenLocal(server: Server, port = 0): Promise<string> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Drops open connections and closes `server`. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** The download faults a test can ask for: the next fetches find their link expired, or get a cut-off file. */
export interface DownloadFaults {
  expireNext(times?: number): void;
  corruptNext(times?: number): void;
  /** Whether this fetch finds its link expired (using up one such fault). */
  expired(): boolean;
  /** Whether this fetch gets a corrupt file (using up one such fault). */
  corrupted(): boolean;
  clear(): void;
}

export function downloadFaults(): DownloadFaults {
  let expire = 0;
  let corrupt = 0;
  return {
    expireNext: (times = 1) => {
      expire += times;
    },
    corruptNext: (times = 1) => {
      corrupt += times;
    },
    expired: () => {
      if (expire <= 0) return false;
      expire--;
      return true;
    },
    corrupted: () => {
      if (corrupt <= 0) return false;
      corrupt--;
      return true;
    },
    clear: () => {
      expire = 0;
      corrupt = 0;
    },
  };
}

/**
 * The faults a vendor emulator serves, over one queue of route faults, one of job faults (served in order as jobs
 * end) and the download faults, with the controls its tests set them by (`controls` goes into its handle as it is).
 */
export function emulatorFaults<R extends string, F, J>(onServed?: () => void) {
  const routes = faultQueue<R, F>(onServed);
  const jobs: J[] = [];
  const downloads = downloadFaults();
  return {
    /** The next fault for `route` (counting it as served), or undefined. */
    take: (route: R) => routes.take(route),
    /** The fault the next finished job ends with, or undefined. */
    nextJob: () => jobs.shift(),
    downloads,
    controls: {
      failNext: (route: R, fault: F, times?: number) => routes.push(route, fault, times),
      failNextJob: (fault: J) => void jobs.push(fault),
      expireNextDownload: (times?: number) => downloads.expireNext(times),
      corruptNextDownload: (times?: number) => downloads.corruptNext(times),
      clearFaults: () => {
        routes.clear();
        jobs.length = 0;
        downloads.clear();
      },
    },
  };
}

/** Closes an emulator: its server, then its scratch folder. */
export async function closeEmulator(server: Server, dir: string): Promise<void> {
  await closeServer(server);
  rmSync(dir, { recursive: true, force: true });
}

/** Serves the MP4 at `path`; a corrupt one (when `corrupt` is true) is its first third only. */
export async function sendClip(res: ServerResponse, path: string, corrupt = false): Promise<void> {
  let bytes = await readFile(path);
  if (corrupt) bytes = bytes.subarray(0, Math.floor(bytes.length / 3));
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length });
  res.end(bytes);
}
