import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Character, loadConfig, silentLogger } from '@beatframe/core';
import { sheetText } from '@beatframe/crew';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { keyframePath, makeKeyframes } from '../src/keyframes.js';
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

describe('keyframes first on Veo (Gemini API emulator)', () => {
  let dir: string;
  let emu: VeoEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-keyframes-'));
    emu = await startVeoEmulator({ latencyMs: 200 });
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the character still, one keyframe per shot with its references, and starts every clip from its keyframe', {
    timeout: 300_000,
  }, async () => {
    const song = await makeSong(join(dir, 'song.mp3'), 6);
    const dataDir = join(dir, 'data');
    const env = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const video = getProvider('veo', config);
    const image = getImageProvider('veo', config);
    const sheet = sheetText(MARA);
    const prompts = [
      `${sheet} Mara walks under a streetlight`,
      'an empty wet street, no one',
      `${sheet} Mara looks up`,
    ];
    const bf = await createBeatframe({
      config,
      env: { ...process.env, ...env },
      logger: silentLogger(),
      deps: testDeps({
        shots: 3,
        provider: video,
        imageProvider: image,
        characters: [MARA],
        prompt: (i) => prompts[i]!,
      }),
      settings: { pollIntervalMs: 50 },
    });
    let projectId = '';
    try {
      const created = await bf.createProject({
        song: { path: song },
        options: { provider: 'veo', outPath: join(dir, 'out.mp4') },
        approvedUsd: APPROVE_ANY,
      });
      projectId = created.id;
      const worker = await bf.startWorker({ concurrency: 3 });
      const final = await bf.waitFor(created.id);
      await worker.stop();
      expect(final.error).toBeUndefined();
      expect(final.status).toBe('done');

      // One reference still of Mara, then three keyframes: Mara's shots carry her still, the empty street none.
      expect(emu.imageBodies).toHaveLength(4);
      const inline = (b: VeoEmulator['imageBodies'][number]) =>
        b.body.contents
          .flatMap((c) => c.parts)
          .flatMap((p) => (p.inlineData?.data ? [p.inlineData.data] : []));
      const textOf = (b: VeoEmulator['imageBodies'][number]) =>
        b.body.contents
          .flatMap((c) => c.parts)
          .map((p) => p.text ?? '')
          .join(' ');
      const [ref, ...keys] = emu.imageBodies;
      expect(textOf(ref!)).toContain(sheet);
      expect(inline(ref!)).toEqual([]);
      const projectDir = join(dataDir, 'projects', projectId);
      const maraStill = readFileSync(join(projectDir, 'lookdev', 'character-1.png')).toString('base64');
      const keyOf = (prompt: string) =>
        keys.find((k) => textOf(k).includes(`First frame of the shot: ${prompt}`))!;
      const byShot = Object.fromEntries(prompts.map((p) => [p, keyOf(p)]));
      expect(inline(byShot[prompts[0]!]!)).toEqual([maraStill]);
      expect(inline(byShot[prompts[2]!]!)).toEqual([maraStill]);
      expect(inline(byShot[prompts[1]!]!)).toEqual([]);
      for (const k of keys) expect(k.body.generationConfig?.responseModalities).toEqual(['IMAGE']);
      expect(keys.every((k) => k.body.generationConfig?.imageConfig?.aspectRatio === '16:9')).toBe(true);

      // Every video submission starts from its keyframe (start image, so no reference images beside it).
      expect(emu.bodies).toHaveLength(3);
      for (const b of emu.bodies) {
        const inst = b.body.instances[0] as {
          image?: { bytesBase64Encoded?: string };
          referenceImages?: unknown;
        };
        expect(inst.image?.bytesBase64Encoded?.length).toBeGreaterThan(1000);
        expect(inst.referenceImages).toBeUndefined();
      }

      // The stills' cost is in the decision log and the spend.
      const log = await bf.decisions(created.id);
      const stills = log.filter((d) => d.role === 'lookdev' || d.role === 'keyframe');
      expect(stills).toHaveLength(4);
      const stillsUsd = stills.reduce((a, d) => a + (d.costUsd ?? 0), 0);
      expect(stillsUsd).toBeCloseTo(4 * 0.039 + 2 * 0.0001, 6);
      const budget = log.find((d) => d.role === 'budget' && /estimated/.test(d.summary));
      // Priced request by request: the two keyframes that carry Mara's still cost what they were paid.
      expect((budget?.output as { stillsUsd?: number } | undefined)?.stillsUsd).toBeCloseTo(stillsUsd, 6);

      const later = await bf.estimateCost({ projectId: created.id });
      expect(later.stillsUsd).toBeCloseTo(stillsUsd, 6);

      // Made again (a restarted worker): every still exists, nothing is bought twice.
      const before = emu.stats.images;
      const again = await makeKeyframes({
        dir: projectDir,
        storyboard: {
          brief: { title: 't', concept: 'c', arc: 'a', mood: 'm' },
          styleBible: {
            look: 'flat',
            palette: ['#fff'],
            characters: [MARA],
            places: [],
            lens: '',
            camera: '',
            motifs: [],
            avoid: [],
          },
          scenes: [],
          shots: [],
        },
        shots: prompts.map((p, i) => ({ id: `shot-${i + 1}`, prompt: p, description: `shot ${i + 1}` })),
        size: '1280x720',
        image,
        ctx: { logger: silentLogger(), env },
        reserve: async () => ({ ok: true }),
      });
      expect(emu.stats.images).toBe(before);
      expect(again.keyframes['shot-2']).toBe(keyframePath(projectDir, 'shot-2'));
    } finally {
      await bf.close();
    }
  });
});
