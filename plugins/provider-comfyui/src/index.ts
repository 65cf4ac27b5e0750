import type { VideoProviderFactory } from '@beatframe/core';
import { createComfyUIProvider } from './provider.js';

export {
  BUNDLED_WORKFLOWS,
  type ComfyModel,
  catalogueOf,
  DEFAULT_COMFYUI_MODEL,
  WORKFLOW_DIR,
  workflowFor,
} from './catalogue.js';
export {
  ComfyClient,
  type HistoryEntry,
  type LiveState,
  ProgressChannel,
  type QueueState,
} from './client.js';
export { ComfyHttpError, describeRefusal, executionFailure, toProviderError } from './errors.js';
export { createComfyUIProvider } from './provider.js';
export { ComfyUISettings } from './settings.js';
export {
  type ApiNode,
  type ApiWorkflow,
  durationsOf,
  type FillValues,
  fillWorkflow,
  type LoadedWorkflow,
  loadWorkflow,
  mappingPathOf,
  quantiseFrames,
  VIDEO_OUTPUT_CLASSES,
  WorkflowMapping,
} from './workflow.js';

/** The plugin's factory: settings (config `providers.comfyui`, checked by ComfyUISettings) in, provider out. */
const factory: VideoProviderFactory = (settings) => createComfyUIProvider(settings ?? {});
export default factory;
