import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';

/** Config `providers.local`, checked when the provider is made. */
export const LocalProviderSettings = providerSettingsSchema({
  /** Where renders in flight and finished clips wait for download (the registry: under the data dir). */
  workDir: z.string().min(1).optional(),
  /** Frame rate of the clips. */
  fps: z.number().positive().optional(),
  /** x264 preset: speed against file size (default ultrafast). */
  preset: z.string().min(1).optional(),
});
export type LocalProviderSettings = z.infer<typeof LocalProviderSettings>;
