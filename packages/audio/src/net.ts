import { lookup as dnsLookup } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@beatframe/core';

/** Addresses a download must not reach unless private networks are allowed (SSRF guard). */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

/** This host's own addresses (every interface): a download must not reach back into the server. */
function ownAddresses(): BlockList {
  const own = new BlockList();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      own.addAddress(a.address.replace(/%.*$/, ''), a.family === 'IPv6' ? 'ipv6' : 'ipv4');
  return own;
}

/**
 * Whether an IP address is private, loopback, link-local, reserved for documentation, one of this
 * host's own, or otherwise not on the public internet.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  const own = family ? ownAddresses() : undefined;
  if (family === 4 && own?.check(address, 'ipv4')) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (own?.check(address, 'ipv6') || (mapped && own?.check(mapped[1] as string, 'ipv4'))) return true;
  }
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1] as string, 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return true;
}

export interface FetchLimits {
  allowPrivateNetwork?: boolean;
  /** Largest body accepted, bytes (default 200 MB). */
  maxBytes?: number;
  /** Whole request including redirects and body, ms (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Fetched {
  url: string;
  contentType: string;
  bytes: number;
}

const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * A DNS lookup that refuses private addresses. It runs at connect time, so the address that is
 * checked is the address that is used (no DNS-rebinding window).
 */
function guardedLookup(url: string, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as Array<{ address: string; family: number }>;
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (!allowPrivate && bad)
        return callback(
          new InputError(`refusing ${url}: ${hostname} resolves to a private address (${bad.address})`, {
            code: 'PRIVATE_ADDRESS',
          }) as unknown as NodeJS.ErrnoException,
          '',
          0,
        );
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} did not resolve`), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The checks a song URL can be given before anything is fetched: http(s), no credentials, not a literal
 * private or own address, not localhost. Host names are checked again when they resolve, at every hop.
 */
export function checkPublicUrl(raw: string): URL {
  return checkUrl(raw, false);
}

function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${raw} is not a valid URL`, { code: 'BAD_URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`${raw}: only http and https URLs are supported`, { code: 'BAD_URL' });
  if (url.username || url.password)
    throw new InputError(`${url.host}: URLs with credentials are not accepted`, { code: 'BAD_URL' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    !allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))
  )
    throw new InputError(
      `refusing ${url.origin}: private, loopback and link-local addresses are not allowed`,
      { code: 'PRIVATE_ADDRESS' },
    );
  return url;
}

interface Opened {
  res: http.IncomingMessage;
  url: string;
}

function open(url: URL, allowPrivate: boolean, signal: AbortSignal, accept: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const req = mod.get(
      url,
      {
        signal,
        headers: { 'user-agent': 'beatframe/0.1 (+https://github.com/beatframe)', accept },
        // Literal IPs skip DNS; they were checked by checkUrl.
        ...(isIP(host) ? {} : { lookup: guardedLookup(url.href, allowPrivate) }),
      },
      (res) => resolve({ res, url: url.href }),
    );
    req.on('error', reject);
  });
}

/** GET with the SSRF guard, redirects re-checked at every hop, a deadline, and a size cap. */
async function guardedGet(
  raw: string,
  limits: FetchLimits,
  accept: string,
): Promise<Opened & { signal: AbortSignal; done(): void }> {
  const allowPrivate = limits.allowPrivateNetwork ?? false;
  const timeout = AbortSignal.timeout(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
  let url = checkUrl(raw, allowPrivate);
  try {
    for (let hop = 0; hop < 6; hop++) {
      const opened = await open(url, allowPrivate, signal, accept);
      const status = opened.res.statusCode ?? 0;
      if (status >= 300 && status < 400 && opened.res.headers.location) {
        opened.res.resume();
        url = checkUrl(new URL(opened.res.headers.location, url).href, allowPrivate);
        continue;
      }
      if (status < 200 || status >= 300) {
        opened.res.resume();
        throw new InputError(`${url.href} answered HTTP ${status}`, { code: 'HTTP_STATUS' });
      }
      return { ...opened, signal, done: () => opened.res.destroy() };
    }
    throw new InputError(`${raw}: too many redirects`, { code: 'REDIRECTS' });
  } catch (err) {
    throw translate(err, raw, timeout);
  }
}

function translate(err: unknown, raw: string, timeout: AbortSignal): unknown {
  if (err instanceof InputError) return err;
  if (timeout.aborted) return new InputError(`${raw}: download timed out`, { code: 'TIMEOUT', cause: err });
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof InputError) return cause;
  if ((err as { name?: string }).name === 'AbortError') return err;
  return new InputError(`${raw}: download failed (${(err as Error).message})`, {
    code: 'DOWNLOAD',
    cause: err,
  });
}

/** Downloads a URL to `dest`; refuses HTML pages (a song page is not its audio). */
export async function downloadTo(
  raw: string,
  dest: string,
  limits: FetchLimits = {},
  kind = 'audio',
): Promise<Fetched> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeout = AbortSignal.timeout(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const opened = await guardedGet(
    raw,
    { ...limits, signal: limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout },
    `${kind}/*,*/*;q=0.5`,
  );
  const contentType = String(opened.res.headers['content-type'] ?? '').toLowerCase();
  const declared = Number(opened.res.headers['content-length'] ?? 0);
  if (contentType.includes('text/html') || contentType.includes('application/xhtml')) {
    opened.done();
    throw new InputError(`${raw} serves an HTML page, not ${kind}; give the direct link to the file`, {
      code: 'HTML_PAGE',
    });
  }
  if (declared > maxBytes) {
    opened.done();
    throw new InputError(
      `${raw} is ${Math.round(declared / 1e6)} MB; the limit is ${Math.round(maxBytes / 1e6)} MB`,
      { code: 'TOO_LARGE' },
    );
  }
  let bytes = 0;
  let head = '';
  try {
    await pipeline(
      opened.res,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          if (bytes === 0) head = chunk.subarray(0, 256).toString('latin1').trimStart().toLowerCase();
          // Servers that call HTML "application/octet-stream" are caught by the first bytes.
          if (head.startsWith('<!doctype html') || head.startsWith('<html'))
            throw new InputError(
              `${raw} serves an HTML page, not ${kind}; give the direct link to the file`,
              { code: 'HTML_PAGE' },
            );
          bytes += chunk.length;
          if (bytes > maxBytes)
            throw new InputError(`${raw} is larger than the ${Math.round(maxBytes / 1e6)} MB limit`, {
              code: 'TOO_LARGE',
            });
          yield chunk;
        }
      },
      createWriteStream(dest),
      { signal: opened.signal },
    );
  } catch (err) {
    await rm(dest, { force: true });
    throw translate(err, raw, timeout);
  }
  return { url: opened.url, contentType, bytes };
}

/** GETs a small JSON or text document with the same guard. */
export async function fetchText(
  raw: string,
  limits: FetchLimits = {},
  accept = 'application/json',
): Promise<{ text: string; contentType: string }> {
  const maxBytes = limits.maxBytes ?? 5 * 1024 * 1024;
  const timeout = AbortSignal.timeout(limits.timeoutMs ?? 30_000);
  const opened = await guardedGet(
    raw,
    { ...limits, signal: limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout },
    accept,
  );
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of opened.res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        throw new InputError(`${raw}: response larger than ${maxBytes} bytes`, { code: 'TOO_LARGE' });
      chunks.push(chunk);
    }
  } catch (err) {
    opened.done();
    throw translate(err, raw, timeout);
  }
  return {
    text: Buffer.concat(chunks).toString('utf8'),
    contentType: String(opened.res.headers['content-type'] ?? ''),
  };
}
