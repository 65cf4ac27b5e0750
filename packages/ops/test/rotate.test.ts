import { Writable } from 'node:stream';
import { createLogger } from '@beatframe/core';
import {
  type FalKeysEmulator,
  type OpenAIVideosEmulator,
  type RailwayEmulator,
  startFalKeysEmulator,
  startOpenAIVideosEmulator,
  startRailwayEmulator,
} from '@beatframe/emulators';
import { fingerprint } from '@beatframe/keyring';
import { afterEach, describe, expect, it } from 'vitest';
import { RailwayClient, RotationError, railwayTargets, rotateKey, vendorKeys } from '../src/index.js';

const TOKEN = 'railway-account-token-000000001';
const IDS = { RAILWAY_PROJECT_ID: 'prj-1', RAILWAY_ENVIRONMENT_ID: 'env-1', RAILWAY_SERVICE_ID: 'svc-api' };

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});

function capture() {
  let text = '';
  const logger = createLogger({
    level: 'debug',
    env: {},
    destination: new Writable({
      write(chunk, _e, cb) {
        text += chunk;
        cb();
      },
    }) as never,
  });
  return { logger, text: () => text };
}

async function setup(): Promise<{
  fal: FalKeysEmulator;
  rw: RailwayEmulator;
  oldKey: string;
  env: Record<string, string>;
}> {
  const fal = await startFalKeysEmulator();
  const oldKey = fal.addKey('first');
  const rw = await startRailwayEmulator({
    token: TOKEN,
    projectId: 'prj-1',
    environmentId: 'env-1',
    services: {
      'svc-api': { FAL_KEY: oldKey, OTHER: 'x' },
      'svc-worker': { FAL_KEY: oldKey, FAL_KEYS: `${oldKey},spare-key-00000000` },
    },
  });
  open.push(fal, rw);
  const env = {
    ...IDS,
    BEATFRAME_RAILWAY_SERVICE_IDS: 'svc-worker',
    RAILWAY_API_TOKEN: TOKEN,
    RAILWAY_API_URL: rw.url,
    FAL_KEY: oldKey,
    FAL_ADMIN_KEY: fal.adminKey,
    FAL_PLATFORM_URL: fal.url,
  };
  return { fal, rw, oldKey, env };
}

describe('Railway GraphQL client against the emulator', () => {
  it('sends the token, upserts without deploying, redeploys, and turns GraphQL errors into one line', async () => {
    const { rw, env } = await setup();
    const client = RailwayClient.fromEnv(env);
    const [api] = railwayTargets(env);
    await client.variableUpsert(api!, 'NEW_VAR', 'v1');
    expect(rw.variables.get('svc-api')?.NEW_VAR).toBe('v1');
    expect(rw.redeploys.get('svc-api')).toBeUndefined();
    await client.serviceInstanceRedeploy(api!);
    expect(rw.redeploys.get('svc-api')).toBe(1);
    const bad = RailwayClient.fromEnv({ ...env, RAILWAY_API_TOKEN: 'wrong-token-00000000' });
    const err = await bad.variables(api!).catch((e: Error) => e);
    expect((err as Error).message).toBe('Railway refused: Not Authorized');
    const missing = await client.variables({ ...api!, serviceId: 'svc-nope' }).catch((e: Error) => e);
    expect((missing as Error).message).toContain('Service not found');
    rw.failNext('variableUpsert', { status: 429 });
    expect(((await client.variableUpsert(api!, 'X', 'y').catch((e: Error) => e)) as Error).message).toContain(
      '429',
    );
  });
  it('names the Railway ids that are missing', () => {
    expect(() => railwayTargets({})).toThrow(
      /RAILWAY_PROJECT_ID, RAILWAY_ENVIRONMENT_ID, RAILWAY_SERVICE_ID/,
    );
  });
});

