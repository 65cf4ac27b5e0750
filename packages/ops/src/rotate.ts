import { BeatframeError, type Logger } from '@beatframe/core';
import { fingerprint, ringVariable } from '@beatframe/keyring';
import type { RailwayClient, RailwayTarget } from './railway.js';
import type { VendorKeys } from './vendor-keys.js';

type Env = Record<string, string | undefined>;

export interface RotateOptions {
  vendor: VendorKeys;
  railway: RailwayClient;
  /** The services whose variables hold the key (the API service and the worker service). */
  targets: RailwayTarget[];
  /** The environment of this process: the current key is read from it. */
  env: Env;
  /** The new key when the vendor cannot make one (from a named variable or stdin). */
  newKey?: string;
  /** Redeploy the services after writing (default true). */
  redeploy?: boolean;
  logger: Logger;
  /** Names the vendor key (fal alias). */
  alias?: string;
}

export interface RotateReport {
  provider: string;
  variable: string;
  old?: string;
  new: string;
  created: boolean;
  services: string[];
  redeployed: boolean;
  revoked: 'yes' | 'not-possible' | 'no-old-key';
  note?: string;
}

export class RotationError extends BeatframeError {}

/**
 * Rotates one provider's key: new key (made at the vendor, or given) → checked at the vendor → written
 * to every service's variables (the single-key variable, and the ring where the old key was in it) →
 * read back → services redeployed → checked again → the old key revoked. Until the last step the old
 * key is untouched; a failure before it puts the variables back and revokes the new key, so the old key
 * keeps working. Keys are named only by fingerprint in logs and in the report.
 */
export async function rotateKey(o: RotateOptions): Promise<RotateReport> {
  const { vendor, railway, targets, logger } = o;
  const keyEnv = vendor.keyEnv;
  const ringEnv = ringVariable(keyEnv);
  const old = o.env[keyEnv] || undefined;
  const log = logger.child({ provider: vendor.provider, rotation: true });

  // 1. The new key.
  let key: string;
  let createdId: string | undefined;
  if (o.newKey) key = o.newKey.trim();
  else if (vendor.create) {
    const made = await vendor.create(o.alias ?? `beatframe ${new Date().toISOString().slice(0, 10)}`);
    key = made.key;
    createdId = made.id;
    log.info({ new: fingerprint(key) }, 'created a new key at the vendor');
  } else
    throw new RotationError(
      `${vendor.provider} has no API to create keys: make one in its console and pass it with --from-variable NAME or --stdin`,
    );
  if (!key) throw new RotationError('the new key is empty');
  if (old && key === old) throw new RotationError(`the new key is the current one (${fingerprint(old)})`);
  const newFp = fingerprint(key);

  const undoNewKey = async (why: string) => {
    if (createdId && vendor.revoke)
      await vendor.revoke(createdId).then(
        () => log.info({ new: newFp }, 'revoked the new key again'),
        (err) => log.warn({ new: newFp, err: (err as Error).message }, 'could not revoke the new key'),
      );
    log.warn({ old: old && fingerprint(old), new: newFp, why }, 'rotation stopped; the old key stays in use');
  };

  // 2. Checked before anything is written.
  try {
    await vendor.verify(key);
  } catch (err) {
    await undoNewKey('the new key does not work');
    throw new RotationError(`the new key ${newFp} does not work: ${(err as Error).message}`);
  }

  // 3. Written to every service; what was there before is kept to put back on failure.
  const written: Array<{ target: RailwayTarget; before: Record<string, string | undefined> }> = [];
  const restore = async () => {
    for (const w of written.reverse())
      for (const [name, value] of Object.entries(w.before))
        if (value !== undefined)
          await railway
            .variableUpsert(w.target, name, value)
            .catch((err) =>
              log.error(
                { service: w.target.serviceId, variable: name, err: (err as Error).message },
                'could not put a variable back',
              ),
            );
  };
  try {
    for (const target of targets) {
      const current = await railway.variables(target);
      const updates: Record<string, string> = { [keyEnv]: key };
      const ring = current[ringEnv];
      if (
        ring &&
        old &&
        ring
          .split(',')
          .map((s) => s.trim())
          .includes(old)
      )
        updates[ringEnv] = ring
          .split(',')
          .map((s) => (s.trim() === old ? key : s.trim()))
          .join(',');
      written.push({ target, before: Object.fromEntries(Object.keys(updates).map((n) => [n, current[n]])) });
      for (const [name, value] of Object.entries(updates)) await railway.variableUpsert(target, name, value);
      // Read back: Railway holds the new key now.
      const after = await railway.variables(target);
      if (after[keyEnv] !== key)
        throw new RotationError(`service ${target.serviceId} does not hold the new key after writing it`);
      log.info(
        { service: target.serviceId, variables: Object.keys(updates), new: newFp },
        'service variables updated',
      );
    }
    // 4. Redeploy, so the services start with the new key; then check the key once more.
    if (o.redeploy !== false) {
      for (const target of targets) {
        await railway.serviceInstanceRedeploy(target);
        log.info({ service: target.serviceId }, 'redeploy triggered');
      }
    }
    await vendor.verify(key);
  } catch (err) {
    await restore();
    await undoNewKey((err as Error).message);
    throw err instanceof BeatframeError
      ? err
      : new RotationError(`rotation failed: ${(err as Error).message}`);
  }

  // 5. Only now is the old key revoked.
  let revoked: RotateReport['revoked'] = 'no-old-key';
  let note: string | undefined;
  if (old) {
    const id = vendor.idOf?.(old);
    if (vendor.revoke && id) {
      try {
        await vendor.revoke(id);
        revoked = 'yes';
        log.info({ old: fingerprint(old) }, 'revoked the old key');
      } catch (err) {
        revoked = 'not-possible';
        note = `could not revoke the old key ${fingerprint(old)}: ${(err as Error).message}; revoke it in the vendor's console`;
        log.warn({ old: fingerprint(old) }, note);
      }
    } else {
      revoked = 'not-possible';
      note = `${vendor.provider} has no API to revoke keys: revoke ${fingerprint(old)} in its console once the services run on ${newFp}`;
    }
  }
  return {
    provider: vendor.provider,
    variable: keyEnv,
    ...(old ? { old: fingerprint(old) } : {}),
    new: newFp,
    created: Boolean(createdId),
    services: targets.map((t) => t.serviceId),
    redeployed: o.redeploy !== false,
    revoked,
    ...(note ? { note } : {}),
  };
}
