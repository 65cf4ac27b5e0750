import { type ImageProviderFactory, parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createFalImageProvider } from './image.js';
import { createFalProvider } from './provider.js';
import { FalSettings } from './settings.js';

export { createFalImageProvider } from './image.js';
export { createFalProvider } from './provider.js';
export { FalSettings } from './settings.js';

/** The plugin's factory: settings (from config `providers.fal`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createFalProvider(parsePluginSettings(FalSettings, settings, 'providers.fal'));
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers.fal`. */
export const image: ImageProviderFactory = (settings) => createFalImageProvider(settings ?? {});
