import type { VideoProviderFactory } from '@beatframe/core';
import { createVeoProvider, type VeoSettings } from './provider.js';

export {
  DEFAULT_VEO_MODEL,
  mergeCatalogue,
  paramsOfSize,
  sizesOf,
  VEO_MODELS,
  type VeoAspect,
  type VeoModel,
  type VeoResolution,
} from './catalogue.js';
export { ALTERNATIVES, kindOfStatus, retryDelayOf, statusOf, toProviderError } from './errors.js';
export { createVeoProvider, type VeoSettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.veo`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createVeoProvider((settings ?? {}) as VeoSettings);
export default factory;
