import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProviderConformance } from '@beatframe/provider-conformance';
import { createLocalProvider } from '../src/index.js';
import { localJobFiles } from '../src/provider.js';

const workDir = mkdtempSync(join(tmpdir(), 'bf-local-conf-'));
// The suite's fault hook points ffmpeg at a program that fails, through the env the provider reads.
const env: Record<string, string | undefined> = { ...process.env };

runProviderConformance({
  name: 'local',
  makeProvider: () => createLocalProvider({ workDir, fps: 15 }),
  request: { prompt: 'deep blue and gold, calm', seconds: 2, size: '320x180', shotId: 'conf-1' },
  env,
  faults: {
    kinds: ['fatal'],
    inject: () => {
      env.BEATFRAME_FFMPEG = '/bin/false';
    },
    clear: () => {
      delete env.BEATFRAME_FFMPEG;
    },
  },
  corruptDownload: (ref) => writeFileSync(localJobFiles(workDir, ref.jobId).final, 'not a video at all'),
});
