import type { ImageProviderFactory, VideoProviderFactory } from '@beatframe/core';
import { createFalImageProvider } from './image.js';
import { createFalProvider, type FalSettings } from './provider.js';

export { DEFAULT_FAL_MODEL, FAL_MODELS, type FalModel, inputFor, mergeFalCatalogue } from './catalogue.js';
export { falClient } from './client.js';
export { ALTERNATIVES, detailOf, FalHttpError, kindOf, toProviderError } from './errors.js';
export { createFalImageProvider } from './image.js';
export { DEFAULT_FAL_IMAGE_MODEL, FAL_IMAGE_MODELS, FalImageModel, falImageUsd } from './image-catalogue.js';
export { FalImageSettings } from './image-settings.js';
export { createFalProvider, type FalSettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.fal`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createFalProvider((settings ?? {}) as FalSettings);
export default factory;

/** The plugin's image models (keyframes, references), configured under the same `providers.fal`. */
export const image: ImageProviderFactory = (settings) => createFalImageProvider(settings ?? {});
