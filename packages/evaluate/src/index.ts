export { type AudioAlignment, alignAudio, energyCurve, fallbackAnalysis, onsetEnvelope } from './audio.js';
export { beatSyncScore, nearestBeatDelta, onBeatChance, onBeatShare, onBeatWindow } from './beats.js';
export { type CutDetectionOptions, detectCuts, frameDistance, histDistance } from './cuts.js';
export {
  type DecodedAudio,
  type DecodedVideo,
  decodeAudio,
  decodeVideo,
  type FrameFeatures,
} from './decode.js';
export { type EvaluateOptions, type EvaluationResult, evaluateRender, evaluateVideo } from './evaluate.js';
export { type IntegrityOptions, type IntegrityResult, measureIntegrity } from './integrity.js';
export {
  arousalOf,
  measureShots,
  moodEnergyCorrelation,
  motionIntensity,
  motionPerFrame,
  motionVsEnergy,
  shotLengthCv,
} from './measure.js';
export { drawPlot, PLOT_HEIGHT, PLOT_LAYOUT, PLOT_WIDTH, renderPlot } from './plot.js';
export {
  applyRevisions,
  cutFrameOf,
  type PlanRevisionsOptions,
  planRevisions,
  revisePrompt,
} from './revisions.js';
export { COMPONENT_WEIGHTS, combineScore, DEFAULT_THRESHOLDS, type EvaluationThresholds } from './score.js';
export { summarize } from './summary.js';
export { describeShot, parseVision, type VisionOptions, visionConfigured } from './vision.js';
