export * from './download.js';
export * from './ffmpeg.js';
export * from './probe.js';
export * from './still.js';
export * from './visualizer.js';
