import { z } from 'zod';

// What the models answer. Every field is required (nullable where it may be absent) because strict
// structured outputs reject optional fields; the crew maps these onto the core schemas.

const Named = z.object({ name: z.string(), description: z.string() });

/** A person's fixed look (null for things, which have none); the crew checks it, strict output cannot. */
const Sheet = z.object({
  age: z.string().describe('e.g. "about 27"'),
  face: z.string().describe('face shape, eyes, one distinguishing mark'),
  hair: z.string().describe('length, colour, style'),
  build: z.string(),
  wardrobe: z.string().describe('garments with their colours, the same in every shot'),
  colours: z.array(z.string()).describe('the wardrobe colours, words'),
  props: z.array(z.string()),
});

export const PlannerAnswer = z.object({
  brief: z.object({
    title: z.string(),
    concept: z.string().describe('the video idea in one or two sentences'),
    arc: z.string().describe('how the story or visuals develop across the song'),
    mood: z.string(),
  }),
  styleBible: z.object({
    look: z.string().describe('the overall visual look in a short phrase'),
    palette: z.array(z.string()).describe('3-5 colour words'),
    characters: z.array(
      Named.extend({
        sheet: Sheet.nullable().describe('for a recurring person: a fixed, specific character sheet'),
      }),
    ),
    places: z.array(Named),
    lens: z.string(),
    camera: z.string().describe('camera language: moves and framing'),
    motifs: z.array(z.string()),
    avoid: z.array(z.string()),
  }),
  scenes: z.array(z.object({ id: z.string(), description: z.string(), mood: z.string() })),
  shots: z.array(
    z.object({
      id: z.string(),
      description: z.string().describe('what is seen: subject, action, place'),
      mood: z.string(),
      camera: z.string().describe('shot size and camera move'),
    }),
  ),
});
export type PlannerAnswer = z.infer<typeof PlannerAnswer>;

export const PrompterAnswer = z.object({
  prompts: z.array(z.object({ shotId: z.string(), prompt: z.string() })),
});
export type PrompterAnswer = z.infer<typeof PrompterAnswer>;

export const EditorAnswer = z.object({
  action: z.enum(['accept', 'regenerate', 'remix']),
  reasons: z.array(z.string()),
  prompt: z.string().nullable().describe('the revised prompt for regenerate or remix, else null'),
  score: z.number().describe('0 to 1: how well the clip serves the shot'),
});
export type EditorAnswer = z.infer<typeof EditorAnswer>;

export const ContinuityAnswer = z.object({
  holds: z
    .boolean()
    .describe(
      'true when the clip keeps the keyframe: the same subject, face, wardrobe, place, light and look',
    ),
  reasons: z.array(z.string()).describe('what changed from the keyframe or the references, or what held'),
  score: z.number().describe('0 (another picture) to 1 (the keyframe set in motion)'),
});
export type ContinuityAnswer = z.infer<typeof ContinuityAnswer>;

export const RevisionsAnswer = z.object({
  revisions: z.array(
    z.object({
      kind: z.enum(['regenerate', 'recut', 'transition']),
      shotId: z.string().nullable(),
      prompt: z.string().nullable(),
      reason: z.string(),
    }),
  ),
});
export type RevisionsAnswer = z.infer<typeof RevisionsAnswer>;

export const RewriteAnswer = z.object({
  prompt: z.string().describe('the rewritten prompt'),
});
export type RewriteAnswer = z.infer<typeof RewriteAnswer>;
