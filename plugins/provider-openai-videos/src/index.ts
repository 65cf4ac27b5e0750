import type { ImageProviderFactory, VideoProviderFactory } from '@beatframe/core';
import { createOpenAIImageProvider } from './image.js';
import { createOpenAIVideosProvider, type OpenAIVideosSettings } from './provider.js';

export { ALTERNATIVES, jobErrorKind, retryAfterOf, toProviderError } from './errors.js';
export { createOpenAIImageProvider } from './image.js';
export {
  DEFAULT_OPENAI_IMAGE_MODEL,
  type ImageQuality,
  OPENAI_IMAGE_MODELS,
  OpenAIImageModel,
  openAIImageUsd,
} from './image-catalogue.js';
export { OpenAIImageSettings } from './image-settings.js';
export {
  createOpenAIVideosProvider,
  DEFAULT_MODEL_SIZES,
  DEFAULT_PRICES,
  OPENAI_VIDEO_SECONDS,
  OPENAI_VIDEO_SIZES,
  type OpenAIVideosProvider,
  type OpenAIVideosSettings,
  type PriceTable,
} from './provider.js';

/** The plugin's factory: settings (from config `providers["openai-videos"]`) in, provider out. */
const factory: VideoProviderFactory = (settings) =>
  createOpenAIVideosProvider((settings ?? {}) as OpenAIVideosSettings);
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers["openai-videos"]`. */
export const image: ImageProviderFactory = (settings) => createOpenAIImageProvider(settings ?? {});
