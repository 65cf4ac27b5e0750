export {
  type ComfyFault,
  type ComfyRoute,
  type ComfyUIEmulator,
  type ComfyUIEmulatorOptions,
  startComfyUIEmulator,
} from './comfyui.js';
export { DEFAULT_MODEL_FILES, type ModelFiles } from './comfyui-nodes.js';
export {
  type FalEmulator,
  type FalFault,
  type FalRoute,
  startFalEmulator,
} from './fal.js';
export { type FalKeysEmulator, startFalKeysEmulator } from './fal-keys.js';
export {
  type GeminiImageFault,
  type GoogleFault,
  startVeoEmulator,
  type VeoEmulator,
  type VeoRoute,
} from './gemini.js';
export {
  closeServer,
  type DownloadFaults,
  downloadFaults,
  type FaultQueue,
  faultQueue,
  listenLocal,
  readBody,
  readBodyBytes,
  sendClip,
  sendJson,
} from './http.js';
export {
  DEFAULT_IMAGE_MODELS,
  type ImageRequestRecord,
  type OpenAIImagesOptions,
} from './openai-images.js';
export {
  type EmulatedVideo,
  type HttpFault,
  type OpenAIVideosEmulator,
  type OpenAIVideosEmulatorOptions,
  type Route,
  startOpenAIVideosEmulator,
  type VideoStatus,
} from './openai-videos.js';
export {
  OPENROUTER_LISTING,
  type OpenRouterEmulator,
  type OpenRouterFault,
  type OpenRouterListedModel,
  type OpenRouterRoute,
  startOpenRouterEmulator,
} from './openrouter.js';
export { type PictureFormat, pictureFormatOf, pictureMaker } from './pictures.js';
export { type RailwayEmulator, type RailwayEmulatorOptions, startRailwayEmulator } from './railway.js';
export {
  REPLICATE_SCHEMAS,
  type ReplicateEmulator,
  type ReplicateFault,
  type ReplicateRoute,
  startReplicateEmulator,
} from './replicate.js';
export { benchRoundtrip, type RoundtripBench } from './roundtrip.js';
export { type RunwayEmulator, type RunwayFault, type RunwayRoute, startRunwayEmulator } from './runway.js';
export { errorOf, makeTestStill } from './testing.js';
export type {
  WebJob,
  WebSiteFaults,
  WebSiteStats,
} from './web-site-kit.js';
export { startWebVideoSite, type WebVideoSite, type WebVideoSiteOptions } from './web-video-site.js';
export { startWebVideoSiteSpa } from './web-video-site-spa.js';
