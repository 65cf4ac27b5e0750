export { accentOf } from './accent.js';
export {
  type BuildTimelineContext,
  type BuildTimelineInput,
  beatsPerShot,
  buildTimeline,
  transitionFor,
} from './build-timeline.js';
export { bundleComposition, compositionDigest, compositionEntry, resolveJsToTs } from './bundle.js';
export {
  makeTestClip,
  makeTestProject,
  makeTestSong,
  syntheticAnalysis,
  syntheticSong,
  syntheticStoryboard,
  type TestClipOptions,
  type TestProject,
} from './fixtures.js';
export {
  type HybridRenderOptions,
  type OverlayPlan,
  planOverlays,
  renderHybrid,
  shotsGraph,
} from './hybrid.js';
export { analyzeMotion, type LiveliestOptions, liveliestStart, type MotionProfile } from './motion.js';
export { type ClipTarget, clipIssues, normalizeClip, normalizeFilter } from './normalize.js';
export * as effects from './remotion/effects.js';
export {
  browserExecutable,
  COMPOSITION_ID,
  chromiumOptions,
  compositorCacheDir,
  muxSong,
  openRemotionSession,
  type RemotionSession,
  type RemotionSessionOptions,
  type RenderFramesToVideoOptions,
  removeQuietly,
  renderSilentVideo,
  stageMedia,
} from './remotion-render.js';
export { type StudioHandle, type StudioOptions, startStudio } from './studio.js';
export { checkTimeline, loadTimeline, saveTimeline } from './timeline-io.js';
