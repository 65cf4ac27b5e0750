import type { ImageProviderFactory, VideoProviderFactory } from '@beatframe/core';
import { createGeminiImageProvider, type GeminiImageSettings } from './image.js';
import { createVeoProvider, type VeoSettings } from './provider.js';

// The factories and their settings; the catalogue and the error mapping stay inside the plugin.
export { createGeminiImageProvider, type GeminiImageSettings } from './image.js';
export { createVeoProvider, type VeoSettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.veo`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createVeoProvider((settings ?? {}) as VeoSettings);
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers.veo`. */
export const image: ImageProviderFactory = (settings) => {
  const s = (settings ?? {}) as GeminiImageSettings & { imageModel?: string };
  const { model: _videoModel, ...rest } = s;
  return createGeminiImageProvider({ ...rest, ...(s.imageModel ? { model: s.imageModel } : {}) });
};
