// The schemas alone, without the logger or config, for browser bundles (the Remotion composition).
export * from './clip.js';
export * from './evaluation.js';
export * from './music.js';
export * from './project.js';
export * from './prompt-style.js';
export * from './still.js';
export * from './storyboard.js';
export * from './timeline.js';
