import type { VideoProviderFactory } from '@beatframe/core';
import { createWebProvider, type WebSettings } from './provider.js';

export { AccountBrowser, CHROMIUM_ARGS, seededRandom, writePrivate } from './browser.js';
export { credentialVars, readCredentials, storageStateFromEnv } from './credentials.js';
export { FAULT_CODES, FAULTS, type FaultCode, faultOf, WebFault } from './faults.js';
export { loadProfile, type SiteProfile, SiteProfileSchema, type Step, type Target } from './profile.js';
export { createWebProvider, type WebSettings } from './provider.js';

/** The plugin's factory: settings (from config `providers.web`) in, provider out. */
const factory: VideoProviderFactory = (settings) => createWebProvider((settings ?? {}) as WebSettings);
export default factory;
