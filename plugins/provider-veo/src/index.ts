import { type ImageProviderFactory, parsePluginSettings, type VideoProviderFactory } from '@beatframe/core';
import { createGeminiImageProvider } from './image.js';
import { createVeoProvider } from './provider.js';
import { VeoSettings } from './settings.js';

// The factories and their settings; the catalogue and the error mapping stay inside the plugin.
export { createGeminiImageProvider } from './image.js';
export { createVeoProvider } from './provider.js';
export { VeoSettings } from './settings.js';

/** The plugin's factory: settings (from config `providers.veo`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createVeoProvider(parsePluginSettings(VeoSettings, settings, 'providers.veo'));
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers.veo`. */
export const image: ImageProviderFactory = (settings) => {
  // The section's `model` is the video model; the image model is `imageModel`.
  const {
    model: _videoModel,
    models: _videoModels,
    imageModel,
    ...rest
  } = parsePluginSettings(VeoSettings, settings, 'providers.veo');
  return createGeminiImageProvider({ ...rest, ...(imageModel ? { model: imageModel } : {}) });
};
