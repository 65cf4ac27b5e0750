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
  if (issue?.code === 'unrecognized_keys') {
    // A strict schema refuses a key it does not know: name the key and the ones it knows.
    const at = [configKey, ...issue.path.map(String), issue.keys[0] ?? ''].join('.');
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    const known = shape && issue.path.length === 0 ? `; known: ${Object.keys(shape).sort().join(', ')}` : '';
    throw new ConfigError(`unknown setting ${at}${known}`);
  }
  const at = [configKey, ...(issue?.path ?? []).map(String)].join('.');
  throw new ConfigError(`invalid setting ${at}: ${(issue?.message ?? 'invalid').replace(/\s+/g, ' ')}`);
}

/** The keys any provider's config section may hold besides the plugin's own: read by the pipeline and registry. */
export const COMMON_PROVIDER_SETTINGS = {
  /** The provider's name (a second instance side by side, say `comfyui-2`). */
  name: z.string().min(1).optional(),
  /** Jobs in flight at once, and submissions per minute (the pipeline's limits). */
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().positive().optional(),
  /** How often the pipeline polls a submitted job, ms. */
  pollIntervalMs: z.number().int().positive().optional(),
  /** The environment variable with the API key (the registry's key ring reads its plural too). */
  apiKeyEnv: z.string().min(1).optional(),
  /** The provider's own cap per UTC day, USD (the pipeline's daily limits). */
  dailyLimitUsd: z.number().nonnegative().optional(),
};

/**
 * A provider plugin's settings schema: its own keys over the common ones, strict, so a misspelt key in
 * `providers.<name>` is refused on one line (`parsePluginSettings`) instead of silently ignored.
 */
export function providerSettingsSchema<T extends z.ZodRawShape>(shape: T) {
  return z.object({ ...COMMON_PROVIDER_SETTINGS, ...shape }).strict();
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

/** Catalogue overrides by model id (`providers.<name>.models`): objects whose fields the catalogue merge checks. */
export function catalogueOverrides<T>() {
  return z.record(
    z.string(),
    z.custom<Partial<T>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'a model entry'),
  );
}
