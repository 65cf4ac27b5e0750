import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';
import { SiteProfileSchema } from './profile.js';

/** Config `providers.web` (or another name for a second account or site), checked when the provider is made. */
export const WebSettings = providerSettingsSchema({
  /** A built-in profile name (`sora`) or the path of a profile JSON file, or the profile itself. */
  profile: z.union([z.string().min(1), SiteProfileSchema]).optional(),
  /** The site's address instead of the profile's (else `<PREFIX>_BASE_URL`). */
  baseUrl: z.string().min(1).optional(),
  /** Sessions, screenshots and traces go here (the registry uses `<data dir>/web`). */
  dataDir: z.string().min(1).optional(),
  browserExecutable: z.string().min(1).optional(),
  /** Show the browser window (needs a display); also BEATFRAME_WEB_HEADED=1 or `--headed`. */
  headed: z.boolean().optional(),
  /** Record Playwright traces (sign-ins left out); also BEATFRAME_WEB_TRACE=1 or `--trace`. */
  trace: z.boolean().optional(),
  /** Human pacing before each step, ms. */
  pacing: z.object({ minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).optional(),
  seed: z.number().optional(),
  /** Price per second on the account's plan, for budgets (default: the profile's). */
  usdPerSecond: z.number().nonnegative().optional(),
  /** While this file exists the provider stops (default `<dataDir>/STOP`); BEATFRAME_WEB_STOP=1 too. */
  killSwitchFile: z.string().min(1).optional(),
  /** Close the browser after this long without work, ms. */
  idleCloseMs: z.number().nonnegative().optional(),
  /** Overrides the profile's step and landmark timeouts, ms. */
  timeouts: z
    .object({ stepMs: z.number().positive().optional(), landmarkMs: z.number().positive().optional() })
    .optional(),
});
export type WebSettings = z.infer<typeof WebSettings>;
