import {
  type ClipReview,
  type Crew,
  InputError,
  type PlanInput,
  type PluginContext,
  type RefusalInput,
  type ReviewInput,
} from '@beatframe/core';
import { type ClipMetrics, measureClip } from '../clipCheck.js';
import { recordDecision, recordRevisions } from '../decisions.js';
import { heuristicShots } from '../prompting.js';
import { heuristicReview, heuristicRevisions } from './editor.js';
import { heuristicPlan } from './planner.js';
import { softenPrompt } from './soften.js';

export function refusalLimit(input: RefusalInput): number {
  return input.maxPromptChars ?? Math.max(input.prompt.length, 400);
}

export const HEURISTIC_MODEL = 'heuristic';

/** Plan input without the bulky parts, for digests (the same song and options give the same digest). */
export function planDigestInput(input: PlanInput): unknown {
  return {
    song: {
      title: input.song.title,
      styleTags: input.song.styleTags,
      lyrics: input.song.lyrics,
      durationSec: input.song.durationSec,
    },
    analysis: input.analysis,
    options: input.options,
    provider: {
      name: input.provider.name,
      capabilities: { ...input.provider.capabilities, usdFor: undefined },
    },
  };
}

function summarizeReview(r: ClipReview): string {
  return `${r.action}: ${r.reasons.join('; ')}`;
}

/** The offline crew: deterministic, music-driven, needs no key and no network. It has every member of the contract. */
export function heuristicCrew(): Required<Crew> {
  return {
    name: 'heuristic',
    async plan(input, ctx) {
      const t0 = performance.now();
      const { storyboard, looks, family } = heuristicPlan(input);
      const places = [...new Set(looks.map((l) => l.key))];
      await recordDecision(ctx, {
        role: 'planner',
        // Which places the shots visit, so a reader of the log sees why consecutive shots differ.
        summary: `storyboard: ${storyboard.scenes.length} scenes, ${storyboard.shots.length} shots; ${storyboard.brief.mood}; ${places.length} places from the theme's ${family} family, none twice in a row (${places.join(', ')})`,
        input: planDigestInput(input),
        output: storyboard,
        model: HEURISTIC_MODEL,
        ms: performance.now() - t0,
      });
      return storyboard;
    },
    async writePrompts(storyboard, input, ctx) {
      const t0 = performance.now();
      const shots = heuristicShots(storyboard, input);
      await recordDecision(ctx, {
        role: 'prompter',
        summary: `${shots.length} prompts for ${input.provider.name} (≤ ${input.provider.capabilities.maxPromptChars} chars)`,
        input: {
          storyboard,
          provider: input.provider.name,
          capabilities: { ...input.provider.capabilities, usdFor: undefined },
        },
        output: shots.map((s) => ({
          id: s.id,
          prompt: s.prompt,
          clipSeconds: s.clipSeconds,
          referenceShotId: s.referenceShotId,
        })),
        model: HEURISTIC_MODEL,
        ms: performance.now() - t0,
      });
      return shots;
    },
    async review(input, ctx) {
      const t0 = performance.now();
      const review = await reviewWithHeuristics(input, ctx);
      await recordDecision(ctx, {
        role: 'editor',
        shotId: input.shot.id,
        summary: summarizeReview(review),
        input: reviewDigestInput(input),
        output: review,
        model: HEURISTIC_MODEL,
        ms: performance.now() - t0,
      });
      return review;
    },
    // No eyes here: the pipeline measures a clip's drift from its keyframe itself.
    async judgeContinuity() {
      return undefined;
    },
    async revisePromptAfterRefusal(input, ctx) {
      const t0 = performance.now();
      const { prompt, changed } = softenPrompt(
        input.prompt,
        input.storyboard?.styleBible,
        refusalLimit(input),
      );
      await recordDecision(ctx, {
        role: 'prompter',
        stage: 'generate',
        shotId: input.shot.id,
        summary:
          `rewrote the refused prompt${changed.length ? ` (softened: ${changed.join(', ')})` : ''}: ${input.error}`.slice(
            0,
            300,
          ),
        input: { shot: input.shot.id, prompt: input.prompt, error: input.error },
        output: { prompt },
        model: HEURISTIC_MODEL,
        ms: performance.now() - t0,
      });
      return prompt;
    },
    async proposeRevisions(input, ctx) {
      const t0 = performance.now();
      const revisions = heuristicRevisions(input);
      await recordRevisions(ctx, input, revisions, { model: HEURISTIC_MODEL, ms: performance.now() - t0 });
      return revisions;
    },
  };
}

export function reviewDigestInput(input: ReviewInput): unknown {
  return {
    shot: input.shot,
    clip: input.clip,
    attempt: input.attempt,
    expected: input.expected,
    style: input.storyboard.styleBible,
  };
}

/** The editor's heuristic verdict on a clip file (ffprobe + sampled frames). */
export async function reviewWithHeuristics(
  input: ReviewInput,
  ctx: Pick<PluginContext, 'signal'>,
): Promise<ClipReview> {
  let metrics: ClipMetrics;
  try {
    metrics = await measureClip(input.clip.path, ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    // A file ffprobe cannot read is a failed take: ask again while takes remain, else say so.
    if (!(err instanceof InputError)) throw err;
    if (input.attempt >= (input.maxAttempts ?? 2))
      throw new InputError(
        `shot ${input.shot.id}: clip ${input.clip.path} is not readable video after ${input.attempt} takes`,
        {
          cause: err,
        },
      );
    return { action: 'regenerate', reasons: [`clip ${input.clip.path} is not readable video`], score: 0 };
  }
  return heuristicReview({
    shot: input.shot,
    storyboard: input.storyboard,
    metrics,
    attempt: input.attempt,
    maxAttempts: input.maxAttempts ?? 2,
    ...(input.expected ? { expected: input.expected } : {}),
    ...(input.canRemix !== undefined ? { canRemix: input.canRemix } : {}),
    ...(input.expected?.maxPromptChars ? { maxPromptChars: input.expected.maxPromptChars } : {}),
  });
}
