import {
  type ImageContext,
  type ImageProvider,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { fingerprint, KeyHealth, ringKeys, ringVariable } from './ring.js';

export interface KeyRingOptions {
  /** The single-key variable the plugin reads (FAL_KEY); the ring is the same name plus S (FAL_KEYS). */
  keyEnv: string;
  /** Shared between the providers of one process, so every wrapper knows a refused key. */
  health?: KeyHealth;
}

/** One process-wide record of refused and exhausted keys. */
export const defaultKeyHealth = new KeyHealth();

type Env = Record<string, string | undefined>;

/** Key rotation for one provider `inner` (its name in messages): what the video and image wrappers share. */
function keyRotation(inner: { name: string }, opts: KeyRingOptions) {
  const health = opts.health ?? defaultKeyHealth;
  const keyEnv = opts.keyEnv;
  const envOf = (ctx: PluginContext): Env => ctx.env ?? process.env;
  const withKey = <C extends PluginContext>(ctx: C, key: string): C => ({
    ...ctx,
    env: { ...envOf(ctx), [keyEnv]: key },
  });

  /** Keys to try, usable ones first (in ring order), then the ones known bad are left out. */
  function usable(ctx: PluginContext, preferFp?: string): string[] {
    const keys = ringKeys(keyEnv, envOf(ctx));
    const ok = keys.filter((k) => health.state(fingerprint(k)) === 'ok');
    if (preferFp) {
      const i = ok.findIndex((k) => fingerprint(k) === preferFp);
      if (i > 0) ok.unshift(...ok.splice(i, 1));
    }
    return ok;
  }

  async function recordSwitch(
    ctx: PluginContext,
    from: string,
    to: string | undefined,
    err: ProviderError,
    shotId?: string,
  ): Promise<void> {
    const what = err.kind === 'auth' ? 'was refused' : 'is out of quota';
    const summary = `${inner.name}: key ${from} ${what} (${err.message})${to ? `; switched to key ${to}` : '; no other key left'}`;
    ctx.logger.warn({ provider: inner.name, from, to, kind: err.kind }, summary);
    try {
      await ctx.decisions?.record({
        role: 'keyring',
        ...(shotId ? { shotId } : {}),
        summary,
        output: { provider: inner.name, from, ...(to ? { to } : {}), kind: err.kind },
      });
    } catch {
      // The switch is in the log; a decision that cannot be stored must not fail the submission.
    }
  }

  function exhaustedError(ctx: PluginContext, last?: ProviderError): ProviderError {
    const keys = ringKeys(keyEnv, envOf(ctx));
    const states = keys.map((k) => `${fingerprint(k)} ${health.state(fingerprint(k))}`);
    const anyQuota = keys.some((k) => health.state(fingerprint(k)) === 'exhausted');
    const list = states.length ? states.join(', ') : 'none set';
    const message = `every key of ${inner.name} is unusable (${list}; set ${keyEnv} or ${ringVariable(keyEnv)})`;
    return new ProviderError(anyQuota ? 'quota' : 'auth', message, {
      ...(last?.retryAfterSec !== undefined ? { retryAfterSec: last.retryAfterSec } : {}),
      cause: last,
    });
  }

  /** Runs `call` with each usable key until one is not refused; marks the ones that are. */
  async function acrossKeys<T, C extends PluginContext>(
    ctx: C,
    call: (c: C, fp: string) => Promise<T>,
    o: { preferFp?: string; shotId?: string; markQuota: boolean },
  ): Promise<T> {
    const keys = usable(ctx, o.preferFp);
    // No ring at all: the plugin reports the missing key in its own words.
    if (keys.length === 0 && ringKeys(keyEnv, envOf(ctx)).length === 0) return call(ctx, '');
    let last: ProviderError | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const fp = fingerprint(key);
      try {
        return await call(withKey(ctx, key), fp);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.kind === 'auth') health.markRefused(fp, userMessage(err));
        else if (err.kind === 'quota' && o.markQuota)
          health.markExhausted(fp, userMessage(err), err.retryAfterSec);
        else throw err;
        last = err;
        const next = keys[i + 1];
        await recordSwitch(ctx, fp, next ? fingerprint(next) : undefined, err, o.shotId);
      }
    }
    throw exhaustedError(ctx, last);
  }

  return { usable, withKey, acrossKeys };
}

