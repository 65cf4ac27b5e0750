import { parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createRunwayProvider } from './provider.js';
import { RunwaySettings } from './settings.js';

export { createRunwayProvider } from './provider.js';
export { RunwaySettings } from './settings.js';

/** The plugin's factory: settings (from config `providers.runway`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createRunwayProvider(parsePluginSettings(RunwaySettings, settings, 'providers.runway'));
export default factory;
