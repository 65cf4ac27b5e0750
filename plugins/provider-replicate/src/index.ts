import type { VideoProviderFactory } from '@beatframe/core';
import { createReplicateProvider } from './provider.js';

export { createReplicateProvider } from './provider.js';
export { ReplicateSettings } from './settings.js';

/** The plugin's factory: settings (config `providers.replicate`, checked by ReplicateSettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createReplicateProvider(settings ?? {});
export default factory;
