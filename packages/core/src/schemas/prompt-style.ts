import { z } from 'zod';

/** The parts of a shot prompt, as the prompt engineer labels them. */
export const PromptPartKind = z.enum(['subject', 'setting', 'camera', 'mood', 'style', 'motif', 'audio']);
export type PromptPartKind = z.infer<typeof PromptPartKind>;

/**
 * How a video model wants its prompt written (its vendor's prompt guide, condensed into what a program can honour):
 * a model catalogue entry carries one, and the prompt engineer (crew `adaptPrompt`) rewrites each shot's prompt
 * into it where the request is built.
 */
export const PromptStyle = z
  .object({
    /** Hard limit, characters (the API refuses or cuts longer prompts). */
    maxChars: z.number().int().positive(),
    /** Soft limit, words: past it the vendor says the model follows the prompt worse. Sheets are kept anyway. */
    maxWords: z.number().int().positive().optional(),
    /** Does the model follow camera language (dolly in, pan, close-up, 35mm)? Camera parts are dropped if not. */
    cameraTerms: z.boolean(),
    /**
     * Where what to avoid goes: the request's own negative-prompt field, inline in the prompt ("Avoid: …"), or
     * nowhere (models that draw what a prompt names, negated or not: Runway's guide asks for positive phrasing).
     */
    negative: z.enum(['field', 'inline', 'none']),
    /** The model makes sound: what the prompt asks of it, and what goes to the negative prompt (Veo, Sora). */
    audio: z.object({ cue: z.string(), avoid: z.array(z.string()).default([]) }).optional(),
    /** The parts in the order the model weighs them (first = most weight); parts not named go last. */
    order: z.array(PromptPartKind).min(1),
    /** Sentences, or comma-separated tags (Stable Diffusion-style workflows). */
    form: z.enum(['prose', 'tags']).default('prose'),
  })
  .strict();
export type PromptStyle = z.infer<typeof PromptStyle>;
