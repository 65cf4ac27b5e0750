import type { VideoProviderFactory } from '@beatframe/core';
import { createOpenRouterProvider } from './provider.js';

export { ALTERNATIVES, errorBodyOf, jobFailure, kindOf, toProviderError } from './errors.js';
export {
  DEFAULT_OPENROUTER_MODEL,
  LISTING_SNAPSHOT,
  type ListedModel,
  PRICES,
  paramsOfSize,
  sizesOf,
} from './listing.js';
export { createOpenRouterProvider } from './provider.js';
export { OpenRouterSettings } from './settings.js';

/** The plugin's factory: settings (config `providers.openrouter`, checked by OpenRouterSettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createOpenRouterProvider(settings ?? {});
export default factory;
