export { type Alert, deliverAlert, signWebhook, verifyWebhook, webhookFormat } from './alert-webhook.js';
export { type Attention, attentionOf, NEEDS_PERSON, needsPersonReason } from './attention.js';
export type * from './beatframe.js';
export { type CreateBeatframeInternals, createBeatframe } from './beatframe-service.js';
export { type BudgetAlert, checkBudgetAlerts, refundSpend, reserveSpend } from './budget.js';
export { capWarning, type EstimateRange, estimateLine, estimateRange } from './ceiling.js';
export { CELL, type SheetStill, writeContactSheet } from './contact-sheet.js';
export { dailyLimitOf } from './daily-limits.js';
export type { IngestInput, StageDeps } from './deps.js';
export { APPROVE_ANY, Engine, type EngineSettings } from './engine.js';
export { decideOnFailure, type FailureDecision } from './failure-policy.js';
export { checkCount, checkId, checkText, checkUsd, LIMITS, maxSongSec } from './limits.js';
export { SHOT_QUEUE, STAGE_QUEUE } from './queue.js';
export { softenPrompt } from './shot-error.js';
export { StepClock, type StepTime, stepOf } from './step-clock.js';
export {
  STILLS_FIRST,
  STORYBOARD_READY,
  type StoryboardPhase,
  storyboardGate,
  storyboardPhase,
} from './storyboard-gate.js';
export {
  checkLyricsFile,
  checkReplacementClip,
  checkSongHeader,
  checkSunoId,
  validateProjectRequest,
} from './validate-request.js';
export {
  keepVersion,
  listVersions,
  restoreVersion,
  type VersionIndex,
  type VideoVersion,
  versionThumb,
  versionVideo,
} from './versions.js';
