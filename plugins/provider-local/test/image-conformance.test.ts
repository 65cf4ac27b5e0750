import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { runImageProviderConformance } from '@beatframe/provider-conformance';
import { createLocalImageProvider } from '../src/index.js';

runImageProviderConformance({
  name: 'local',
  makeProvider: () => createLocalImageProvider(),
  request: { prompt: 'a woman in a red coat on a rainy city street at night', size: '640x360' },
  referenceImages: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-local-refs-'));
    const out: string[] = [];
    for (const c of ['red', 'blue']) {
      const p = join(dir, `${c}.png`);
      await runFfmpeg(['-f', 'lavfi', '-i', `color=c=${c}:s=64x64`, '-frames:v', '1', p]);
      out.push(p);
    }
    return out;
  },
});
