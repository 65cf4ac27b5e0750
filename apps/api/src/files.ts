import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

type Range = { start: number; end: number } | 'unsatisfiable' | undefined;

/** Parses one `bytes=` range (RFC 9110); several ranges are answered with the first. */
export function parseRange(header: string | undefined, size: number): Range {
  if (!header) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/.exec(header.trim());
  if (!m) return undefined; // a malformed Range is ignored: the whole file
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * A file as a response, with HTTP Range (206 / 416), ETag and HEAD. Video players seek with
 * ranges; a whole-file download works the same.
 */
export async function fileResponse(
  req: Request,
  path: string,
  opts: { downloadName?: string; cache?: string } = {},
): Promise<Response> {
  const info = await stat(path);
  const size = info.size;
  const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = new Headers({
    'Content-Type': contentType(path),
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
    'Cache-Control': opts.cache ?? 'no-cache',
  });
  if (opts.downloadName) headers.set('Content-Disposition', `attachment; filename="${opts.downloadName}"`);
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });

  const ifRange = req.headers.get('if-range');
  const range =
    ifRange && ifRange !== etag ? undefined : parseRange(req.headers.get('range') ?? undefined, size);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  headers.set('Content-Length', String(size === 0 ? 0 : end - start + 1));
  if (range) headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  const status = range ? 206 : 200;
  if (req.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(
    createReadStream(path, { start, end, highWaterMark: 1024 * 1024 }),
  ) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

/** Resolves a URL path inside `root`, or undefined when it would leave it. */
export function pathInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${sep}${normalize(decoded)}`);
  return full === base || full.startsWith(base + sep) ? full : undefined;
}
