import { type ImageProviderFactory, parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createLocalProvider } from './provider.js';
import { LocalProviderSettings } from './settings.js';
import { createLocalImageProvider } from './still.js';

export { createLocalProvider } from './provider.js';
export * from './scene/catalogue.js';
export { sceneStill } from './scene/render.js';
export { sceneFor } from './scene/spec.js';
export { LocalProviderSettings } from './settings.js';
export { createLocalImageProvider } from './still.js';

/** The plugin's factory: settings in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createLocalProvider(parsePluginSettings(LocalProviderSettings, settings, 'providers.local'));
export default factory;

/** The plugin's image model (stills for keyframes and references). */
export const image: ImageProviderFactory = () => createLocalImageProvider();
