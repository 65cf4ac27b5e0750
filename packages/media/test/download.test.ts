import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, ProviderError, silentLogger } from '@beatframe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipOfProbe, downloadVerified, fetchVideo, fitStill, probeMedia, runFfmpeg } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-download-'));
const good = join(dir, 'good.mp4');
let base = '';
const server = createServer((req, res) => {
  if (req.url === '/good') return void res.end(readFileSync(good));
  if (req.url === '/corrupt') return void res.end('not a video');
  if (req.url === '/broken') {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(readFileSync(good).subarray(0, 1000));
    return void setImmediate(() => res.destroy());
  }
  res.writeHead(Number(req.url?.slice(1)) || 404).end();
});

beforeAll(async () => {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=160x120:rate=25:duration=1',
    '-pix_fmt',
    'yuv420p',
    good,
  ]);
  writeFileSync(join(dir, 'corrupt.mp4'), 'not an image');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const kindOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof ProviderError ? `${err.kind}: ${err.message}` : String(err)),
  );

describe('download', () => {
  it('fetchVideo verifies the file and classifies what went wrong', async () => {
    const opts = { jobId: 'j1', label: 'the video URL', expired: [403, 410] };
    const info = await fetchVideo(`${base}/good`, join(dir, 'a.mp4'), opts);
    expect(clipOfProbe('x', info)).toMatchObject({ path: 'x', width: 160, height: 120, hasAudio: false });
    expect(await kindOf(fetchVideo(`${base}/corrupt`, join(dir, 'b.mp4'), opts))).toBe(
      'retryable: the downloaded clip of j1 is corrupt',
    );
    expect(await kindOf(fetchVideo(`${base}/broken`, join(dir, 'c.mp4'), opts))).toMatch(
      /^retryable: the download of j1 broke off/,
    );
    expect(await kindOf(fetchVideo(`${base}/410`, join(dir, 'd.mp4'), opts))).toBe(
      'retryable: the video URL of j1 answered 410 (expired)',
    );
    expect(await kindOf(fetchVideo(`${base}/400`, join(dir, 'e.mp4'), opts))).toBe(
      'fatal: the video URL of j1 answered 400',
    );
  });

  it('downloadVerified reads a fresh source after a retryable failure, and gives up after the attempts', async () => {
    const urls = ['/403', '/corrupt', '/good'];
    const seen: string[] = [];
    const dest = join(dir, 'out.mp4');
    const run = (attempts: number) =>
      downloadVerified({
        dest,
        jobId: 'j2',
        attempts,
        logger: silentLogger(),
        retryMessage: 'again',
        source: async () => urls[seen.push('x') - 1] ?? '/good',
        save: (url, tmp) =>
          fetchVideo(`${base}${url}`, tmp, { jobId: 'j2', label: 'the URL', expired: [403] }),
      });
    expect((await run(3)).durationSec).toBeGreaterThan(0);
    expect(seen).toHaveLength(3);
    seen.length = 0;
    expect(await kindOf(run(2))).toBe('retryable: the downloaded clip of j2 is corrupt');
  });
});

describe('fitStill', () => {
  it('covers and crops to the clip size, and names the image in its errors', async () => {
    const png = await fitStill(good, '90x120', 'start image');
    const out = join(dir, 'fit.png');
    writeFileSync(out, png);
    expect((await probeMedia(out)).video).toMatchObject({ width: 90, height: 120 });
    const jpeg = await fitStill(good, '64x64', 'last frame', { format: 'jpeg' });
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    await expect(fitStill(join(dir, 'nope.png'), '64x64', 'start image')).rejects.toThrow(
      new InputError(`start image ${join(dir, 'nope.png')} does not exist`),
    );
    await expect(fitStill(join(dir, 'corrupt.mp4'), '64x64', 'last frame')).rejects.toThrow(
      new InputError(`last frame ${join(dir, 'corrupt.mp4')} is not a readable image`),
    );
  });
});
