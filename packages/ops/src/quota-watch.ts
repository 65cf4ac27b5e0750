import type { Logger } from '@beatframe/core';
import { fingerprint, ringKeys } from '@beatframe/keyring';
import type { Beatframe } from '@beatframe/pipeline';
import { PROVIDER_KEYS } from './doctor.js';

type Env = Record<string, string | undefined>;

/** Why a paused project waits for a quota, read from its reason (the engine's words). */
export function quotaPause(
  reason: string | undefined,
): { provider: string; dailyLimit: boolean; keys: string[] } | undefined {
  const m = /^provider (\S+): quota exhausted/.exec(reason ?? '');
  if (!m) return undefined;
  return {
    provider: m[1]!,
    dailyLimit: /daily limit of \$/.test(reason!),
    keys: [...(reason!.matchAll(/fp:[0-9a-f]{10}/g) ?? [])].map((x) => x[0]),
  };
}

/**
 * Decides whether a project paused on a quota may go on: the quota has reset (a new UTC day since it
 * paused), or the provider's ring now holds a key that was not among the exhausted ones (a key was added
 * or rotated in). A provider's own daily limit waits for the new day only.
 */
export function shouldResume(
  project: { error?: string; updatedAt: string },
  env: Env,
  now = new Date(),
): { resume: boolean; why?: string } {
  const q = quotaPause(project.error);
  if (!q) return { resume: false };
  if (project.updatedAt.slice(0, 10) < now.toISOString().slice(0, 10))
    return { resume: true, why: `a new UTC day began; ${q.provider}'s quota has reset` };
  if (q.dailyLimit) return { resume: false };
  const keyEnv = PROVIDER_KEYS[q.provider];
  if (!keyEnv) return { resume: false };
  const fresh = ringKeys(keyEnv, env)
    .map(fingerprint)
    .filter((fp) => !q.keys.includes(fp));
  if (fresh.length && q.keys.length) return { resume: true, why: `${q.provider} has a new key ${fresh[0]}` };
  return { resume: false };
}

/**
 * Every `intervalMs` (default 60 s), resumes the projects paused on a quota that has reset or that a new
 * key can serve. Runs beside a worker; several watchers resuming one project is harmless.
 */
export function startQuotaWatcher(
  bf: Pick<Beatframe, 'listProjects' | 'resume'>,
  opts: { logger: Logger; env?: Env; intervalMs?: number },
): { check(): Promise<string[]>; stop(): void } {
  const env = opts.env ?? process.env;
  const check = async (): Promise<string[]> => {
    const resumed: string[] = [];
    for (const p of await bf.listProjects({ status: ['paused'] })) {
      const d = shouldResume(p, env);
      if (!d.resume) continue;
      await bf.resume(p.id);
      opts.logger.info({ projectId: p.id, why: d.why }, 'resumed a project paused on a quota');
      resumed.push(p.id);
    }
    return resumed;
  };
  const timer = setInterval(() => {
    check().catch((err) => opts.logger.warn({ err: (err as Error).message }, 'quota check failed'));
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
