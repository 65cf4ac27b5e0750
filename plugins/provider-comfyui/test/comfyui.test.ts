import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError, ProviderError, type ProviderJobRef } from '@beatframe/core';
import { type ComfyUIEmulator, makeTestStill, startComfyUIEmulator } from '@beatframe/emulators';
import { probeMedia } from '@beatframe/media';
import { pollUntilSettled, recordingContext } from '@beatframe/provider-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_DIR } from '../src/catalogue.js';
import { createComfyUIProvider } from '../src/index.js';

let emu: ComfyUIEmulator;
const dir = mkdtempSync(join(tmpdir(), 'bf-comfyui-test-'));
const env: Record<string, string | undefined> = {};
const ctx = () => recordingContext(env);
const settle = { intervalMs: 50, timeoutMs: 60_000 };
let still = '';

beforeAll(async () => {
  emu = await startComfyUIEmulator({ latencyMs: 300 });
  env.COMFYUI_URL = emu.baseUrl;
  still = await makeTestStill(join(dir, 'still.png'));
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The workflow the server received for a prompt, and a node of it by title. */
function received(id: string) {
  const got = emu.accepted.filter((a) => a.prompt_id === id).at(-1)!;
  const byTitle = (t: string) => Object.values(got.prompt).find((n) => n._meta?.title === t);
  return { got, byTitle };
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('comfyui: workflows are data, filled by node title', () => {
  it('fills prompt, negative, seed, size, frames and fps into the titled nodes; quantises frames (8k+1) as a decision', async () => {
    const p = createComfyUIProvider();
    const c = ctx();
    const ref = await p.submit(
      { prompt: 'neon koi in the rain', negativePrompt: 'blurry', seed: 1234, seconds: 1.5, size: '768x512' },
      c,
    );
    const { byTitle } = received(ref.jobId);
    expect(byTitle('Positive Prompt')?.inputs.text).toBe('neon koi in the rain');
    expect(byTitle('Negative Prompt')?.inputs.text).toBe('blurry');
    expect(byTitle('Seed')?.inputs.noise_seed).toBe(1234);
    // 1.5 s at 24 fps is 36 frames; LTX-Video takes 8k+1: 41.
    expect(byTitle('Video Latent')?.inputs).toMatchObject({ width: 768, height: 512, length: 41 });
    expect(byTitle('Frame Rate Conditioning')?.inputs.frame_rate).toBe(24);
    expect(byTitle('Create Video')?.inputs.fps).toBe(24);
    expect(c.recorded.find((d) => d.role === 'frame-snap')?.summary).toMatch(
      /8k\+1 frames: 1.5s .* 41 frames/,
    );
    expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');
    const clip = await p.download(ref, join(dir, 'ltx.mp4'), c);
    const info = await probeMedia(clip.path);
    expect(info.video?.frames ?? Math.round(info.durationSec * 24)).toBe(41);
    expect(clip.costUsd).toBe(0);
    expect(clip.gpuSeconds).toBeGreaterThan(0);
  });

  it("a user's workflow with other node ids still fills by title; a missing title or a UI export is a one-line ConfigError", async () => {
    const graph = JSON.parse(readFileSync(join(WORKFLOW_DIR, 'ltx-video-t2v.json'), 'utf8')) as Record<
      string,
      { inputs: Record<string, unknown> }
    >;
    // Renumber every node (as an edit in the UI does) and rewrite the links to match.
    const rename = (id: string) => String(Number(id) + 100);
    const moved = Object.fromEntries(
      Object.entries(graph).map(([id, n]) => [
        rename(id),
        {
          ...n,
          inputs: Object.fromEntries(
            Object.entries(n.inputs).map(([k, v]) => [
              k,
              Array.isArray(v) ? [rename(String(v[0])), v[1]] : v,
            ]),
          ),
        },
      ]),
    );
    const file = join(dir, 'my-ltx.json');
    writeFileSync(file, JSON.stringify(moved));
    writeFileSync(
      join(dir, 'my-ltx.mapping.json'),
      readFileSync(join(WORKFLOW_DIR, 'ltx-video-t2v.mapping.json')),
    );
    const p = createComfyUIProvider({ workflows: { 'my-ltx': file }, model: 'my-ltx' });
    expect(p.capabilities.models[0]).toBe('my-ltx');
    const c = ctx();
    const ref = await p.submit({ prompt: 'paper boats', seconds: 2, size: '512x768' }, c);
    expect(received(ref.jobId).got.prompt['106']?.inputs).toMatchObject({
      width: 512,
      height: 768,
      length: 49,
    });
    expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');

    const mapping = JSON.parse(readFileSync(join(WORKFLOW_DIR, 'ltx-video-t2v.mapping.json'), 'utf8'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(moved));
    writeFileSync(
      join(dir, 'bad.mapping.json'),
      JSON.stringify({ ...mapping, nodes: { ...mapping.nodes, seed: 'Noise' } }),
    );
    const bad = () => createComfyUIProvider({ workflows: { bad: join(dir, 'bad.json') }, model: 'bad' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/no node titled "Noise"; its titles: .*"Seed"/);
    writeFileSync(join(dir, 'ui.json'), JSON.stringify({ nodes: [], links: [] }));
    writeFileSync(join(dir, 'ui.mapping.json'), JSON.stringify(mapping));
    expect(() => createComfyUIProvider({ workflows: { ui: join(dir, 'ui.json') }, model: 'ui' })).toThrow(
      /UI format: export it with "Export \(API\)"/,
    );
    const typo = () => createComfyUIProvider({ workflow: { x: 'y' } });
    expect(typo).toThrow(ConfigError);
    expect(typo).toThrow(/^unknown setting providers\.comfyui\.workflow; known: .*workflows/);
  });

  it('uploads a start image for image-to-video; an optional end image left out drops its node and links', async () => {
    const p = createComfyUIProvider({ model: 'wan-2.2-14b' });
    const c = ctx();
    const uploads = emu.stats.uploads;
    const ref = await p.submit(
      { prompt: 'a dancer turns', seconds: 2, size: '832x480', imagePath: still },
      c,
    );
    expect(emu.stats.uploads).toBe(uploads + 1);
    const { got, byTitle } = received(ref.jobId);
    expect(byTitle('Start Image')?.inputs.image).toBe(`beatframe/${ref.jobId}-start.png`);
    expect(byTitle('End Image')).toBeUndefined();
    const i2v = byTitle('Image To Video')!;
    expect(i2v.class_type).toBe('WanFirstLastFrameToVideo');
    expect(i2v.inputs.end_image).toBeUndefined();
    expect(i2v.inputs.length).toBe(33); // 2 s at 16 fps, 4k+1
    expect(
      Object.values(got.prompt).find((n) => n._meta?.title === 'High Noise Model')?.inputs.unet_name,
    ).toMatch(/i2v/);
    expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');

    const both = await p.submit(
      { prompt: 'a dancer lands', seconds: 2, size: '832x480', imagePath: still, lastFramePath: still },
      c,
    );
    expect(received(both.jobId).byTitle('End Image')?.inputs.image).toBe(`beatframe/${both.jobId}-end.png`);
    await p.cancel?.(both, c);
    await expect(
      p.submit({ prompt: 'x', seconds: 2, size: '832x480', lastFramePath: still }, c),
    ).rejects.toThrow(/cannot end on a given last frame/);
  });

  it('a model file the server lacks is a fatal error that names the node and the folder to put it in', async () => {
    const lean = await startComfyUIEmulator({ latencyMs: 200, models: { diffusion_models: [] } });
    try {
      const p = createComfyUIProvider({ model: 'wan-2.2-5b' });
      const err = await p
        .submit(
          { prompt: 'x', seconds: 2, size: '1280x704' },
          recordingContext({ COMFYUI_URL: lean.baseUrl }),
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe('fatal');
      expect((err as Error).message).toMatch(
        /"Load TI2V 5B Model" \(UNETLoader\): unet_name: 'wan2.2_ti2v_5B_fp16.safetensors' not in .* put it in ComfyUI\/models\/diffusion_models/,
      );
      expect((err as Error).message).not.toContain('\n');
      expect(lean.stats.refused).toBe(1);
    } finally {
      await lean.close();
    }
  });

  it('rejects what a workflow cannot do before anything is queued', async () => {
    const p = createComfyUIProvider({ model: 'wan-2.2-14b' });
    const before = emu.stats.prompts;
    await expect(p.submit({ prompt: 'x', seconds: 2, size: '768x512' }, ctx())).rejects.toThrow(InputError);
    await expect(
      p.submit({ prompt: 'x', seconds: 2, size: '832x480', referenceImagePaths: [still] }, ctx()),
    ).rejects.toThrow(/no reference images/);
    expect(emu.stats.prompts).toBe(before);
  });
});

describe('comfyui: queue, progress, restarts and cancel', () => {
  it('without the websocket, polling /queue and /history reports the queue position as rising progress, then done', async () => {
    const p = createComfyUIProvider({ websocket: false });
    const c = ctx();
    const refs: ProviderJobRef[] = [];
    for (let i = 0; i < 3; i++)
      refs.push(await p.submit({ prompt: `queued ${i}`, seconds: 1, size: '512x768' }, c));
    const seen: Array<{ state: string; progress?: number }> = [];
    const st = await pollUntilSettled(p, refs[2]!, c, { ...settle, onStatus: (s) => seen.push(s) });
    expect(st.state).toBe('done');
    const queued = seen.filter((s) => s.state === 'queued').map((s) => s.progress ?? 0);
    expect(queued.length).toBeGreaterThan(0);
    expect(queued[0]).toBe(0);
    expect(Math.max(...queued)).toBeGreaterThan(0);
    expect(Math.max(...queued)).toBeLessThanOrEqual(0.1);
    expect(emu.stats.sockets).toBeGreaterThanOrEqual(0);
    for (const r of refs) expect((await pollUntilSettled(p, r, c, settle)).state).toBe('done');
  });

  it('a restarted server (history lost) is noticed and the prompt queued again once under the same id, logged', async () => {
    const p = createComfyUIProvider();
    const c = ctx();
    const ref = await p.submit({ prompt: 'restart me', seconds: 1, size: '512x768' }, c);
    await until(() => emu.queueLength() > 0);
    emu.restart();
    const st = await pollUntilSettled(p, ref, c, settle);
    expect(st.state).toBe('done');
    expect(emu.accepted.filter((a) => a.prompt_id === ref.jobId)).toHaveLength(2);
    expect(c.recorded.find((d) => d.role === 'requeue')?.summary).toMatch(
      /no longer knows prompt .*queued it again once/,
    );
    const clip = await p.download(ref, join(dir, 'requeued.mp4'), c);
    expect(clip.durationSec).toBeGreaterThan(0);

    const twice = await p.submit({ prompt: 'restart me twice', seconds: 1, size: '512x768' }, c);
    emu.restart();
    // Queued again; on a busy machine the emulator may already have started it.
    expect(['queued', 'running']).toContain((await p.poll(twice, c)).state);
    emu.restart();
    const failed = await pollUntilSettled(p, twice, c, settle);
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('retryable');
    expect(failed.error?.message).toMatch(/lost prompt .* again/);
  });

  it('cancel interrupts the running prompt and takes a waiting one off the queue', async () => {
    const p = createComfyUIProvider();
    const c = ctx();
    const first = await p.submit({ prompt: 'long one', seconds: 2, size: '512x768' }, c);
    const second = await p.submit({ prompt: 'waiting one', seconds: 2, size: '512x768' }, c);
    await until(() => emu.queueLength() === 2);
    const { interrupts, deletions } = emu.stats;
    await p.cancel?.(second, c);
    expect(emu.stats.deletions).toBe(deletions + 1);
    await p.cancel?.(first, c);
    expect(emu.stats.interrupts).toBe(interrupts + 1);
    const st = await pollUntilSettled(createComfyUIProvider(), first, c, settle);
    expect(st.state).toBe('failed');
    expect(st.error?.message).toMatch(/interrupted/);
  });
});