describe('secrets rotate', () => {
  it('fal: creates a key, checks it, writes both services (and the ring), redeploys, then revokes the old key', async () => {
    const { fal, rw, oldKey, env } = await setup();
    const log = capture();
    const report = await rotateKey({
      vendor: vendorKeys('fal', env),
      railway: RailwayClient.fromEnv(env),
      targets: railwayTargets(env),
      env,
      logger: log.logger,
    });
    const newKey = rw.variables.get('svc-api')!.FAL_KEY!;
    expect(newKey).not.toBe(oldKey);
    expect(fal.isActive(newKey)).toBe(true);
    expect(fal.isActive(oldKey)).toBe(false);
    expect(rw.variables.get('svc-worker')!.FAL_KEY).toBe(newKey);
    expect(rw.variables.get('svc-worker')!.FAL_KEYS).toBe(`${newKey},spare-key-00000000`);
    expect(rw.variables.get('svc-api')!.OTHER).toBe('x');
    expect(Object.fromEntries(rw.redeploys)).toEqual({ 'svc-api': 1, 'svc-worker': 1 });
    expect(report).toMatchObject({
      provider: 'fal',
      old: fingerprint(oldKey),
      new: fingerprint(newKey),
      created: true,
      revoked: 'yes',
      services: ['svc-api', 'svc-worker'],
    });
    // Logged by fingerprint only.
    expect(log.text()).toContain(fingerprint(newKey));
    for (const k of [oldKey, newKey, fal.adminKey, TOKEN]) expect(log.text()).not.toContain(k);
  });

  it('a failure at Railway puts the variables back, revokes the new key and leaves the old one working', async () => {
    const { fal, rw, oldKey, env } = await setup();
    rw.failNext('serviceInstanceRedeploy', { message: 'Deployment failed to start' });
    const before = fal.keys.size;
    const err = await rotateKey({
      vendor: vendorKeys('fal', env),
      railway: RailwayClient.fromEnv(env),
      targets: railwayTargets(env),
      env,
      logger: capture().logger,
    }).catch((e: Error) => e);
    expect((err as Error).message).toContain('Deployment failed to start');
    expect(rw.variables.get('svc-api')!.FAL_KEY).toBe(oldKey);
    expect(rw.variables.get('svc-worker')!.FAL_KEYS).toBe(`${oldKey},spare-key-00000000`);
    expect(fal.isActive(oldKey)).toBe(true);
    expect(fal.keys.size).toBe(before + 1);
    expect([...fal.keys.values()].filter((k) => k.active).map((k) => k.key)).toEqual([oldKey]);
  });

  it('a bad Railway token stops before anything changes; the created key is revoked again', async () => {
    const { fal, rw, oldKey, env } = await setup();
    const err = await rotateKey({
      vendor: vendorKeys('fal', env),
      railway: RailwayClient.fromEnv({ ...env, RAILWAY_API_TOKEN: 'not-the-token-0000' }),
      targets: railwayTargets(env),
      env,
      logger: capture().logger,
    }).catch((e: Error) => e);
    expect((err as Error).message).toContain('Not Authorized');
    expect(rw.variables.get('svc-api')!.FAL_KEY).toBe(oldKey);
    expect([...fal.keys.values()].filter((k) => k.active).map((k) => k.key)).toEqual([oldKey]);
  });

  it('openai: a key given on stdin is checked first; a refused one changes nothing', async () => {
    const emu: OpenAIVideosEmulator = await startOpenAIVideosEmulator({ apiKey: 'sk-new-good-000000000001' });
    const rw = await startRailwayEmulator({
      token: TOKEN,
      projectId: 'prj-1',
      environmentId: 'env-1',
      services: { 'svc-api': { OPENAI_API_KEY: 'sk-old-000000000000001' } },
    });
    open.push(emu, rw);
    const env = {
      ...IDS,
      RAILWAY_API_TOKEN: TOKEN,
      RAILWAY_API_URL: rw.url,
      OPENAI_BASE_URL: emu.baseUrl,
      OPENAI_API_KEY: 'sk-old-000000000000001',
    };
    const args = {
      vendor: vendorKeys('openai-videos', env),
      railway: RailwayClient.fromEnv(env),
      targets: railwayTargets(env),
      env,
      logger: capture().logger,
    };
    const refused = await rotateKey({ ...args, newKey: 'sk-typo-0000000000000' }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(RotationError);
    expect((refused as Error).message).toContain(`${fingerprint('sk-typo-0000000000000')} does not work`);
    expect(rw.calls).toEqual([]);
    const none = await rotateKey(args).catch((e: Error) => e);
    expect((none as Error).message).toMatch(/--from-variable NAME or --stdin/);
    const report = await rotateKey({ ...args, newKey: 'sk-new-good-000000000001' });
    expect(rw.variables.get('svc-api')!.OPENAI_API_KEY).toBe('sk-new-good-000000000001');
    expect(report.revoked).toBe('not-possible');
    expect(report.note).toContain(fingerprint('sk-old-000000000000001'));
  });
});
