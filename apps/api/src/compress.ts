import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const br = promisify(brotliCompress);
const gz = promisify(gzip);
// Text only: videos and images are compressed already, and event streams must not be buffered.
const TEXT = /^(?:text\/(?!event-stream)|application\/(?:json|javascript)|image\/svg)/i;
const MIN = 1024;
const MAX = 8 * 1024 * 1024;

/** Brotli (or gzip) for text responses the browser accepts it for. */
export function compressText(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('content-type') ?? '';
    const length = Number(res.headers.get('content-length') ?? Number.NaN);
    if (
      c.req.method === 'HEAD' ||
      res.status === 206 ||
      res.status === 204 ||
      !res.body ||
      !TEXT.test(type) ||
      res.headers.has('content-encoding') ||
      length > MAX
    )
      return;
    const accept = c.req.header('accept-encoding') ?? '';
    const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : undefined;
    const body = Buffer.from(await res.arrayBuffer());
    // Hono copies the old response's headers onto a new one: fix them up after assigning.
    const vary = (h: Headers) =>
      h.set('Vary', h.get('vary') ? `${h.get('vary')}, Accept-Encoding` : 'Accept-Encoding');
    if (!encoding || body.length < MIN) {
      c.res = new Response(body, res);
      vary(c.res.headers);
      c.res.headers.set('Content-Length', String(body.length));
      return;
    }
    const packed =
      encoding === 'br'
        ? await br(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
          })
        : await gz(body);
    c.res = new Response(packed, res);
    const headers = c.res.headers;
    vary(headers);
    headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(packed.length));
    const etag = headers.get('etag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
  };
}
