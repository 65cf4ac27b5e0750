import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '@beatframe/core';
import { makeTestStill, type ReplicateEmulator, startReplicateEmulator } from '@beatframe/emulators';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplicateProvider } from '../src/index.js';

let emu: ReplicateEmulator;
const dir = mkdtempSync(join(tmpdir(), 'bf-replicate-test-'));
const env: Record<string, string | undefined> = {};
const ctx = () => recordingContext(env);
const settle = { intervalMs: 50, timeoutMs: 60_000 };

beforeAll(async () => {
  emu = await startReplicateEmulator({ latencyMs: 300, fps: 8 });
  env.REPLICATE_API_TOKEN = emu.apiKey;
  env.REPLICATE_BASE_URL = emu.baseUrl;
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replicate', () => {
  it('runs an official model by name, or exactly a pinned version; an unknown version is "retired"', async () => {
    const latest = createReplicateProvider({ cacheDir: join(dir, 'c1') });
    const a = await latest.submit({ prompt: 'koi', seconds: 5, size: '832x480' }, ctx());
    expect(emu.inputs.at(-1)).toMatchObject({
      model: 'wan-video/wan-2.2-t2v-fast',
      input: { num_frames: 81, frames_per_second: 16, resolution: '480p', aspect_ratio: '16:9' },
    });
    expect(a.data.model).toBe('wan-video/wan-2.2-t2v-fast');
    const pinnedVersion = emu.versions['bytedance/seedance-1-lite']!;
    const pinned = createReplicateProvider({
      model: 'seedance-1-lite',
      models: { 'seedance-1-lite': { version: pinnedVersion } },
    });
    const b = await pinned.submit({ prompt: 'koi', seconds: 5, size: '864x480' }, ctx());
    expect(b.data.version).toBe(pinnedVersion);
    expect(emu.inputs.at(-1)).toMatchObject({
      version: pinnedVersion,
      input: { duration: 5, resolution: '480p' },
    });
    const gone = createReplicateProvider({
      model: 'seedance-1-lite',
      models: { 'seedance-1-lite': { version: 'f'.repeat(64) } },
    });
    const err = (await gone
      .submit({ prompt: 'koi', seconds: 5, size: '864x480' }, ctx())
      .catch((e) => e)) as ProviderError;
    expect(err.kind).toBe('retired');
    expect(err.message).toMatch(/Invalid version or not permitted|does not exist/);
    await latest.cancel?.(a, ctx());
    await pinned.cancel?.(b, ctx());
  });

  it('fetches the output as soon as the prediction succeeds, so it survives Replicate deleting it an hour later', async () => {
    const p = createReplicateProvider({ cacheDir: join(dir, 'c2') });
    const c = ctx();
    const ref = await p.submit({ prompt: 'rain on neon', seconds: 5, size: '832x480' }, c);
    expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');
    emu.expireOutputs();
    const clip = await p.download(ref, join(dir, 'kept.mp4'), c);
    expect(clip.durationSec).toBeGreaterThan(4);
    // Without the early copy the output is gone: a clear error, not a second payment.
    const other = createReplicateProvider({ cacheDir: join(dir, 'c3') });
    const err = (await other.download(ref, join(dir, 'gone.mp4'), c).catch((e) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/deleted the output of prediction \w+ \(outputs last an hour\)/);
  });

  it('sends a start image to the image-to-video model, and a webhook URL when one is configured', async () => {
    const hooks: unknown[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/replicate`;
      const p = createReplicateProvider({ webhookUrl, cacheDir: join(dir, 'c4') });
      const c = ctx();
      const still = await makeTestStill(join(dir, 'still.png'));
      const ref = await p.submit({ prompt: 'she turns', seconds: 5, size: '832x480', imagePath: still }, c);
      expect(emu.inputs.at(-1)?.model).toBe('wan-video/wan-2.2-i2v-fast');
      expect(String(emu.inputs.at(-1)?.input.image)).toMatch(/^data:image\/png;base64,/);
      expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');
      for (let i = 0; i < 100 && hooks.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(hooks[0]).toMatchObject({ id: ref.jobId, status: 'succeeded' });
    } finally {
      hook.closeAllConnections();
      await new Promise((r) => hook.close(r));
    }
  });

  it('an input the model refuses (422) is fatal with the field named; a settings typo is one line', async () => {
    const p = createReplicateProvider({ models: { 'wan-2.2-fast': { durations: [9] } } });
    const err = (await p
      .submit({ prompt: 'x', seconds: 9, size: '832x480' }, ctx())
      .catch((e) => e)) as ProviderError;
    expect(err.kind).toBe('fatal');
    expect(err.message).toMatch(/input.num_frames: num_frames must be between 81 and 121/);
    expect(() => createReplicateProvider({ webhook: 'x' })).toThrow(
      /^unknown setting providers\.replicate\.webhook; known: .*webhookUrl/,
    );
  });
});
