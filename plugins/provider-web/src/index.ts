import { parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createWebProvider } from './provider.js';
import { WebSettings } from './settings.js';

export { createWebProvider } from './provider.js';
export { WebSettings } from './settings.js';

/** The plugin's factory: settings (from config `providers.web`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createWebProvider(parsePluginSettings(WebSettings, settings, 'providers.web'));
export default factory;
