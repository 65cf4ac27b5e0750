export { type CreateBeatframeInternals, createBeatframe } from './beatframe.js';
export { type BudgetAlert, checkBudgetAlerts, refundSpend, reserveSpend } from './budget.js';
export type { IngestInput, StageDeps } from './deps.js';
export { APPROVE_ANY, Engine, type EngineSettings, SHOT_QUEUE, STAGE_QUEUE, softenPrompt } from './engine.js';
export type * from './service.js';
