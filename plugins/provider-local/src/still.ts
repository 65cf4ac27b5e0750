import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  type ImageProvider,
  InputError,
  type PluginContext,
  produceAtomic,
  validateSize,
} from '@beatframe/core';
import { stillOfJob } from '@beatframe/media';
import { createCanvas } from '@napi-rs/canvas';
import { coloursOfImage } from './image.js';
import { LOCAL_SIZES, SCENE_MODEL } from './provider.js';
import { drawFrame } from './scene/frame.js';
import { buildStage } from './scene/paint.js';
import { sceneFor } from './scene/spec.js';

/** References it reads colours from: more would add nothing to a three-colour palette. */
const MAX_REFERENCES = 4;

/**
 * The offline image model: one frame of the scene-v1 renderer (the same scene a clip of that prompt opens on),
 * with the reference images' colours as accents. Free and instant; it draws silhouettes, not people.
 */
export function createLocalImageProvider(): ImageProvider {
  return {
    name: 'local',
    description:
      'offline stills: one frame of the procedural scene renderer (scene-v1) drawn from the prompt, reference colours as accents; free, no faces',
    capabilities: {
      models: [SCENE_MODEL],
      sizes: LOCAL_SIZES,
      maxReferenceImages: MAX_REFERENCES,
      seed: true,
      maxPromptChars: 2000,
      usdFor: () => 0,
      concurrency: 2,
      rpm: 600,
    },
    status: () => ({ configured: true }),

    async generate(req, dest, ctx) {
      if (req.model && req.model !== SCENE_MODEL)
        throw new InputError(`local stills come from ${SCENE_MODEL}, not ${req.model}`);
      const size = validateSize(req.size, LOCAL_SIZES, 'local stills');
      const refs = req.referenceImagePaths ?? [];
      if (refs.length > MAX_REFERENCES)
        throw new InputError(
          `local stills take at most ${MAX_REFERENCES} reference images, not ${refs.length}`,
        );
      for (const r of refs) if (!existsSync(r)) throw new InputError(`reference image ${r} does not exist`);
      const palette = await paletteOf(refs, ctx);
      const scene = sceneFor(
        {
          prompt: req.prompt,
          size,
          seconds: 2,
          ...(req.seed !== undefined ? { seed: req.seed } : {}),
          ...(req.shotId ? { shotId: req.shotId } : {}),
          ...(palette.length ? { music: { bpm: 0, energy: 0.5, palette } } : {}),
        },
        { fps: 24 },
      );
      const canvas = createCanvas(scene.width, scene.height);
      const g = canvas.getContext('2d', { alpha: false });
      // A frame a little into the shot: the camera has moved and the lights are mid-pulse, as in the clip.
      drawFrame(g, scene, buildStage(scene), 12);
      const png = await canvas.encode('png');
      await produceAtomic(dest, (tmp) => writeFile(tmp, png));
      ctx.logger.info({ dest, setting: scene.setting, purpose: req.purpose }, 'local still drawn');
      return stillOfJob(
        req,
        dest,
        { width: scene.width, height: scene.height },
        { provider: 'local', model: SCENE_MODEL, seed: scene.seed, costUsd: 0 },
      );
    },
  };
}

async function paletteOf(refs: string[], ctx: PluginContext): Promise<string[]> {
  const hex = (await Promise.all(refs.map((r) => coloursOfImage(r, ctx)))).flat();
  return hex.length ? [hex.map((h) => `#${h}`).join(' ')] : [];
}
