import { fileURLToPath } from 'node:url';
import { startWebVideoSiteSpa } from '@beatframe/emulators';
import { runWebConformance } from './support.js';

/**
 * The second fake site is built nothing like the first (a single-page app: hash routes, a sign-in dialog, a
 * two-step wizard with a <select> and radio buttons, <progress>, a plain file link). Only a second profile
 * file changes: the provider's code is the same, and it passes the same suite.
 */
runWebConformance({
  name: 'web (clipforge profile)',
  profile: fileURLToPath(new URL('./profiles/clipforge.json', import.meta.url)),
  envPrefix: 'CLIPFORGE',
  startSite: startWebVideoSiteSpa,
  seed: 5,
  idleCloseMs: 3000,
  request: { prompt: 'a kite over green hills, handheld', seconds: 4, size: '640x360' },
  refuseContent: 'job',
  refuseLogin: (site) => {
    site.faults.captcha = 'login';
  },
});
