import { startWebVideoSite } from '@beatframe/emulators';
import { runWebConformance } from './support.js';

runWebConformance({
  name: 'web (sora profile)',
  profile: 'sora',
  envPrefix: 'SORA',
  startSite: startWebVideoSite,
  seed: 7,
  idleCloseMs: 2000,
  request: { prompt: 'a lighthouse in a storm, slow push-in', seconds: 5, size: '854x480' },
  jobTimeoutMs: 60_000,
  refuseContent: 'submit',
  refuseLogin: (site) => {
    site.faults.rejectLogin = true;
  },
});
