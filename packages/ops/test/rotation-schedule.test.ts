import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '@beatframe/core';
import { startFalKeysEmulator, startRailwayEmulator } from '@beatframe/emulators';
import { createBeatframe } from '@beatframe/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  opsTargetOf,
  ROTATION_QUEUE,
  rotationScheduleFromEnv,
  runScheduledRotation,
  type ScheduleQueue,
  startRotationSchedule,
} from '../src/index.js';

const TOKEN = 'railway-account-token-000000002';

describe('rotationScheduleFromEnv', () => {
  it('is off unless a cron is set, and refuses a malformed cron or an unknown provider in one line', () => {
    expect(rotationScheduleFromEnv({})).toBeUndefined();
    expect(rotationScheduleFromEnv({ BEATFRAME_ROTATE_CRON: '  ' })).toBeUndefined();
    expect(rotationScheduleFromEnv({ BEATFRAME_ROTATE_CRON: '0 4 1 * *' })).toEqual({
      cron: '0 4 1 * *',
      providers: ['fal'],
    });
    expect(
      rotationScheduleFromEnv({
        BEATFRAME_ROTATE_CRON: '*/15 2-5 * * 1,3',
        BEATFRAME_ROTATE_PROVIDERS: 'fal, runway',
        BEATFRAME_ROTATE_TZ: 'Europe/Rome',
      }),
    ).toEqual({ cron: '*/15 2-5 * * 1,3', providers: ['fal', 'runway'], tz: 'Europe/Rome' });
    expect(() => rotationScheduleFromEnv({ BEATFRAME_ROTATE_CRON: 'monthly' })).toThrow(
      /five-field cron such as "0 4 1 \* \*", not "monthly"/,
    );
    expect(() => rotationScheduleFromEnv({ BEATFRAME_ROTATE_CRON: '0 4 1 * * *' })).toThrow(/five-field/);
    expect(() =>
      rotationScheduleFromEnv({ BEATFRAME_ROTATE_CRON: '0 4 1 * *', BEATFRAME_ROTATE_PROVIDERS: 'nope' }),
    ).toThrow(/no key rotation for provider "nope"/);
  });
});

describe('periodic key rotation on pg-boss (PGlite)', () => {
  let dir: string;
  let bf: Awaited<ReturnType<typeof createBeatframe>>;
  let boss: ScheduleQueue;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-rotate-cron-'));
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dir }, cwd: dir });
    bf = await createBeatframe({
      config,
      env: { BEATFRAME_ROTATE_CRON: '0 4 1 * *' },
      logger: silentLogger(),
    });
    boss = opsTargetOf(bf)!.boss!;
  });
  afterAll(async () => {
    await bf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the schedule, rotates fal when the tick comes, and removes the schedule when turned off', async () => {
    const fal = await startFalKeysEmulator();
    const oldKey = fal.addKey('first');
    const rw = await startRailwayEmulator({
      token: TOKEN,
      projectId: 'prj-1',
      environmentId: 'env-1',
      services: { 'svc-api': { FAL_KEY: oldKey }, 'svc-worker': { FAL_KEY: oldKey } },
    });
    try {
      const env = {
        RAILWAY_PROJECT_ID: 'prj-1',
        RAILWAY_ENVIRONMENT_ID: 'env-1',
        RAILWAY_SERVICE_ID: 'svc-api',
        BEATFRAME_RAILWAY_SERVICE_IDS: 'svc-worker',
        RAILWAY_API_TOKEN: TOKEN,
        RAILWAY_API_URL: rw.url,
        FAL_KEY: oldKey,
        FAL_ADMIN_KEY: fal.adminKey,
        FAL_PLATFORM_URL: fal.url,
        BEATFRAME_ROTATE_CRON: '0 4 1 * *',
      };
      const ran: string[][] = [];
      const running = await startRotationSchedule({
        boss,
        schedule: rotationScheduleFromEnv(env),
        env,
        logger: silentLogger(),
        rotate: async (o) => {
          const { rotateKey } = await import('../src/rotate.js');
          const report = await rotateKey(o);
          ran.push([report.provider, report.new]);
          return report;
        },
      });
      const stored = await boss.getSchedules(ROTATION_QUEUE);
      expect(stored.map((s) => [s.name, s.cron, s.data])).toEqual([
        [ROTATION_QUEUE, '0 4 1 * *', { providers: ['fal'] }],
      ]);

      // The tick: what pg-boss's cron monitor sends at 04:00 on the 1st, sent now.
      await (boss as unknown as { send(n: string, d: object): Promise<string> }).send(ROTATION_QUEUE, {
        providers: ['fal'],
      });
      const end = Date.now() + 30_000;
      while (!ran.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(ran).toHaveLength(1);
      const newKey = rw.variables.get('svc-api')!.FAL_KEY!;
      expect(newKey).not.toBe(oldKey);
      expect(rw.variables.get('svc-worker')!.FAL_KEY).toBe(newKey);
      expect(fal.isActive(newKey)).toBe(true);
      expect(fal.isActive(oldKey)).toBe(false);
      await running.stop();

      // Turned off: the stored schedule goes at the next start.
      await startRotationSchedule({ boss, schedule: undefined, env: {}, logger: silentLogger() });
      expect(await boss.getSchedules(ROTATION_QUEUE)).toEqual([]);
    } finally {
      await fal.close();
      await rw.close();
    }
  });

  it('a vendor without a key API is skipped with what to do instead; the others still rotate', async () => {
    const runs = await runScheduledRotation({
      providers: ['runway', 'fal'],
      env: {
        RUNWAYML_API_SECRET: 'key_runway_00000000000000000000',
        FAL_ADMIN_KEY: 'fal-admin-000000000000',
        RAILWAY_PROJECT_ID: 'prj-1',
        RAILWAY_ENVIRONMENT_ID: 'env-1',
        RAILWAY_SERVICE_ID: 'svc-api',
        RAILWAY_API_TOKEN: TOKEN,
      },
      logger: silentLogger(),
      rotate: async () => ({
        provider: 'fal',
        variable: 'FAL_KEY',
        new: 'fp:0000000000',
        created: true,
        services: [],
        redeployed: false,
        revoked: 'no-old-key',
      }),
    });
    expect(runs[0]).toMatchObject({ provider: 'runway', ok: false });
    expect(runs[0]!.error).toContain('beatframe secrets rotate --provider runway --stdin');
    expect(runs[1]).toMatchObject({ provider: 'fal', ok: true });
  });
});
