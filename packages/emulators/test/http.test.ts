import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import {
  closeServer,
  downloadFaults,
  errorOf,
  faultQueue,
  listenLocal,
  makeTestStill,
  readBody,
  sendJson,
} from '../src/index.js';

describe('emulator http helpers', () => {
  it('reads bodies, answers JSON and closes', async () => {
    const server = createServer(async (req, res) => {
      const text = await readBody(req);
      if (req.url === '/empty') return sendJson(res, 204, undefined);
      sendJson(res, 201, { echo: text }, { 'x-id': 'r1' });
    });
    const base = await listenLocal(server);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${base}/x`, { method: 'POST', body: 'héllo' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-id')).toBe('r1');
    expect(await res.json()).toEqual({ echo: 'héllo' });
    expect(await (await fetch(`${base}/empty`)).text()).toBe('');
    await closeServer(server);
    await expect(fetch(`${base}/x`)).rejects.toThrow();
  });

  it('serves queued faults by route, as many times as asked, and counts them', () => {
    let served = 0;
    const q = faultQueue<'a' | 'b', number>(() => served++);
    q.push('a', 1, 2);
    q.push('a', 2);
    q.push('b', 3);
    expect([q.take('a'), q.take('a'), q.take('a'), q.take('a')]).toEqual([1, 1, 2, undefined]);
    expect(served).toBe(3);
    q.clear();
    expect(q.take('b')).toBeUndefined();
    const d = downloadFaults();
    d.expireNext(2);
    d.corruptNext();
    expect([d.expired(), d.expired(), d.expired()]).toEqual([true, true, false]);
    expect([d.corrupted(), d.corrupted()]).toEqual([true, false]);
    d.corruptNext(3);
    d.clear();
    expect(d.corrupted()).toBe(false);
  });

  it('makes stills, and errorOf gives what a call rejected with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-emu-still-'));
    const still = await probeMedia(await makeTestStill(join(dir, 's.png')));
    expect(still.video).toMatchObject({ width: 640, height: 480 });
    const err = new ProviderError('quota', 'out of credits');
    expect(await errorOf(Promise.reject(err))).toBe(err);
    expect(await errorOf(Promise.resolve(1))).toBeUndefined();
  });
});
