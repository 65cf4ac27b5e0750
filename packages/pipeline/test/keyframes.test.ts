import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Character, type ContinuityInput, loadConfig, silentLogger } from '@beatframe/core';
import { sheetText } from '@beatframe/crew';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { getImageProvider, getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { keyframePath, makeKeyframes } from '../src/keyframes.js';
import { CONTINUITY_CUE } from '../src/stages/review.js';
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

  it('makes the character still, one keyframe per shot with its references, starts every clip from its keyframe, chains one continuous scene, and writes prompts in Veo idiom', {
    timeout: 300_000,
  }, async () => {
    // 8-s slots: Veo 3.1 ends on a given last frame in 8-s clips only, so these shots chain at no extra cost.
    const song = await makeSong(join(dir, 'song.mp3'), 24);
    const dataDir = join(dir, 'data');
    const env = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dataDir });
    const video = getProvider('veo', config);
    const image = getImageProvider('veo', config);
    const sheet = sheetText(MARA);
    const judged: ContinuityInput[] = [];
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
        clipSeconds: 8,
        // A vision editor: Mara's close-up left its keyframe on its first take (by eye, whatever the
        // measurement says); every other clip holds.
        continuity: (input) => {
          judged.push(input);
          const first = judged.filter((j) => j.shot.id === input.shot.id).length === 1;
          const drifted = first && !!input.shot.prompt?.includes('Mara looks up');
          return {
            holds: !drifted,
            reasons: [drifted ? 'her coat is blue, the keyframe red' : 'the same woman, coat and street'],
            by: 'test-vision',
          };
        },
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

      // The vision editor saw every clip with its keyframe and the references of the characters it shows; the
      // clip it judged drifted was made again once from its keyframe, with words that hold it there.
      const shotIds = ['shot-1', 'shot-2', 'shot-3'];
      expect(judged.map((j) => j.shot.id).sort()).toEqual(['shot-1', 'shot-2', 'shot-3', 'shot-3']);
      for (const j of judged) {
        expect(j.keyframePath).toBe(keyframePath(projectDir, j.shot.id));
        expect(j.clipPath).toMatch(/\.mp4$/);
        expect(j.measured?.threshold).toBe(0.25);
        const refs = j.shot.prompt?.includes('Mara') ? [join(projectDir, 'lookdev', 'character-1.png')] : [];
        expect(j.referenceImagePaths).toEqual(refs);
      }
      expect(shotIds.every((id) => judged.some((j) => j.shot.id === id))).toBe(true);
      const byEye = (await bf.decisions(created.id)).filter(
        (d) => d.role === 'editor' && /judged by eye \(test-vision\)/.test(d.summary),
      );
      expect(byEye).toHaveLength(4);
      expect(byEye.filter((d) => /drifted \(her coat is blue/.test(d.summary)).map((d) => d.shotId)).toEqual([
        'shot-3',
      ]);
      expect(
        emu.bodies.filter((b) => String(b.body.instances[0]!.prompt).includes(CONTINUITY_CUE)),
      ).toHaveLength(1);

      // Every video submission starts from its keyframe (start image, so no reference images beside it).
      expect(emu.bodies).toHaveLength(4);
      for (const b of emu.bodies) {
        const inst = b.body.instances[0] as {
          image?: { bytesBase64Encoded?: string };
          referenceImages?: unknown;
        };
        expect(inst.image?.bytesBase64Encoded?.length).toBeGreaterThan(1000);
        expect(inst.referenceImages).toBeUndefined();
      }

      // One continuous scene (the test crew's three shots: one scene, no gaps, no character named in their
      // descriptions): shot 1 ends on the still shot 2 starts from, shot 2 on shot 3's; shot 3 ends the scene.
      const bodyOf = (words: string) => {
        const b = emu.bodies.find((x) => String(x.body.instances[0]!.prompt).includes(words))!;
        return b as typeof b & {
          body: { instances: Array<{ prompt: string; image?: Img; lastFrame?: Img }> };
        };
      };
      type Img = { bytesBase64Encoded?: string };
      const [walks, street, looks] = [
        bodyOf('Mara walks under a streetlight'),
        bodyOf('an empty wet street'),
        bodyOf('Mara looks up'),
      ];
      expect(walks.body.instances[0]!.lastFrame?.bytesBase64Encoded).toBe(
        street.body.instances[0]!.image?.bytesBase64Encoded,
      );
      expect(street.body.instances[0]!.lastFrame?.bytesBase64Encoded).toBe(
        looks.body.instances[0]!.image?.bytesBase64Encoded,
      );
      expect(looks.body.instances[0]!.lastFrame).toBeUndefined();
      for (const b of emu.bodies) expect(b.body.parameters.durationSeconds).toBe(8);
      // In Veo's idiom: the sheet verbatim first, then the shot, then the sound it should make; what not to hear
      // goes to Veo's negativePrompt field.
      expect(walks.body.instances[0]!.prompt).toBe(
        `${sheet} Mara walks under a streetlight. Audio: only the quiet ambient sound of the place.`,
      );
      for (const b of emu.bodies)
        expect(b.body.parameters.negativePrompt).toBe('music, singing, dialogue, speech, voice-over');

      // The stills' cost is in the decision log and the spend.
      const log = await bf.decisions(created.id);
      const chained = log.filter(
        (d) => d.role === 'prompt-engineer' && /one continuous scene/.test(d.summary),
      );
      expect(chained.map((d) => d.shotId).sort()).toEqual(['shot-1', 'shot-2']);
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
