import type { VideoProviderFactory } from '@beatframe/core';
import { createLocalProvider } from './provider.js';

export { coloursIn, ffmpegArgs, filterGraph, type LocalLook, lookFor, type MotionStyle } from './look.js';
export {
  createLocalProvider,
  LOCAL_DURATIONS,
  LOCAL_SIZES,
  type LocalProviderSettings,
  localJobFiles,
  lookOfJob,
} from './provider.js';

/** The plugin's factory: settings in, provider out. */
const factory: VideoProviderFactory = (settings) => createLocalProvider(settings ?? {});
export default factory;
