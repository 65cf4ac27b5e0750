export { type GenerateClipOptions, generateClip, lastFrameOf, withProviderRetries } from './generate.js';
export { type PollJobOptions, type PollOutcome, pollJob } from './poll-job.js';
export {
  findProviderEntry,
  getImageProvider,
  getProvider,
  imageProviderNames,
  listProviders,
  loadProviderPlugins,
  type ProviderEntry,
  providerEntries,
  providerNames,
  type RegistryConfig,
  registerProvider,
} from './providers.js';
export {
  getRenderer,
  listRenderers,
  type RendererEntry,
  registerRenderer,
  rendererNames,
} from './renderers.js';
