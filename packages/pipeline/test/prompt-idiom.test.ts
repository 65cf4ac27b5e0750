import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Character,
  loadConfig,
  ProjectOptions,
  type Shot,
  type Storyboard,
  silentLogger,
} from '@beatframe/core';
import { sheetText } from '@beatframe/crew';
import { startVeoEmulator, type VeoEmulator } from '@beatframe/emulators';
import { runFfmpeg } from '@beatframe/media';
import { getProvider } from '@beatframe/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainShot, existingKeyframe } from '../src/chaining.js';
import { clipRequestOf, requestNotes } from '../src/clip-request.js';
import { requestDigest } from '../src/ledger.js';

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
const SHEET = sheetText(MARA);

const shot = (i: number, start: number, end: number, description: string, sceneId = 'verse-1'): Shot => ({
  id: `shot-${i + 1}`,
  sceneId,
  index: i,
  start,
  end,
  description,
  mood: 'wistful',
  energy: 0.4,
});

function storyboard(shots: Shot[]): Storyboard {
  return {
    brief: { title: 't', concept: 'c', arc: 'a', mood: 'm' },
    styleBible: {
      look: 'rain-soaked neon noir, shallow depth of field',
      palette: ['teal', 'warm orange', 'deep black'],
      characters: [MARA],
      places: [],
      lens: '35mm',
      camera: 'slow dolly in',
      motifs: ['reflections in puddles'],
      avoid: ['on-screen text', 'logos'],
    },
    scenes: [],
    shots,
  };
}

