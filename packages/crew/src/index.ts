export {
  type AdaptedPrompt,
  adaptPrompt,
  cutToFit,
  type ShotPrompt,
  type ShotPromptPart,
  shotPromptOf,
} from './adapt-prompt.js';
export { type ClipMetrics, imageDataUrl, measureClip, sampleFrames } from './clipCheck.js';
export { type CreateCrewOptions, createCrew } from './createCrew.js';
export { type CrewRole, type DecisionFacts, memoryDecisions, recordDecision } from './decisions.js';
export { type BarGrid, barGrid } from './grid.js';
export { heuristicCrew } from './heuristic/crew.js';
export { clipProblems, expectedMotion, heuristicReview, heuristicRevisions } from './heuristic/editor.js';
export {
  heuristicStoryboard,
  mergeShortSlots,
  minShotSecFor,
  planSlots,
  type SlotPlan,
} from './heuristic/planner.js';
export { softenPrompt } from './heuristic/soften.js';
export { heuristicStyle } from './heuristic/styleBible.js';
export { type LlmCrewOptions, llmCrew } from './llm/llmCrew.js';
export { costUsd, DEFAULT_MODEL, type LlmSettings, resolveLlmSettings } from './llm/settings.js';
export { describeInvalid } from './llm/validation.js';
export {
  charactersIn,
  ensureCharacterSheets,
  heuristicSheet,
  isPerson,
  sheetProblems,
  sheetText,
  withSheets,
} from './lookdev.js';
export {
  assignReferences,
  carriesStyle,
  clipRequestFor,
  clipSecondsFor,
  continuesPrevious,
  fitPrompt,
  heuristicShots,
  markContinuous,
  type PromptPart,
  styleLine,
  stylePart,
} from './prompting.js';
export { proposeRevisions, revisePromptAfterRefusal } from './revisions.js';
