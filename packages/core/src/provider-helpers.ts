import type { PluginContext } from './contracts.js';
import { ConfigError, InputError } from './errors.js';
import type { ClipRequest, ProviderJobRef } from './schemas/clip.js';

/**
 * The allowed duration nearest to `seconds` (ties go to the longer one, so a shot is never left short).
 * An empty list means any length is fine. A change is recorded as a decision, because it changes the cut.
 */
export function snapDuration(
  seconds: number,
  allowed: readonly number[],
  ctx: Partial<Pick<PluginContext, 'decisions' | 'logger'>> & { provider?: string; shotId?: string } = {},
): number {
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InputError(`clip length must be positive, not ${seconds}`);
  if (allowed.length === 0 || allowed.includes(seconds)) return seconds;
  let best = allowed[0] as number;
  for (const d of allowed) {
    const gap = Math.abs(d - seconds);
    const bestGap = Math.abs(best - seconds);
    if (gap < bestGap || (gap === bestGap && d > best)) best = d;
  }
  const summary = `snapped clip length ${seconds}s to ${best}s${ctx.provider ? ` (${ctx.provider} offers ${allowed.join(', ')}s)` : ''}`;
  ctx.logger?.info({ shotId: ctx.shotId, from: seconds, to: best }, summary);
  void ctx.decisions?.record({
    role: 'duration-snap',
    summary,
    ...(ctx.shotId ? { shotId: ctx.shotId } : {}),
    output: { from: seconds, to: best, allowed: [...allowed] },
  });
  return best;
}

/** Throws an InputError listing the allowed sizes when `size` is not one of them (empty list: any size). */
export function validateSize(size: string, allowed: readonly string[], provider = 'this provider'): string {
  const norm = size.trim().toLowerCase();
  if (!/^\d+x\d+$/.test(norm))
    throw new InputError(`size must look like WIDTHxHEIGHT (e.g. 1280x720), not "${size}"`);
  if (allowed.length && !allowed.includes(norm)) {
    throw new InputError(`${provider} cannot make ${norm} clips; allowed sizes: ${allowed.join(', ')}`);
  }
  return norm;
}

