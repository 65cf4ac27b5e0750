import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';

export interface Upload {
  /** Where it was stored: a generated name under the upload folder. */
  path: string;
  /** The name the client gave, for display only (never a path). */
  name: string;
  size: number;
}

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
  ) {
    super(message);
  }
}

/**
 * Streams a multipart body to disk: the one file of `fileField` goes to `dir` under a generated
 * name (a known extension kept), the other fields are collected. Nothing is held in memory whole,
 * so a 200 MB song costs a disk write, not 200 MB of heap. Errors of the body stream (the size
 * limit middleware's among them) are rethrown as they are.
 */
export async function readMultipart(
  req: Request,
  opts: { fileField: string; dir: string; allowedExt: Set<string>; maxBytes: number },
): Promise<{ fields: Record<string, string>; file?: Upload }> {
  const type = req.headers.get('content-type') ?? '';
  if (!req.body) throw new MultipartError('the form is empty', 400);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': type },
      limits: { fileSize: opts.maxBytes, files: 1, fields: 100, fieldSize: 64 * 1024, parts: 120 },
    });
  } catch (err) {
    throw new MultipartError(`the form data is malformed: ${(err as Error).message}`, 400);
  }
  await mkdir(opts.dir, { recursive: true });
  const fields: Record<string, string> = {};
  let file: Upload | undefined;
  let writing: Promise<void> | undefined;
  let tooLarge = false;

  const done = new Promise<void>((resolve, reject) => {
    parser.on('field', (name, value, info) => {
      // A field cut at the size limit would be read as something else (half the lyrics): refuse it.
      if (info.valueTruncated) return reject(new MultipartError(`the field \`${name}\` is over 64 KB`, 413));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== opts.fileField || file) {
        stream.resume(); // not ours: drain it
        return;
      }
      const ext = extname(info.filename ?? '').toLowerCase();
      const path = join(opts.dir, `${randomUUID()}${opts.allowedExt.has(ext) ? ext : ''}`);
      const upload: Upload = { path, name: info.filename ?? '', size: 0 };
      file = upload;
      stream.on('data', (chunk: Buffer) => {
        upload.size += chunk.length;
      });
      stream.on('limit', () => {
        tooLarge = true;
      });
      writing = pipeline(stream, createWriteStream(path));
      writing.catch(reject);
    });
    parser.on('error', (err: Error) =>
      reject(new MultipartError(`the form data is malformed: ${err.message}`, 400)),
    );
    parser.on('close', resolve);
  });
  const source = Readable.fromWeb(req.body as unknown as NodeReadableStream<Uint8Array>);
  const failed = new Promise<never>((_, reject) => source.on('error', reject));
  failed.catch(() => {}); // observed through the race below; later errors have nobody to tell
  source.pipe(parser);
  try {
    await Promise.race([done, failed]);
    await writing;
    if (tooLarge)
      throw new MultipartError(
        `the upload is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB`,
        413,
      );
  } catch (err) {
    source.unpipe(parser);
    source.destroy();
    if (file) await rm(file.path, { force: true });
    throw err;
  }
  return file ? { fields, file } : { fields };
}