// The crew's prompts as they come: a sheet first, then labelled parts (the heuristic crew's form), or free prose.
const PROMPTS = [
  `${SHEET} A young woman walks under a flickering streetlight, rain on her coat. Camera: slow dolly in, 35mm lens. Mood: wistful. Measured, flowing movement. Style: rain-soaked neon noir, shallow depth of field; palette: teal, warm orange, deep black. Recurring motif: reflections in puddles. Avoid: on-screen text, logos.`,
  'An empty wet street at night, neon signs humming. Camera: static wide shot. Style: rain-soaked neon noir; palette: teal, warm orange.',
  `${SHEET} A young woman looks up at a lit window. Close-up, 85mm, shallow focus. ${'She holds her breath as the rain slows and the light flickers over her face. '.repeat(12)}Style: rain-soaked neon noir; palette: teal, warm orange.`,
];

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('prompts in each catalogued model idiom', () => {
  const config = loadConfig({ env: {}, cwd: tmpdir() });
  const options = ProjectOptions.parse({});
  const board = storyboard(PROMPTS.map((_, i) => shot(i, i * 4, i * 4 + 4, `shot ${i + 1}`)));

  for (const name of ['veo', 'runway', 'fal', 'replicate', 'comfyui', 'openai-videos'])
    it(`${name}: every model's request holds its limits, keeps the sheet verbatim, routes the negative prompt`, () => {
      const provider = getProvider(name, config);
      const caps = provider.capabilities;
      expect(caps.models.length).toBeGreaterThan(0);
      for (const model of caps.models) {
        const style = caps.promptStyleOf?.(model);
        expect(style, `${name} ${model} has a prompt style`).toBeDefined();
        for (const [i, prompt] of PROMPTS.entries()) {
          const req = clipRequestOf(
            provider,
            { ...options, model },
            { id: `shot-${i + 1}`, shot: board.shots[i], prompt },
            { storyboard: board },
          );
          const at = `${name} ${model} shot ${i + 1}`;
          expect(req.prompt.length, at).toBeLessThanOrEqual(style!.maxChars);
          if (prompt.includes(SHEET)) expect(req.prompt, at).toContain(SHEET);
          else if (style!.maxWords) expect(words(req.prompt), at).toBeLessThanOrEqual(style!.maxWords);
          // Camera language stays where the model follows it (unless the length limit took it).
          if (style!.cameraTerms && i === 1) expect(req.prompt, at).toContain('Camera: static wide shot.');
          // The negative prompt: in the provider's field where it has one, else not sent, and never inline.
          if (style!.negative === 'field') expect(req.negativePrompt, at).toMatch(/^on-screen text, logos/);
          else expect(req.negativePrompt, at).toBeUndefined();
          expect(req.prompt, at).not.toMatch(/Avoid:/);
          // Sound: models that make it are asked for ambience only (the song is the music).
          if (style!.audio) expect(req.prompt, at).toContain(style!.audio.cue);
          else expect(req.prompt, at).not.toMatch(/^Audio:/m);
        }
      }
    });

  it('one shot, three idioms: Veo (field negatives, sound), Runway Gen-4.5 (motion first, no negatives), Sora (style first)', () => {
    const row = { id: 'shot-1', shot: board.shots[0], prompt: PROMPTS[0]! };
    const veo = clipRequestOf(getProvider('veo', config), options, row, { storyboard: board });
    expect(veo.prompt.startsWith(`${SHEET} A young woman walks`)).toBe(true);
    expect(veo.prompt.endsWith('Audio: only the quiet ambient sound of the place.')).toBe(true);
    expect(veo.negativePrompt).toBe('on-screen text, logos, music, singing, dialogue, speech, voice-over');
    const runway = clipRequestOf(getProvider('runway', config), options, row, { storyboard: board });
    expect(runway.negativePrompt).toBeUndefined();
    expect(runway.prompt).not.toMatch(/on-screen text|Audio:/);
    // Runway: the motion, then the camera, straight after the subject.
    expect(runway.prompt.indexOf('Camera:')).toBeLessThan(runway.prompt.indexOf('Mood:'));
    expect(runway.prompt.indexOf('Mood:')).toBeLessThan(runway.prompt.indexOf('Style:'));
    const sora = clipRequestOf(getProvider('openai-videos', config), options, row, { storyboard: board });
    // Sora puts the style up front; the sheet still leads, verbatim.
    expect(sora.prompt.startsWith(SHEET)).toBe(true);
    expect(sora.prompt.indexOf('Style:')).toBeLessThan(sora.prompt.indexOf('A young woman walks'));
  });

  it('a long prompt is cut to the model words on a word boundary, the sheet kept whole, and the cut is noted', () => {
    const row = { id: 'shot-3', shot: board.shots[2], prompt: PROMPTS[2]! };
    const runway = getProvider('runway', config);
    const req = clipRequestOf(runway, options, row, { storyboard: board });
    const style = runway.capabilities.promptStyleOf!(undefined)!;
    expect(req.prompt.startsWith(SHEET)).toBe(true);
    expect(words(req.prompt)).toBeLessThanOrEqual(style.maxWords!);
    expect(req.prompt).not.toContain('Style:');
    expect(requestNotes(req).join(' ')).toMatch(/kept the character sheet verbatim.*dropped style/);
  });
});

