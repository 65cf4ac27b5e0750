export { createFfmpegRenderer, createRenderer } from './renderer.js';
export { FfmpegSettings } from './settings.js';

import { createRenderer } from './renderer.js';

export default createRenderer;
