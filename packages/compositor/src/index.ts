export { bundleComposition, compositionDigest, compositionEntry, resolveJsToTs } from './bundle.js';
export { type HybridRenderOptions, renderHybrid } from './hybrid.js';
export { type OverlayPlan, planOverlays } from './hybrid-overlays.js';
export {
  type DrawnOverlays,
  drawOverlays,
  type PrepareOverlaysOptions,
  prepareOverlays,
} from './hybrid-prepare.js';
export { shotsGraph } from './hybrid-shots.js';
export { normalizeClip, normalizeFilter } from './normalize.js';
export {
  browserExecutable,
  COMPOSITION_ID,
  chromiumOptions,
  compositorCacheDir,
  frameEncoding,
  muxSong,
  openRemotionSession,
  type RemotionSession,
  type RemotionSessionOptions,
  type RenderFramesToVideoOptions,
  removeQuietly,
  renderSilentVideo,
  sessionOptions,
  stageMedia,
} from './remotion-render.js';
export { remotionRenderRun } from './render-run.js';
export { type StudioHandle, type StudioOptions, startStudio } from './studio.js';
