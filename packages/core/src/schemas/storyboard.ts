import { z } from 'zod';
import { SectionLabel } from './music.js';

export const Aspect = z.enum(['16:9', '9:16', '1:1']);
export type Aspect = z.infer<typeof Aspect>;

export const Resolution = z.enum(['720p', '1080p']);
export type Resolution = z.infer<typeof Resolution>;

/** Pixel size for an aspect and resolution: 720p means the short side is 720. */
export function frameSize(
  aspect: Aspect,
  resolution: Resolution = '720p',
): { width: number; height: number } {
  const short = resolution === '1080p' ? 1080 : 720;
  const long = resolution === '1080p' ? 1920 : 1280;
  if (aspect === '16:9') return { width: long, height: short };
  if (aspect === '9:16') return { width: short, height: long };
  return { width: short, height: short };
}

/**
 * A recurring subject's fixed, specific description, so every shot (and every reference still) shows the same
 * person: text-only models get it verbatim in each prompt that shows them; image models get its reference stills.
 */
export const CharacterSheet = z.object({
  age: z.string(),
  face: z.string(),
  hair: z.string(),
  build: z.string(),
  wardrobe: z.string(),
  /** The wardrobe's colours, words. */
  colours: z.array(z.string()),
  props: z.array(z.string()).default([]),
});
export type CharacterSheet = z.infer<typeof CharacterSheet>;

export const Character = z.object({
  name: z.string(),
  /** The short phrase shots name them by ("a young woman"). */
  description: z.string(),
  sheet: CharacterSheet.optional(),
});
export type Character = z.infer<typeof Character>;

/** Keeps shots consistent: everything a prompt must carry so the clips look like one film. */
export const StyleBible = z.object({
  look: z.string(),
  palette: z.array(z.string()).min(1),
  characters: z.array(Character).default([]),
  places: z.array(z.object({ name: z.string(), description: z.string() })).default([]),
  lens: z.string(),
  camera: z.string(),
  /** The look's light and grade (look development), when the crew set them. */
  light: z.string().optional(),
  grade: z.string().optional(),
  motifs: z.array(z.string()).default([]),
  avoid: z.array(z.string()).default([]),
});
export type StyleBible = z.infer<typeof StyleBible>;

export const CreativeBrief = z.object({
  title: z.string(),
  concept: z.string(),
  /** How the story or visuals develop across the song. */
  arc: z.string(),
  mood: z.string(),
});
export type CreativeBrief = z.infer<typeof CreativeBrief>;

export const Scene = z.object({
  id: z.string(),
  sectionIndex: z.number().int().nonnegative(),
  label: SectionLabel,
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  description: z.string(),
  mood: z.string(),
  energy: z.number().min(0).max(1),
});
export type Scene = z.infer<typeof Scene>;

export const Shot = z.object({
  id: z.string(),
  sceneId: z.string(),
  index: z.number().int().nonnegative(),
  /** The slot this shot fills in the song, seconds. */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  description: z.string(),
  mood: z.string(),
  energy: z.number().min(0).max(1),
  camera: z.string().optional(),
  /** Filled by the prompt engineer. */
  prompt: z.string().optional(),
  /** Clip length asked of the provider (one of its allowed durations). */
  clipSeconds: z.number().positive().optional(),
  /** Shot id whose last frame seeds this one (image-to-video continuity). */
  referenceShotId: z.string().optional(),
  /**
   * This shot carries on the previous one without a cut in time or place (one continuous scene): on a model that
   * ends a clip on a given last frame, the previous clip is asked to end on this shot's keyframe. Set by the crew;
   * absent, the pipeline applies the crew's rule (`continuesPrevious`).
   */
  continuous: z.boolean().optional(),
});
export type Shot = z.infer<typeof Shot>;

export const Storyboard = z.object({
  brief: CreativeBrief,
  styleBible: StyleBible,
  scenes: z.array(Scene),
  shots: z.array(Shot),
});
export type Storyboard = z.infer<typeof Storyboard>;
