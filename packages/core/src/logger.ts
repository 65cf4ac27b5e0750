import { type DestinationStream, type LoggerOptions, type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

/** Environment variables whose values are secrets wherever they appear. */
export const SECRET_ENV_PATTERN =
  /(KEYS?|SECRETS?|TOKENS?|PASSWORDS?|PASS|CREDENTIALS?|STORAGE_STATE|DATABASE_URL|WEBHOOK_URL)$/i;

/** Field names that are redacted by path in every log line. */
const REDACT_PATHS = [
  '*.apiKey',
  '*.api_key',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.token',
  '*.secret',
  'headers.authorization',
  'req.headers.authorization',
  'apiKey',
  'password',
  'token',
  'secret',
];

/** The values of secret-looking environment variables, longest first (so overlapping ones redact fully). */
export function secretValues(env: Record<string, string | undefined> = process.env): string[] {
  const values = Object.entries(env)
    .filter(([k, v]) => SECRET_ENV_PATTERN.test(k) && typeof v === 'string')
    // A key ring (FAL_KEYS=a,b,c) holds several secrets: each one is redacted on its own too.
    .flatMap(([, v]) => [v as string, ...(v as string).split(',').map((x) => x.trim())])
    .filter((v) => v.length >= 6);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of a secret value inside a string. */
export function scrubString(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  // Credentials embedded in URLs (postgres://user:pass@host) are secrets too.
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, '$1[redacted]@');
}

/** Deep copy of a value with secret values replaced; used for logs, exports and decision records. */
export function scrubSecrets<T>(value: T, secrets: string[] = secretValues()): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubString(v, secrets);
    if (!v || typeof v !== 'object') return v;
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return { name: v.name, message: scrubString(v.message, secrets) };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return walk(value) as T;
}

export interface CreateLoggerOptions {
  level?: string;
  /** Bound fields on every line, e.g. { projectId, stage }. */
  bindings?: Record<string, unknown>;
  destination?: DestinationStream;
  env?: Record<string, string | undefined>;
}

/** JSON logger (pino) that redacts secrets by field name and by value. */
export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const env = opts.env ?? process.env;
  const secrets = secretValues(env);
  const options: LoggerOptions = {
    level: opts.level ?? env.BEATFRAME_LOG_LEVEL ?? 'info',
    base: { app: 'beatframe', ...(opts.bindings ?? {}) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (obj) => scrubSecrets(obj, secrets),
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) =>
          typeof a === 'string' ? scrubString(a, secrets) : a,
        ) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options, pino.destination(2));
}

/** A logger that drops everything, for library callers who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
