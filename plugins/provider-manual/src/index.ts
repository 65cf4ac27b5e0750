import { parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createManualProvider } from './provider.js';
import { ManualProviderSettings } from './settings.js';

export { planManualClips, replaceShotClip } from './folder.js';
export { createManualProvider } from './provider.js';
export { ManualProviderSettings } from './settings.js';

/** The plugin's factory: settings (`{ dir }`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createManualProvider(parsePluginSettings(ManualProviderSettings, settings, 'providers.manual'));
export default factory;
