import type { VideoProviderFactory } from '@beatframe/core';
import { createOpenRouterProvider } from './provider.js';

export { createOpenRouterProvider } from './provider.js';
export { OpenRouterSettings } from './settings.js';

/** The plugin's factory: settings (config `providers.openrouter`, checked by OpenRouterSettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createOpenRouterProvider(settings ?? {});
export default factory;
