import type { PluginContext } from './contracts.js';
import { ConfigError, InputError } from './errors.js';

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
 * A provider's model catalogue lookup: `models` lists the default first, then the others; `modelOf` finds one
 * (the default when none is named) or throws an InputError naming the known ones and where to add more.
 */
export function catalogueLookup<M>(
  provider: string,
  catalogue: Record<string, M>,
  defaultModel: string,
  configKey: string,
): { models: string[]; modelOf(id: string | undefined): [string, M] } {
  const models = [defaultModel, ...Object.keys(catalogue).filter((m) => m !== defaultModel)];
  return {
    models,
    modelOf(id) {
      const model = id ?? defaultModel;
      const m = catalogue[model];
      if (!m)
        throw new InputError(
          `${provider} does not know model ${model}; known: ${models.join(', ')} (add it under ${configKey})`,
        );
      return [model, m];
    },
  };
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
