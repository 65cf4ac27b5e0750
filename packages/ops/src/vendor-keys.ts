import { ConfigError } from '@beatframe/core';

type Env = Record<string, string | undefined>;

/** What rotation can do with one vendor's keys. */
export interface VendorKeys {
  provider: string;
  /** The variable the provider plugin reads. */
  keyEnv: string;
  /** Creates a key at the vendor (undefined: the vendor has no API for it, or no admin key is set). */
  create?(alias: string): Promise<{ key: string; id: string }>;
  /** Revokes a key by its vendor id. */
  revoke?(id: string): Promise<void>;
  /** The vendor's id of a key, when the key says it. */
  idOf?(key: string): string | undefined;
  /** Resolves when the key is accepted by the vendor; throws with a one-line reason otherwise. */
  verify(key: string): Promise<void>;
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const text = (await res.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
  throw new Error(`${what}: HTTP ${res.status}${text ? ` ${text}` : ''}`);
}

const timeout = () => AbortSignal.timeout(20_000);

/**
 * fal.ai: Platform API keys (POST/DELETE https://api.fal.ai/v1/keys, admin key in FAL_ADMIN_KEY).
 * A fal key is `key_id:key_secret`, so the old key's id is in the key itself.
 */
function fal(env: Env, fetchImpl: typeof fetch): VendorKeys {
  const base = (env.FAL_PLATFORM_URL || 'https://api.fal.ai/v1').replace(/\/+$/, '');
  const admin = env.FAL_ADMIN_KEY;
  return {
    provider: 'fal',
    keyEnv: 'FAL_KEY',
    ...(admin
      ? {
          async create(alias: string) {
            const res = await fetchImpl(`${base}/keys`, {
              method: 'POST',
              headers: { authorization: `Key ${admin}`, 'content-type': 'application/json' },
              body: JSON.stringify({ alias }),
              signal: timeout(),
            });
            await expectOk(res, 'fal would not create a key');
            const body = (await res.json()) as { key_id: string; key: string };
            return { key: body.key, id: body.key_id };
          },
          async revoke(id: string) {
            const res = await fetchImpl(`${base}/keys/${encodeURIComponent(id)}`, {
              method: 'DELETE',
              headers: { authorization: `Key ${admin}` },
              signal: timeout(),
            });
            await expectOk(res, 'fal would not revoke the key');
          },
        }
      : {}),
    idOf: (key) => (key.includes(':') ? key.slice(0, key.indexOf(':')) : undefined),
    async verify(key) {
      const res = await fetchImpl(`${base}/models?limit=1`, {
        headers: { authorization: `Key ${key}` },
        signal: timeout(),
      });
      await expectOk(res, 'fal refused the key');
    },
  };
}

/** OpenAI (or a gateway): no key-creation API for project keys; checked by listing videos. */
function openai(env: Env, fetchImpl: typeof fetch): VendorKeys {
  const base = (env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, '');
  return {
    provider: 'openai-videos',
    keyEnv: 'OPENAI_API_KEY',
    async verify(key) {
      const res = await fetchImpl(`${base}/videos?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
        signal: timeout(),
      });
      await expectOk(res, 'the OpenAI endpoint refused the key');
    },
  };
}

/** Gemini API keys are made in Google Cloud (API Keys API with OAuth), not with a key: checked only. */
function gemini(env: Env, fetchImpl: typeof fetch): VendorKeys {
  const base = (env.GOOGLE_GEMINI_BASE_URL || 'https://generativelanguage.googleapis.com').replace(
    /\/+$/,
    '',
  );
  return {
    provider: 'veo',
    keyEnv: 'GEMINI_API_KEY',
    async verify(key) {
      const res = await fetchImpl(`${base}/v1beta/models?pageSize=1`, {
        headers: { 'x-goog-api-key': key },
        signal: timeout(),
      });
      await expectOk(res, 'the Gemini API refused the key');
    },
  };
}

/** Runway: keys are made in the developer portal; checked by reading the organization. */
function runway(env: Env, fetchImpl: typeof fetch): VendorKeys {
  const base = (env.RUNWAYML_BASE_URL || 'https://api.dev.runwayml.com').replace(/\/+$/, '');
  return {
    provider: 'runway',
    keyEnv: 'RUNWAYML_API_SECRET',
    async verify(key) {
      const res = await fetchImpl(`${base}/v1/organization`, {
        headers: { authorization: `Bearer ${key}`, 'x-runway-version': '2024-11-06' },
        signal: timeout(),
      });
      await expectOk(res, 'Runway refused the key');
    },
  };
}

const VENDORS: Record<string, (env: Env, f: typeof fetch) => VendorKeys> = {
  fal,
  'openai-videos': openai,
  openai,
  sora: openai,
  veo: gemini,
  gemini,
  google: gemini,
  runway,
  runwayml: runway,
};

export function vendorKeys(
  provider: string,
  env: Env = process.env,
  fetchImpl: typeof fetch = fetch,
): VendorKeys {
  const make = VENDORS[provider.trim().toLowerCase()];
  if (!make)
    throw new ConfigError(
      `no key rotation for provider "${provider}"; known: fal, openai-videos, veo, runway`,
    );
  return make(env, fetchImpl);
}
