export { type AssResult, assTime, buildAss, locateWords } from './ass.js';
export { assColour, escapeAssText, escapeFilterValue } from './escape.js';
export { buildGraph, type FilterGraph, type GraphOptions, pulseExpr, type SourceInfo } from './graph.js';
export {
  type PlannedChunk,
  type PlannedSegment,
  planChunks,
  planSegments,
  type SegmentPlan,
  xfadeName,
} from './plan.js';
export { createFfmpegRenderer, createRenderer, type FfmpegRendererSettings } from './renderer.js';

import { createRenderer } from './renderer.js';

export default createRenderer;
