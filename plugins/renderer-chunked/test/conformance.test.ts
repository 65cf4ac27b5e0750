import { join } from 'node:path';
import { runRendererConformance } from '@beatframe/renderer-conformance';
import createRenderer from '../src/index.js';

runRendererConformance({
  name: 'chunked',
  create: (dir) => createRenderer({ cacheDir: join(dir, 'cache'), chunks: 2, jobs: 2 }),
});
