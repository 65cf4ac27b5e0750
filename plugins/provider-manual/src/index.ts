import type { VideoProviderFactory } from '@beatframe/core';
import { createManualProvider, type ManualProviderSettings } from './provider.js';

export {
  expectedNames,
  findShotClip,
  MAPPING_FILE,
  manualDir,
  planManualClips,
  readMapping,
  replaceShotClip,
  type ShotKey,
  VIDEO_EXTENSIONS,
} from './folder.js';
export { createManualProvider, type ManualProviderSettings } from './provider.js';

/** The plugin's factory: settings (`{ dir }`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createManualProvider((settings ?? {}) as ManualProviderSettings);
export default factory;
