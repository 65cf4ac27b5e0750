import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { ProjectOptions } from './schemas/project.js';

/**
 * Settings that are not secrets. They come from an optional JSON file (`BEATFRAME_CONFIG`, else
 * `./beatframe.config.json`) and from environment variables, which win. Secrets are read from the
 * environment only, where and when they are needed; a config file that holds one is refused.
 */
export const BeatframeConfig = z.object({
  dataDir: z.string(),
  databaseUrl: z.string().optional(),
  browserExecutable: z.string().optional(),
  logLevel: z.string().default('info'),
  defaults: ProjectOptions.partial().default({}),
  /** Per-provider settings (models, price tables, limits, endpoints), by provider name. */
  providers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  renderers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  /** Extra plugin packages (or paths) to load, e.g. a third-party `beatframe-provider-foo`. */
  plugins: z.array(z.string()).default([]),
  crew: z
    .object({
      models: z
        .object({ planner: z.string(), prompter: z.string(), editor: z.string() })
        .partial()
        .default({}),
      api: z.enum(['responses', 'chat']).optional(),
      tracing: z.boolean().default(false),
      /** USD per million tokens by model name, for the decision log's costs (built-in table otherwise). */
      prices: z
        .record(
          z.string(),
          z.object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() }),
        )
        .optional(),
      /** Per-request timeout for crew model calls, milliseconds. */
      timeoutMs: z.number().int().positive().optional(),
    })
    .default({ models: {}, tracing: false }),
  budget: z
    .object({
      dailyCapUsd: z.number().nonnegative().optional(),
      alertWebhookUrl: z.string().url().optional(),
    })
    .default({}),
  api: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().default(8787),
      cors: z.array(z.string()).default([]),
    })
    .default({ host: '127.0.0.1', port: 8787, cors: [] }),
  /** Input bounds checked before any work (`BEATFRAME_MAX_SONG_SEC` overrides the song length). */
  limits: z
    .object({ maxSongSec: z.number().positive().max(86_400).default(1200) })
    .default({ maxSongSec: 1200 }),
});
export type BeatframeConfig = z.infer<typeof BeatframeConfig>;

const SECRET_KEY = /(api[_-]?key|secret|password|token|credential)/i;

function findSecretKeys(value: unknown, path: string[] = []): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    SECRET_KEY.test(k) && typeof v === 'string' && v
      ? [[...path, k].join('.')]
      : findSecretKeys(v, [...path, k]),
  );
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Explicit file; otherwise BEATFRAME_CONFIG, then ./beatframe.config.json when present. */
  file?: string;
}

export function loadConfig(opts: LoadConfigOptions = {}): BeatframeConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.file ?? env.BEATFRAME_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : join(cwd, 'beatframe.config.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const secrets = findSecretKeys(fromFile);
    if (secrets.length) {
      throw new ConfigError(
        `config file ${file} holds a secret (${secrets.join(', ')}); secrets belong in environment variables only`,
      );
    }
  } else if (explicit) {
    throw new ConfigError(`config file ${file} does not exist`);
  }

  const dataDir =
    env.BEATFRAME_DATA_DIR ?? (fromFile.dataDir as string | undefined) ?? join(homedir(), '.beatframe');
  const browser =
    env.BEATFRAME_BROWSER_EXECUTABLE ??
    env.REMOTION_BROWSER_EXECUTABLE ??
    (fromFile.browserExecutable as string | undefined) ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  const merged = {
    ...fromFile,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    databaseUrl: env.DATABASE_URL ?? undefined,
    browserExecutable: browser,
    logLevel: env.BEATFRAME_LOG_LEVEL ?? fromFile.logLevel ?? 'info',
    ...(env.BEATFRAME_MAX_SONG_SEC
      ? {
          limits: {
            ...(fromFile.limits as object | undefined),
            maxSongSec: Number(env.BEATFRAME_MAX_SONG_SEC),
          },
        }
      : {}),
  };
  const parsed = BeatframeConfig.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Reads a secret from the environment, or explains which variable to set. */
export function requireSecret(env: Record<string, string | undefined>, name: string, what: string): string {
  const v = env[name];
  if (!v) throw new ConfigError(`${what} needs an API key: set the environment variable ${name}`);
  return v;
}
