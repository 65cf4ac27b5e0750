export { bundleComposition, compositionDigest, compositionEntry, resolveJsToTs } from './bundle.js';
export {
  type DrawnOverlays,
  drawOverlays,
  type HybridRenderOptions,
  type OverlayPlan,
  type PrepareOverlaysOptions,
  planOverlays,
  prepareOverlays,
  renderHybrid,
  shotsGraph,
} from './hybrid.js';
export { normalizeClip, normalizeFilter } from './normalize.js';
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