describe('chaining within one continuous scene (Veo 3.1 on the Gemini API emulator)', () => {
  let dir: string;
  let emu: VeoEmulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-chain-'));
    mkdirSync(join(dir, 'keyframes'));
    emu = await startVeoEmulator({ latencyMs: 50 });
    for (const [i, colour] of ['red', 'green', 'blue', 'yellow'].entries())
      await runFfmpeg([
        '-f',
        'lavfi',
        '-i',
        `color=c=${colour}:s=1280x720`,
        '-frames:v',
        '1',
        join(dir, 'keyframes', `shot-${i + 1}.png`),
      ]);
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a continuous shot ends on the next keyframe at no extra cost; a cut, a short clip or a start-image-only model does not chain', {
    timeout: 120_000,
  }, async () => {
    const env = { GEMINI_API_KEY: emu.apiKey, GOOGLE_GEMINI_BASE_URL: emu.baseUrl };
    const config = loadConfig({ env: {}, cwd: dir });
    const veo = getProvider('veo', config);
    const options = ProjectOptions.parse({});
    // Shots 1-2-3: one scene, no gaps, Mara in each (8-s slots buy 8-s clips); shot 4 cuts to another scene.
    // Shot 3 is continuous with shot 2 by the storyboard's word, 4 is not (another scene).
    const board = storyboard([
      shot(0, 0, 8, 'a young woman walks in the rain'),
      shot(1, 8, 16, 'a young woman stops under a streetlight'),
      shot(2, 16, 18, 'a young woman looks up'),
      shot(3, 18, 26, 'a young woman in a crowded train', 'chorus-1'),
    ]);
    const requestOf = (i: number, provider = veo) => {
      const row = { id: `shot-${i + 1}`, shot: board.shots[i]!, prompt: PROMPTS[0]! };
      const plain = clipRequestOf(provider, options, row, { storyboard: board });
      const req = chainShot(
        { ...plain, imagePath: join(dir, 'keyframes', `shot-${i + 1}.png`) },
        { provider, options, storyboard: board, keyframeOf: (id) => existingKeyframe(dir, id) },
      );
      return { plain, req };
    };
    const [one, two, three, four] = [0, 1, 2, 3].map((i) => requestOf(i));
    expect(one!.req.lastFramePath).toBe(join(dir, 'keyframes', 'shot-2.png'));
    expect(requestNotes(one!.req).join(' ')).toMatch(
      /shot-1 ends on shot-2's keyframe: one continuous scene/,
    );
    // Shot 2 is continuous with 3, but 3's slot is 2 s: 2 asks 8 s, so it chains; 3 into 4 is a cut.
    expect(two!.req.lastFramePath).toBe(join(dir, 'keyframes', 'shot-3.png'));
    expect(three!.req.lastFramePath).toBeUndefined();
    expect(four!.req.lastFramePath).toBeUndefined();
    // The same request every time (the job id is its digest): a resume never pays twice.
    expect(requestDigest(requestOf(0).req)).toBe(requestDigest(one!.req));
    // No extra cost: the chained request costs what the plain one does.
    for (const r of [one!, two!])
      expect(veo.capabilities.usdFor(r.req)).toBe(veo.capabilities.usdFor(r.plain));

    // A shot that would need a longer (dearer) clip to end on a frame is left unchained, and says why.
    const short = storyboard([shot(0, 0, 4, 'a young woman walks'), shot(1, 4, 8, 'a young woman stops')]);
    const shortReq = chainShot(
      {
        ...clipRequestOf(
          veo,
          options,
          { id: 'shot-1', shot: short.shots[0]!, prompt: 'x' },
          { storyboard: short },
        ),
        imagePath: join(dir, 'keyframes', 'shot-1.png'),
      },
      { provider: veo, options, storyboard: short, keyframeOf: (id) => existingKeyframe(dir, id) },
    );
    expect(shortReq.seconds).toBe(4);
    expect(shortReq.lastFramePath).toBeUndefined();
    expect(requestNotes(shortReq).join(' ')).toMatch(/not chained into shot-2.*8-s clips/);

    // Runway Gen-4.5 takes a start image only: no chaining there.
    const runway = getProvider('runway', config);
    expect(requestOf(0, runway).req.lastFramePath).toBeUndefined();

    // Submitted: the emulator (which refuses a last frame on anything but an 8-s clip) takes both, and shot 1's
    // last frame is the very still shot 2 starts from.
    const ctx = { logger: silentLogger(), env };
    await veo.submit(one!.req, ctx);
    await veo.submit(two!.req, ctx);
    type Img = { bytesBase64Encoded?: string };
    const [b1, b2] = emu.bodies.map((b) => b.body.instances[0] as { image?: Img; lastFrame?: Img });
    expect(b1!.lastFrame?.bytesBase64Encoded?.length).toBeGreaterThan(100);
    expect(b1!.lastFrame?.bytesBase64Encoded).toBe(b2!.image?.bytesBase64Encoded);
    expect(b1!.image?.bytesBase64Encoded).not.toBe(b2!.image?.bytesBase64Encoded);
    expect(emu.bodies[0]!.body.parameters.durationSeconds).toBe(8);
    expect(emu.bodies[0]!.body.parameters.negativePrompt).toMatch(/on-screen text, logos, music/);
  });
});
