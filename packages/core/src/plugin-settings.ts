import { z } from 'zod';
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

/**
 * The image side of a plugin's config section, which it shares with its video settings: other keys pass through
 * untouched, and an `image…` key the shape does not name is refused as a typo (the known ones read off the shape).
 */
export function imageSettingsSchema<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).filter((k) => /^image[A-Z]/.test(k));
  return z
    .object(shape)
    .catchall(z.unknown())
    .superRefine((s, ctx) => {
      for (const key of Object.keys(s))
        if (/^image[A-Z]/.test(key) && !known.includes(key))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `unknown image setting; known: ${known.join(', ')}`,
          });
    });
}
