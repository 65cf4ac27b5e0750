import { type ImageProviderFactory, parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createOpenAIImageProvider } from './image.js';
import { createOpenAIVideosProvider } from './provider.js';
import { OpenAIVideosSettings } from './settings.js';

export { createOpenAIImageProvider } from './image.js';
export { createOpenAIVideosProvider } from './provider.js';
export { OpenAIVideosSettings } from './settings.js';

/** The plugin's factory: settings (from config `providers["openai-videos"]`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createOpenAIVideosProvider(parsePluginSettings(OpenAIVideosSettings, settings, 'providers.openai-videos'));
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers["openai-videos"]`. */
export const image: ImageProviderFactory = (settings) => createOpenAIImageProvider(settings ?? {});
