import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Character, loadConfig, silentLogger } from '@beatframe/core';
import { sheetText } from '@beatframe/crew';
import {
  type OpenAIVideosEmulator,
  startOpenAIVideosEmulator,
  startVeoEmulator,
  type VeoEmulator,
} from '@beatframe/emulators';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { makeSong, testDeps } from './support/deps.js';

const MARA: Character = {
  name: 'Mara',
  description: 'a young woman',
  sheet: {
    age: 'about 27',
    face: 'oval face, deep brown eyes, a small scar through the left eyebrow',
    hair: 'shoulder-length black hair in a loose low braid',
    build: 'slim and tall',
    wardrobe: 'a long red wool coat over a black turtleneck, indigo jeans',
    colours: ['red', 'black'],
    props: ['a battered silver film camera'],
  },
};

describe('make --provider veo --image-provider openai (Gemini and OpenAI emulators)', () => {
  let dir: string;
  let veo: VeoEmulator;
  let openai: OpenAIVideosEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-keyframes-openai-'));
    [veo, openai] = await Promise.all([startVeoEmulator({ latencyMs: 150 }), startOpenAIVideosEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([veo.close(), openai.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('every keyframe of a shot that shows the character is an image edit carrying her reference still', {
    timeout: 180_000,
  }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 4);
    const dataDir = join(dir, 'data');
    const env = {
      GEMINI_API_KEY: veo.apiKey,
      GOOGLE_GEMINI_BASE_URL: veo.baseUrl,
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.baseUrl,
    };
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const sheet = sheetText(MARA);
    const prompts = [`${sheet} Mara walks under a streetlight`, `${sheet} Mara looks up at the rain`];
    const asked: string[] = [];
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...env },
      logger: silentLogger(),
      deps: {
        ...testDeps({
          shots: 2,
          provider: getProvider('veo', config),
          characters: [MARA],
          prompt: (i) => prompts[i]!,
        }),
        // Resolved by name through the registry, as `make --image-provider openai` does.
        imageProvider: async (name, c) => {
          asked.push(name);
          return getImageProvider(name, c);
        },
      },
      settings: { pollIntervalMs: 50 },
    });
    try {
      const created = await bf.createProject({
        song: { path: song },
        options: { provider: 'veo', imageProvider: 'openai', outPath: join(dir, 'out.mp4') },
        approvedUsd: APPROVE_ANY,
      });
      const worker = await bf.startWorker({ concurrency: 2 });
      const final = await bf.waitFor(created.id);
      await worker.stop();
      expect(final.error).toBeUndefined();
      expect(final.status).toBe('done');
      expect(new Set(asked)).toEqual(new Set(['openai']));

      // Mara's reference still from her sheet (text only), then each keyframe an edit that uploads that still.
      const [ref, ...keys] = openai.images.requests;
      expect(ref).toMatchObject({ route: 'generations', model: 'gpt-image-1.5', images: [] });
      expect(ref!.prompt).toContain(sheet);
      const maraStill = readFileSync(join(dataDir, 'projects', created.id, 'lookdev', 'character-1.png'));
      expect(keys).toHaveLength(2);
      for (const k of keys) {
        expect(k).toMatchObject({ route: 'edits', input_fidelity: 'high' });
        expect(k.images.map((i) => i.bytes.equals(maraStill))).toEqual([true]);
      }
      // Every clip starts from its keyframe; the stills' cost is in the decision log.
      expect(veo.bodies).toHaveLength(2);
      for (const b of veo.bodies) {
        const inst = b.body.instances[0] as { image?: { bytesBase64Encoded?: string } };
        expect(inst.image?.bytesBase64Encoded?.length).toBeGreaterThan(1000);
      }
      const stills = (await bf.decisions(created.id)).filter(
        (d) => d.role === 'lookdev' || d.role === 'keyframe',
      );
      expect(stills.reduce((a, d) => a + (d.costUsd ?? 0), 0)).toBeCloseTo(3 * 0.05 + 2 * 0.033, 6);
    } finally {
      await bf.close();
    }
  });
});
