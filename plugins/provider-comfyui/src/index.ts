import type { VideoProviderFactory } from '@beatframe/core';
import { createComfyUIProvider } from './provider.js';

export { createComfyUIProvider } from './provider.js';
export { ComfyUISettings } from './settings.js';

/** The plugin's factory: settings (config `providers.comfyui`, checked by ComfyUISettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createComfyUIProvider(settings ?? {});
export default factory;
