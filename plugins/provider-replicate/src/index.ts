import type { VideoProviderFactory } from '@beatframe/core';
import { createReplicateProvider } from './provider.js';

export {
  DEFAULT_REPLICATE_MODEL,
  inputFor,
  mergeReplicateCatalogue,
  REPLICATE_MODELS,
  ReplicateModel,
} from './catalogue.js';
export { ALTERNATIVES, kindOf, predictionFailure, problemOf, toProviderError } from './errors.js';
export { createReplicateProvider, OUTPUT_TTL_MS } from './provider.js';
export { ReplicateSettings } from './settings.js';

/** The plugin's factory: settings (config `providers.replicate`, checked by ReplicateSettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createReplicateProvider(settings ?? {});
export default factory;
