import type { Crew, PluginContext, RefusalInput, Revision, RevisionInput } from '@beatframe/core';
import { heuristicCrew } from './heuristic/crew.js';

/**
 * The shots the editor would generate again after an evaluation (regenerate revisions with revised prompts).
 * Uses the given crew's editor (the LLM one when it is an LLM crew), else heuristics.
 */
export function proposeRevisions(input: RevisionInput, ctx: PluginContext, crew?: Crew): Promise<Revision[]> {
  if (crew?.proposeRevisions) return crew.proposeRevisions(input, ctx);
  return heuristicCrew().proposeRevisions(input, ctx);
}

/**
 * A new prompt after a provider's content-policy refusal: the given crew's prompt engineer (the
 * LLM one rewrites it), else the heuristic softening. Records the decision.
 */
export function revisePromptAfterRefusal(
  input: RefusalInput,
  ctx: PluginContext,
  crew?: Crew,
): Promise<string> {
  if (crew?.revisePromptAfterRefusal) return crew.revisePromptAfterRefusal(input, ctx);
  return heuristicCrew().revisePromptAfterRefusal(input, ctx);
}
