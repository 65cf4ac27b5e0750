import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@beatframe/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDefaultDeps } from '../src/default-deps.js';

describe("keyframes' image model when the user names none", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-image-default-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dir }, cwd: dir });

  it("is the video vendor's own for veo, and only on request for OpenAI Videos and fal", async () => {
    const deps = await loadDefaultDeps();
    const image = deps.imageProvider!;
    expect((await image('veo', config, { byDefault: true }))?.name).toMatch(/gemini|veo/);
    // A Sora-protocol gateway may not serve OpenAI's image API: its runs buy no stills unasked.
    expect(await image('openai-videos', config, { byDefault: true })).toBeUndefined();
    expect(await image('fal', config, { byDefault: true })).toBeUndefined();
    // Named with --image-provider, they are used.
    expect((await image('openai', config))?.name).toBe('openai-images');
    expect((await image('fal', config))?.name).toBe('fal-images');
    // A plugin without image models is no image model, asked or not.
    expect(await image('runway', config)).toBeUndefined();
  });
});
