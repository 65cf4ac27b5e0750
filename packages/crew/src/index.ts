// What the pipeline uses, and the crew's factory with its settings. Everything else stays inside the package.
export { type AdaptedPrompt, adaptPrompt, type ShotPrompt, shotPromptOf } from './adapt-prompt.js';
export { type CreateCrewOptions, createCrew } from './createCrew.js';
export { mergeShortSlots, minShotSecFor, planSlots, type SlotPlan } from './heuristic/planner.js';
export type { LlmSettings } from './llm/settings.js';
export { charactersIn, sheetText } from './lookdev.js';
export { continuesPrevious } from './prompting.js';
