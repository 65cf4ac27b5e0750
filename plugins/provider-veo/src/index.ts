import type { ImageProviderFactory, VideoProviderFactory } from '@beatframe/core';
import { createGeminiImageProvider, type GeminiImageSettings } from './image.js';
import { createVeoProvider, type VeoSettings } from './provider.js';

export {
  DEFAULT_VEO_MODEL,
  mergeCatalogue,
  paramsOfSize,
  sizesOf,
  VEO_MODELS,
  type VeoAspect,
  type VeoModel,
  type VeoResolution,
} from './catalogue.js';
export { ALTERNATIVES, kindOfStatus, retryDelayOf, statusOf, toProviderError } from './errors.js';
export {
  createGeminiImageProvider,
  DEFAULT_GEMINI_IMAGE_MODEL,
  GEMINI_IMAGE_MODELS,
  type GeminiImageModel,
  type GeminiImageSettings,
} from './image.js';
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