/** Parses "WIDTHxHEIGHT". */
export function parseSize(size: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(size.trim().toLowerCase());
  if (!m) throw new InputError(`size must look like WIDTHxHEIGHT (e.g. 1280x720), not "${size}"`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * The limits a vendor plugin declares unless its settings say otherwise: two jobs at once and `rpm` submissions a
 * minute (10 unless the vendor's API is known to take another rate).
 */
export function vendorLimits(
  settings: { concurrency?: number | undefined; rpm?: number | undefined },
  rpm = 10,
): { concurrency: number; rpm: number } {
  return { concurrency: settings.concurrency ?? 2, rpm: settings.rpm ?? rpm };
}

type Env = Record<string, string | undefined>;

/** The base URL a provider talks to: the configured one, else the environment variable's, else none. */
export function endpointOf(baseUrl: string | undefined, baseUrlEnv: string, env: Env = process.env) {
  return baseUrl ?? env[baseUrlEnv] ?? undefined;
}

/** The host of a base URL (for messages and job records); `fallback` when there is none. */
export function hostOfUrl(url: string | undefined, fallback: string): string {
  if (!url) return fallback;
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The API key from the environment, or a ConfigError naming the variable to set. */
export function apiKeyOf(provider: string, apiKeyEnv: string, env: Env = process.env): string {
  const apiKey = env[apiKeyEnv];
  if (!apiKey)
    throw new ConfigError(`${provider} needs an API key: set the environment variable ${apiKeyEnv}`);
  return apiKey;
}

/** A keyed provider's `status()`: configured when the key is set, else a hint naming both variables. */
export function apiKeyStatus(
  apiKeyEnv: string,
  baseUrlEnv: string,
  env: Env = process.env,
  via = 'a proxy',
): { configured: boolean; hint?: string } {
  if (!env[apiKeyEnv]) return { configured: false, hint: `set ${apiKeyEnv} (and ${baseUrlEnv} for ${via})` };
  return { configured: true };
}

/**
 * Of the sizes an image model makes, the one nearest in aspect ratio to `size` (ties go to the larger),
 * because a still is cover-fitted to the clip later and a close aspect loses least to the crop.
 */
export function nearestAspectSize(size: string, sizes: readonly string[]): string {
  const want = parseSize(size);
  const ratio = Math.log(want.width / want.height);
  let best = sizes[0] ?? size;
  let bestGap = Number.POSITIVE_INFINITY;
  let bestArea = 0;
  for (const s of sizes) {
    const { width, height } = parseSize(s);
    const gap = Math.abs(Math.log(width / height) - ratio);
    const area = width * height;
    if (gap < bestGap - 1e-9 || (Math.abs(gap - bestGap) <= 1e-9 && area > bestArea)) {
      best = s;
      bestGap = gap;
      bestArea = area;
    }
  }
  return best;
}

/** The aspect ratios a list of WIDTHxHEIGHT sizes covers: square as 1:1, wider as 16:9, taller as 9:16. */
export function aspectsOfSizes(sizes: readonly string[]): Array<'16:9' | '9:16' | '1:1'> {
  return [
    ...new Set(
      sizes.map((s) => {
        const { width, height } = parseSize(s);
        return width === height ? '1:1' : width > height ? '16:9' : '9:16';
      }),
    ),
  ] as Array<'16:9' | '9:16' | '1:1'>;
}

/**
 * The request's reference images, or an InputError when there are more than the model takes; `none` replaces
 * the message for a model that takes none.
 */
export function referencesWithin(
  req: { referenceImagePaths?: string[] | undefined },
  max: number,
  label: string,
  none?: string,
): string[] {
  const refs = req.referenceImagePaths ?? [];
  if (refs.length > max)
    throw new InputError(
      max || none === undefined ? `${label} takes at most ${max} reference images, not ${refs.length}` : none,
    );
  return refs;
}

/**
 * For models that start from one image at most: an InputError when the request asks for a start image the model
 * cannot take, or for a last frame or reference images.
 */
export function startImageOnly(
  req: {
    imagePath?: string | undefined;
    lastFramePath?: string | undefined;
    referenceImagePaths?: string[] | undefined;
  },
  label: string,
  takesImage: boolean,
): void {
  if (req.imagePath && !takesImage) throw new InputError(`${label} cannot start from an image`);
  if (req.lastFramePath || req.referenceImagePaths?.length)
    throw new InputError(`${label} takes no last frame or reference images here`);
}

/** `snapDuration` for one clip request, naming the provider and the shot in the decision it records. */
export function snapClipSeconds(
  req: { seconds: number; shotId?: string | undefined },
  allowed: readonly number[],
  ctx: Partial<Pick<PluginContext, 'decisions' | 'logger'>>,
  provider: string,
): number {
  return snapDuration(req.seconds, allowed, {
    ...ctx,
    provider,
    ...(req.shotId ? { shotId: req.shotId } : {}),
  });
}

/**
 * A clip request to a catalogue model that starts from one image at most, checked and fitted: the model and its
 * entry, the label naming both, the size (one the model makes) and the length snapped to one it offers.
 */
export function oneImageClip<M extends { sizes: Record<string, unknown>; durations: readonly number[] }>(
  provider: string,
  modelOf: (id: string | undefined) => [string, M],
  req: Pick<
    ClipRequest,
    'model' | 'size' | 'seconds' | 'shotId' | 'imagePath' | 'lastFramePath' | 'referenceImagePaths'
  >,
  ctx: Partial<Pick<PluginContext, 'decisions' | 'logger'>>,
  takesImage: (m: M) => boolean,
): { model: string; m: M; label: string; size: string; seconds: number } {
  const [model, m] = modelOf(req.model);
  const label = `${provider} ${model}`;
  const size = validateSize(req.size, Object.keys(m.sizes), label);
  startImageOnly(req, label, takesImage(m));
  const seconds = snapClipSeconds(req, m.durations, ctx, provider);
  return { model, m, label, size, seconds };
}

/**
 * The prompt, cut to the `maxChars` a model takes. A longer prompt is refused by the model, and cutting changes
 * what is asked, so a cut is logged and recorded as a decision.
 */
export function cutPrompt(
  prompt: string,
  maxChars: number,
  label: string,
  ctx: Pick<PluginContext, 'decisions' | 'logger'>,
  ref: { shotId?: string | undefined; model: string },
): string {
  if (prompt.length <= maxChars) return prompt;
  const summary = `prompt cut from ${prompt.length} to the ${maxChars} characters ${label} takes`;
  ctx.logger.warn({ shotId: ref.shotId }, summary);
  void ctx.decisions?.record({
    role: 'prompt-cut',
    summary,
    ...(ref.shotId ? { shotId: ref.shotId } : {}),
    model: ref.model,
    output: { from: prompt.length, to: maxChars },
  });
  return prompt.slice(0, maxChars);
}

/** Where a keyed vendor is reached and with which key, as its settings and the environment say. */
export interface VendorConnection {
  apiKeyEnv: string;
  baseUrlEnv: string;
  /** The base URL: settings, else the environment variable, else none (the SDK's own). */
  endpoint(ctx: Pick<PluginContext, 'env'>): string | undefined;
  /** The host for messages and job records. */
  hostOf(ctx: Pick<PluginContext, 'env'>): string;
  /** The API key, or a ConfigError naming the variable to set. */
  apiKey(ctx: Pick<PluginContext, 'env'>): string;
  status(ctx: Pick<PluginContext, 'env'>): { configured: boolean; hint?: string };
}

/**
 * The connection settings every keyed vendor plugin reads the same way. `trimSlash` drops trailing slashes from
 * the base URL, for clients that join paths onto it as they are.
 */
export function vendorConnection(
  provider: string,
  settings: { apiKeyEnv?: string | undefined; baseUrlEnv?: string | undefined; baseUrl?: string | undefined },
  defaults: { apiKeyEnv: string; baseUrlEnv: string; host: string; trimSlash?: boolean; via?: string },
): VendorConnection {
  const apiKeyEnv = settings.apiKeyEnv ?? defaults.apiKeyEnv;
  const baseUrlEnv = settings.baseUrlEnv ?? defaults.baseUrlEnv;
  const endpoint = (ctx: Pick<PluginContext, 'env'>) => {
    const url = endpointOf(settings.baseUrl, baseUrlEnv, ctx.env);
    return defaults.trimSlash ? url?.replace(/\/+$/, '') || undefined : url;
  };
  return {
    apiKeyEnv,
    baseUrlEnv,
    endpoint,
    hostOf: (ctx) => hostOfUrl(endpoint(ctx), defaults.host),
    apiKey: (ctx) => apiKeyOf(provider, apiKeyEnv, ctx.env),
    status: (ctx) => apiKeyStatus(apiKeyEnv, baseUrlEnv, ctx.env, defaults.via),
  };
}

/** What a vendor call was doing when it failed, for the plugin's error mapping. */
export interface VendorCallRef {
  what: string;
  model?: string;
  host: string;
  apiKeyEnv: string;
}

/**
 * A vendor plugin's `call(what, ctx, model, fn)`: runs `fn` and turns what it throws into the plugin's own
 * ProviderError, naming the step, the model (when there is one), the host and the key's variable.
 */
export function vendorCall(conn: VendorConnection, toError: (err: unknown, ref: VendorCallRef) => Error) {
  return async <T>(
    what: string,
    ctx: Pick<PluginContext, 'env'>,
    model: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toError(err, {
        what,
        ...(model ? { model } : {}),
        host: conn.hostOf(ctx),
        apiKeyEnv: conn.apiKeyEnv,
      });
    }
  };
}

/**
 * A keyed vendor plugin's access to its API: the connection its settings give, `client(ctx, …)` (the vendor's SDK
 * as `connect` makes it with the key and the base URL; a missing key fails here, naming the variable to set) and
 * `call` (`vendorCall` with the plugin's error mapping).
 */
export function vendorAccess<C, A extends unknown[] = []>(
  provider: string,
  settings: Parameters<typeof vendorConnection>[1],
  defaults: Parameters<typeof vendorConnection>[2],
  toError: (err: unknown, ref: VendorCallRef) => Error,
  connect: (apiKey: string, baseUrl: string | undefined, ...args: A) => C,
) {
  const conn = vendorConnection(provider, settings, defaults);
  return {
    conn,
    client: (ctx: Pick<PluginContext, 'env'>, ...args: A): C =>
      connect(conn.apiKey(ctx), conn.endpoint(ctx), ...args),
    call: vendorCall(conn, toError),
  };
}

/** What a stored job asked for, in the shape a provider's `usdFor` prices. */
export function pricedRequestOf(ref: { seconds: number; size: string; model?: string | undefined }): {
  seconds: number;
  size: string;
  model?: string;
} {
  return { seconds: ref.seconds, size: ref.size, ...(ref.model ? { model: ref.model } : {}) };
}

/**
 * A just-submitted job's reference: the provider and model running it, when it was sent, the clip it makes, and
 * what the plugin needs to follow it from any process.
 */
export function submittedJob(
  provider: string,
  jobId: string,
  job: { model: string; seconds: number; size: string },
  data: Record<string, unknown>,
): ProviderJobRef {
  return {
    provider,
    jobId,
    model: job.model,
    submittedAt: new Date().toISOString(),
    seconds: job.seconds,
    size: job.size,
    data,
  };
}
