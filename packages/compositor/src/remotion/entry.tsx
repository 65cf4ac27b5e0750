// The entry point Remotion's bundler and Studio start from.
import { registerRoot } from 'remotion';
import { RemotionRoot } from './Root.js';

registerRoot(RemotionRoot);
