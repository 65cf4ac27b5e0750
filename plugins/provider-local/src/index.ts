import type { ImageProviderFactory, VideoProviderFactory } from '@beatframe/core';
import { createLocalProvider } from './provider.js';
import { createLocalImageProvider } from './still.js';

export { coloursIn, ffmpegArgs, filterGraph, type LocalLook, lookFor, type MotionStyle } from './look.js';
export {
  createLocalProvider,
  LOCAL_DURATIONS,
  LOCAL_SIZES,
  type LocalProviderSettings,
  localJobFiles,
  lookOfJob,
  MOTION_MODEL,
  SCENE_MODEL,
  sceneOfJob,
} from './provider.js';
export * from './scene/catalogue.js';
export { cameraAt, drawFrame, frameState, pulseAt } from './scene/frame.js';
export { buildStage } from './scene/paint.js';
export {
  frameCount,
  renderScene,
  type SceneRenderOptions,
  sceneEncoderArgs,
  sceneStill,
} from './scene/render.js';
export { type SceneSpec, sceneFor } from './scene/spec.js';
export { createLocalImageProvider } from './still.js';

/** The plugin's factory: settings in, provider out. */
const factory: VideoProviderFactory = (settings) => createLocalProvider(settings ?? {});
export default factory;

/** The plugin's image model (stills for keyframes and references). */
export const image: ImageProviderFactory = () => createLocalImageProvider();
