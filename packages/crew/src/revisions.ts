import type { PluginContext } from '@beatframe/core';
import {
  type BeatframeCrew,
  heuristicCrew,
  type RefusalInput,
  type RevisionInput,
} from './heuristic/crew.js';
import type { Revision } from './heuristic/editor.js';

/**
 * What the editor would change after an evaluation (regenerate shots, recut on beats, add
 * transitions). Uses the given crew's editor (the LLM one when it is an LLM crew), else heuristics.
 */
export function proposeRevisions(
  input: RevisionInput,
  ctx: PluginContext,
  crew?: BeatframeCrew,
): Promise<Revision[]> {
  return (crew ?? heuristicCrew()).proposeRevisions(input, ctx);
}

/**
 * A new prompt after a provider's content-policy refusal: the given crew's prompt engineer (the
 * LLM one rewrites it), else the heuristic softening. Records the decision.
 */
export function revisePromptAfterRefusal(
  input: RefusalInput,
  ctx: PluginContext,
  crew?: BeatframeCrew,
): Promise<string> {
  return (crew ?? heuristicCrew()).revisePromptAfterRefusal(input, ctx);
}
