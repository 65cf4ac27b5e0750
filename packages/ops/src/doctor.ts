import { SECRET_ENV_PATTERN } from '@beatframe/core';
import { fingerprint, ringKeys } from '@beatframe/keyring';
import pg from 'pg';

type Env = Record<string, string | undefined>;

export interface OpsCheck {
  name: string;
  ok: boolean;
  detail: string;
  optional?: boolean;
}

/** Provider key variables and the rings beside them. */
export const PROVIDER_KEYS: Record<string, string> = {
  'openai-videos': 'OPENAI_API_KEY',
  veo: 'GEMINI_API_KEY',
  fal: 'FAL_KEY',
  runway: 'RUNWAYML_API_SECRET',
};

/**
 * Which secrets this process has, by name (and provider keys by fingerprint): never a value. A secret
 * is any variable whose name ends like one (KEY, KEYS, SECRET, TOKEN, PASSWORD, DATABASE_URL, …).
 */
export function secretChecks(env: Env = process.env): OpsCheck[] {
  const names = Object.keys(env)
    .filter((k) => SECRET_ENV_PATTERN.test(k) && env[k])
    .sort();
  const checks: OpsCheck[] = [
    {
      name: 'secrets',
      ok: true,
      optional: true,
      detail: names.length ? `set: ${names.join(', ')}` : 'none set (the offline defaults need none)',
    },
  ];
  for (const [provider, keyEnv] of Object.entries(PROVIDER_KEYS)) {
    const keys = ringKeys(keyEnv, env);
    if (!keys.length) continue;
    checks.push({
      name: `keys ${provider}`,
      ok: true,
      optional: true,
      detail: `${keys.length} key${keys.length > 1 ? 's' : ''} (${keys.map(fingerprint).join(', ')}) from ${keyEnv}${env[`${keyEnv}S`] ? ` and ${keyEnv}S` : ''}`,
    });
  }
  if (env.RAILWAY_API_TOKEN || env.RAILWAY_PROJECT_TOKEN) {
    const missing = ['RAILWAY_PROJECT_ID', 'RAILWAY_ENVIRONMENT_ID', 'RAILWAY_SERVICE_ID'].filter(
      (k) => !env[k],
    );
    checks.push({
      name: 'railway',
      ok: missing.length === 0,
      optional: true,
      detail: missing.length
        ? `a token is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not: \`secrets rotate\` cannot find the services`
        : `token set; project ${env.RAILWAY_PROJECT_ID}, service ${env.RAILWAY_SERVICE_ID}`,
    });
  }
  return checks;
}

/** Reaches what the configuration points at: PostgreSQL (DATABASE_URL) and the alert webhook's host. */
export async function connectivityChecks(env: Env = process.env): Promise<OpsCheck[]> {
  const checks: OpsCheck[] = [];
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5000 });
    const t0 = Date.now();
    try {
      await client.connect();
      const [row] = (await client.query<{ v: string }>('SHOW server_version')).rows;
      checks.push({
        name: 'postgres',
        ok: true,
        detail: `reached in ${Date.now() - t0} ms (server ${row?.v ?? '?'})`,
      });
    } catch (err) {
      const msg = ((err as Error).message ?? '').split('\n')[0]!.replace(/\w+:\/\/\S+/g, '[url]');
      checks.push({ name: 'postgres', ok: false, detail: `DATABASE_URL cannot be reached: ${msg}` });
    } finally {
      await client.end().catch(() => {});
    }
  }
  const hook = env.BEATFRAME_ALERT_WEBHOOK_URL;
  if (hook) {
    let host = '?';
    try {
      host = new URL(hook).host;
      // A HEAD names the host only; the webhook's path is a secret (Slack's carries a token).
      const res = await fetch(new URL(hook).origin, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
      checks.push({
        name: 'alert webhook',
        ok: true,
        optional: true,
        detail: `${host} answers (HTTP ${res.status})`,
      });
    } catch (err) {
      checks.push({
        name: 'alert webhook',
        ok: false,
        optional: true,
        detail: `${host} cannot be reached: ${(err as Error).message}`,
      });
    }
  }
  return checks;
}
