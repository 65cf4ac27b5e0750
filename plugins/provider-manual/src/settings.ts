import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';

/** Config `providers.manual`, checked when the provider is made. */
export const ManualProviderSettings = providerSettingsSchema({
  /** The folder of clips; else BEATFRAME_MANUAL_DIR. */
  dir: z.string().min(1).optional(),
});
export type ManualProviderSettings = z.infer<typeof ManualProviderSettings>;
