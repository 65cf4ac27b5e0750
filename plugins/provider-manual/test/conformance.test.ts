import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createManualProvider } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-manual-conf-'));

runProviderConformance({
  name: 'manual',
  makeProvider: () => createManualProvider(),
  request: { prompt: 'ignored by manual', seconds: 2, size: '1280x720', shotId: 'conf-1' },
  env: { BEATFRAME_MANUAL_DIR: dir },
  missingKey: { envVar: 'BEATFRAME_MANUAL_DIR' },
  exactOutput: false,
  setup: async () => {
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=200x150:rate=10:duration=1.5',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      join(dir, 'conf-1.mp4'),
    ]);
  },
  faults: {
    // The user's clip disappearing is the one failure a folder can have.
    kinds: ['fatal'],
    inject: () => renameSync(join(dir, 'conf-1.mp4'), join(dir, 'conf-1.bak')),
    clear: () => renameSync(join(dir, 'conf-1.bak'), join(dir, 'conf-1.mp4')),
  },
});
