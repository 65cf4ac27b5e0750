import type { VideoProviderFactory } from '@beatframe/core';
import { createFalProvider, type FalSettings } from './provider.js';

export { DEFAULT_FAL_MODEL, FAL_MODELS, type FalModel, inputFor, mergeFalCatalogue } from './catalogue.js';
export { ALTERNATIVES, detailOf, FalHttpError, kindOf, toProviderError } from './errors.js';
export { createFalProvider, type FalSettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.fal`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createFalProvider((settings ?? {}) as FalSettings);
export default factory;