const fpOf = (ref: ProviderJobRef): string | undefined =>
  typeof ref.data?.keyFingerprint === 'string' ? ref.data.keyFingerprint : undefined;

/**
 * Wraps a provider plugin so that it uses a ring of keys: the plugin keeps reading its one variable
 * (ctx.env[keyEnv]); the wrapper hands it each key in turn. A submission refused as `auth` (401/403) or
 * `quota` is tried with the next key (the vendor created nothing, so nothing is paid twice); the switch
 * is logged and recorded as a decision with both keys' fingerprints. A job is polled and downloaded
 * with the key that created it. With one key or none the plugin behaves exactly as unwrapped.
 */
export function withKeyRing(inner: VideoProvider, opts: KeyRingOptions): VideoProvider {
  const { usable, withKey, acrossKeys } = keyRotation(inner, opts);
  const wrapped: VideoProvider = {
    ...inner,
    status(ctx) {
      const [first] = usable(ctx);
      return inner.status(first ? withKey(ctx, first) : ctx);
    },
    async submit(req, ctx) {
      return acrossKeys(
        ctx,
        async (c, fp) => {
          const ref = await inner.submit(req, c);
          return fp ? { ...ref, data: { ...ref.data, keyFingerprint: fp } } : ref;
        },
        { markQuota: true, ...(req.shotId ? { shotId: req.shotId } : {}) },
      );
    },
    // Reads use the key that created the job first; another key of the same account also sees it.
    poll: (ref, ctx) => acrossKeys(ctx, (c) => inner.poll(ref, c), { preferFp: fpOf(ref), markQuota: false }),
    download: (ref, dest, ctx) =>
      acrossKeys(ctx, (c) => inner.download(ref, dest, c), { preferFp: fpOf(ref), markQuota: false }),
  };
  if (inner.cancel) {
    const cancel = inner.cancel.bind(inner);
    wrapped.cancel = (ref, ctx) =>
      acrossKeys(ctx, (c) => cancel(ref, c), { preferFp: fpOf(ref), markQuota: false });
  }
  if (inner.remix) {
    const remix = inner.remix.bind(inner);
    wrapped.remix = (ref, prompt, ctx) =>
      acrossKeys(
        ctx,
        async (c, fp) => {
          const out = await remix(ref, prompt, c);
          return fp ? { ...out, data: { ...out.data, keyFingerprint: fp } } : out;
        },
        { preferFp: fpOf(ref), markQuota: true },
      );
  }
  return wrapped;
}

/** Carries an error raised after the vendor queued the still past the key rotation, unchanged. */
class AfterQueued extends Error {
  constructor(readonly inner: unknown) {
    super('after queued');
  }
}

/**
 * The same ring for an image plugin: a still refused as `auth` or `quota` before the vendor queued it is made with
 * the next key. Once a queued vendor has accepted it (onJob), a refusal is not retried with another key (that would
 * pay twice); the stored reference carries the key's fingerprint, and `resume` tries that key first.
 */
export function withImageKeyRing(inner: ImageProvider, opts: KeyRingOptions): ImageProvider {
  const { usable, withKey, acrossKeys } = keyRotation(inner, opts);
  const wrapped: ImageProvider = {
    ...inner,
    status(ctx) {
      const [first] = usable(ctx);
      return inner.status(first ? withKey(ctx, first) : ctx);
    },
    async generate(req, dest, ctx) {
      let queued = false;
      try {
        return await acrossKeys(
          ctx,
          async (c: ImageContext, fp) => {
            try {
              return await inner.generate(req, dest, {
                ...c,
                onJob: async (ref) => {
                  queued = true;
                  await ctx.onJob?.(fp ? { ...ref, data: { ...ref.data, keyFingerprint: fp } } : ref);
                },
              });
            } catch (err) {
              // Accepted and queued: another key would be a second, paid request, so the error goes out as it is.
              throw queued ? new AfterQueued(err) : err;
            }
          },
          { markQuota: true, ...(req.shotId ? { shotId: req.shotId } : {}) },
        );
      } catch (err) {
        throw err instanceof AfterQueued ? err.inner : err;
      }
    },
  };
  if (inner.resume) {
    const resume = inner.resume.bind(inner);
    wrapped.resume = (ref, dest, ctx) =>
      acrossKeys(ctx, (c) => resume(ref, dest, c), { preferFp: fpOf(ref), markQuota: false });
  }
  return wrapped;
}
