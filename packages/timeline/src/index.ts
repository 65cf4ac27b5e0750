export { accentOf } from './accent.js';
export {
  type BuildTimelineContext,
  type BuildTimelineInput,
  beatsPerShot,
  buildTimeline,
  draftTimeline,
  transitionFor,
} from './build-timeline.js';
export { type ClipTarget, clipIssues } from './clip-issues.js';
export * as effects from './effects.js';
export { analyzeMotion, type LiveliestOptions, liveliestStart, type MotionProfile } from './motion.js';
export { checkTimeline, loadTimeline, saveTimeline } from './timeline-io.js';
