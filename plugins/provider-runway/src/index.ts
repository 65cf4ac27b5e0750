import type { VideoProviderFactory } from '@beatframe/core';
import { createRunwayProvider, type RunwaySettings } from './provider.js';

export {
  DEFAULT_RUNWAY_MODEL,
  mergeRunwayCatalogue,
  RUNWAY_MODELS,
  type RunwayModel,
  ratioOf,
} from './catalogue.js';
export { ALTERNATIVES, failureKind, toProviderError } from './errors.js';
export { createRunwayProvider, type RunwaySettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.runway`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createRunwayProvider((settings ?? {}) as RunwaySettings);
export default factory;
