import type { VideoProviderFactory } from '@beatframe/core';
import { createOpenAIVideosProvider, type OpenAIVideosSettings } from './provider.js';

export { ALTERNATIVES, jobErrorKind, retryAfterOf, toProviderError } from './errors.js';
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
