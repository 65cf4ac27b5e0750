import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '@beatframe/core';

type Env = Record<string, string | undefined>;

/** The variables an account's credentials come from: SORA_EMAIL, SORA_PASSWORD, SORA_STORAGE_STATE. */
export function credentialVars(prefix: string) {
  return {
    email: `${prefix}_EMAIL`,
    password: `${prefix}_PASSWORD`,
    storageState: `${prefix}_STORAGE_STATE`,
  };
}

/**
 * The dedicated account's email and password, read from the environment only when a sign-in is needed
 * (never stored, logged, or put in a screenshot, a file name or a trace).
 */
export function readCredentials(prefix: string, env: Env): { email: string; password: string } {
  const v = credentialVars(prefix);
  const email = env[v.email];
  const password = env[v.password];
  if (!email || !password)
    throw new ConfigError(
      `the site asks to sign in: set ${v.email} and ${v.password} for a dedicated account (or ${v.storageState} for a saved session)`,
    );
  return { email, password };
}

/**
 * A saved session from `<PREFIX>_STORAGE_STATE`: a path to Playwright's storage-state JSON, that JSON itself,
 * or the value of the site's session cookie (`sessionCookie` in the profile names it).
 */
export function storageStateFromEnv(
  prefix: string,
  env: Env,
  site: { baseUrl: string; sessionCookie?: string | undefined },
): object | undefined {
  const value = env[credentialVars(prefix).storageState]?.trim();
  if (!value) return undefined;
  if (value.startsWith('{')) return parseState(value, 'its JSON');
  if (existsSync(value)) return parseState(readFileSync(value, 'utf8'), value);
  if (!site.sessionCookie)
    throw new ConfigError(
      `${credentialVars(prefix).storageState} is neither a storage-state file nor JSON, and the profile names no session cookie`,
    );
  const url = new URL(site.baseUrl);
  return {
    cookies: [
      {
        name: site.sessionCookie,
        value,
        domain: url.hostname,
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: url.protocol === 'https:',
        sameSite: 'Lax',
      },
    ],
    origins: [],
  };
}

function parseState(text: string, where: string): object {
  try {
    const state = JSON.parse(text) as { cookies?: unknown };
    if (!Array.isArray(state.cookies)) throw new Error('no cookies list');
    return state;
  } catch (err) {
    throw new ConfigError(
      `the saved session (${where}) is not a Playwright storage state: ${(err as Error).message}`,
    );
  }
}
