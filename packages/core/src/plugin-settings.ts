import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * A plugin's settings checked against its zod schema: the parsed value, or a ConfigError on one line that names
 * the config key (`providers.comfyui.workflows.x`) and what is wrong, so a typo in the config file is found at once.
 */
export function parsePluginSettings<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  configKey: string,
): z.infer<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = [configKey, ...(issue?.path ?? []).map(String)].join('.');
  throw new ConfigError(`invalid setting ${at}: ${(issue?.message ?? 'invalid').replace(/\s+/g, ' ')}`);
}
