import { runRendererConformance } from '@beatframe/renderer-conformance';
import { createFfmpegRenderer } from '../src/renderer.js';

runRendererConformance({ name: 'ffmpeg', create: () => createFfmpegRenderer() });
