import { join } from 'node:path';
import { runRendererConformance } from '@beatframe/renderer-conformance';
import createRenderer from '../src/index.js';

runRendererConformance({
  name: 'remotion',
  create: (dir) => createRenderer({ cacheDir: join(dir, 'cache') }),
});
